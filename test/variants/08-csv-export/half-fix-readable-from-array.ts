/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: pipeline(Readable.from(chunks), res) to respect backpressure
 * Actually: builds the whole export as an array first: socket buffers stay small but the heap holds all 24 MB (plus page objects) per download
 * Proof:    t08: peak buffered 0.06 MiB, but heapUsed +105.6 MiB during one 8 MiB/s download and +157 MiB during a 2 MiB/s one (server.ts +103.3 MiB); byte-exact
 */
/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { Readable, pipeline } from 'node:stream';
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

app.get('/exports/:name.csv', (req, res, next) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  // pipeline() respects backpressure, so the client sets the pace
  const chunks = [CSV_HEADER, ...Array.from(orderPages(name), (page) => page.map(csvLine).join(''))];
  pipeline(Readable.from(chunks), res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
