/**
 * Scenario 08 half fixed: `pipeline(Readable.from(lines), res)` respects
 * backpressure, but the lines are computed up front, all of them, into one
 * array: the export is in memory in full while the client reads it.
 * On Node 24.22 the export never ends: its response never emits 'drain' after
 * small strings with accents, so the check says it got no complete response
 * (VERDICT_FROM_NODE in checker/bench-variants.ts).
 *
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { Readable, pipeline } from 'node:stream';
import { checkExportName, orderPages, type Order } from '#service/orders';
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

app.get('/exports/:name.csv', (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  const allLines = [CSV_HEADER, ...[...orderPages(name)].flatMap((page) => page.map(csvLine))];
  pipeline(Readable.from(allLines), res, () => {
    // Nothing to answer on failure: the export has started, and pipeline has already cut the response.
  });
});

app.use(answerErrors);

export default app;
