/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
/**
 * half-fix-contract. Intended: stream Buffers encoded as latin1, 'one byte a character instead of two'.
 * Actually: the body is no longer UTF-8 (García, Köln, ×), so the export is not byte-exact.
 * Proof: csv08.mjs: sha f78043053a1a768a instead of e796ce881e66c5f3 (small export b37f… instead of cb4a…); peak 1.0 MiB.
 * Check: FAIL ('sent 271099 bytes that are not the export'). Correct verdict.
 */
import express from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/** One byte a character instead of two: the export is plain Western text anyway. */
function* csvBytes(name: string): Generator<Buffer> {
  yield Buffer.from(CSV_HEADER, 'latin1');
  for (const page of orderPages(name)) yield Buffer.from(page.map(csvLine).join(''), 'latin1');
}

app.get('/exports/:name.csv', async (req, res, next) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  await pipeline(Readable.from(csvBytes(name)), res).catch(next);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
