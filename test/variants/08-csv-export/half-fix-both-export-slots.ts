/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
/**
 * half-fix. Intended: respect backpressure (pipeline) AND, since 'two downloads at once were enough', allow at most 2 exports at a time.
 * Actually: a slot is released on 'finish' only; a client that hangs up never gives its slot back. After 2 aborted downloads every later export waits for ever, and each waiting request's resolver (with its req/res) piles up in 'waiting'.
 * Proof (_hand/slots08.mjs): after 3 aborted downloads, 20 of 20 requests for the small export timed out (000); the heap grew 225 KiB for those 20 (89 KiB for the correct version, where all 20 answered 200). csv08.mjs: slow download peak 0.7 MiB, sha ok.
 * Check: PASS (586 KiB) -> SLIPPED: the check makes one slow download that never hangs up and never runs two.
 * Round 13 (the traffic's clients hang up too): FAIL on both, the export that waits for ever for a slot (contract) and
 * the records of the waiting requests its module-level queue keeps (memory).
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

/** Two exports at once took us down: never run more than two, the others wait their turn. */
const MAX_EXPORTS = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function exportSlot(): Promise<void> {
  if (running < MAX_EXPORTS) { running += 1; return; }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function releaseSlot(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

function* csvText(name: string): Generator<string> {
  yield CSV_HEADER;
  for (const page of orderPages(name)) yield page.map(csvLine).join('');
}

app.get('/exports/:name.csv', async (req, res, next) => {
  const name = checkExportName(req.params.name);
  await exportSlot();
  res.once('finish', releaseSlot);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  await pipeline(Readable.from(csvText(name)), res).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
