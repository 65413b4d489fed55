/*
 * RED-TEAM VARIANT (alternative)
 * Intended: if (!res.write(chunk)) await once(res, 'drain')
 * Actually: I first filed it as a half fix (the await never resolves after a hang-up), but by hand the pending promise is unreachable garbage: res, generator and page are collected
 * Proof:    t08: peak buffered 0.07 MiB; 10 hangups: 0 responses left uncollected, heap +0.9 MiB
 * The same code (comments aside) was also written, blind, as alternative-drain-stuck-on-hangup.ts; it is checked once, here (that file had no notes of its own).
 */
/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { once } from 'node:events';
import { checkExportName, orderPages, type Order } from '#service/orders';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CSV_HEADER = 'order_id,placed_at,customer,email,country,city,sku,product,quantity,unit_price,total\r\n';

function quoted(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function csvLine(order: Order): string {
  const total = order.quantity * order.unitPriceCents;
  return [
    order.id,
    order.placedAt,
    quoted(order.customer),
    order.email,
    order.country,
    quoted(order.city),
    order.sku,
    quoted(order.product),
    order.quantity,
    money(order.unitPriceCents),
    money(total),
  ].join(',') + '\r\n';
}

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  res.write(CSV_HEADER);
  for (const page of orderPages(name)) {
    // respect backpressure: wait for 'drain' when write() says the buffer is full
    if (!res.write(page.map(csvLine).join(''))) await once(res, 'drain');
  }
  res.end();
});
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
