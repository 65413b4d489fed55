/*
 * RED-TEAM VARIANT (alternative)
 * Intended: wait for the socket's 'drain' when it has anything queued
 * Actually: works: one page at most sits in the socket buffer
 * Proof:    t08: peak buffered 0.07 MiB, byte-exact, hangups clean
 * Node 24: a real leak (23.5 MiB): its response keeps a corked write's chunks in its own buffer, so
 *   res.socket.writableLength is 0 right after res.write() and the loop never waits; the check FAILs it there
 *   (VERDICT_FROM_NODE in checker/bench-variants.ts).
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
    res.write(page.map(csvLine).join(''));
    // wait for the socket to flush before producing the next page
    if (res.socket && res.socket.writableLength > 0) await once(res.socket, 'drain');
  }
  res.end();
});
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
