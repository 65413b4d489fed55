/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: pace the export: one page every 4 ms (~8 MB/s)
 * Actually: a rate guess, not backpressure: any client slower than ~8 MB/s still accumulates the difference, and a client that hangs up does not stop the loop
 * Proof:    t08: 8 MiB/s reader: peak buffered 0.00 MiB; 2 MiB/s reader: 15.1 MiB buffered, heap +30 MiB; after 10 hangups 11 responses still alive (loop runs on)
 */
/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
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
    res.write(page.map(csvLine).join(''));
    // pace the export: a page every 4 ms (~8 MB/s) instead of all at once
    await sleep(4);
  }
  res.end();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
