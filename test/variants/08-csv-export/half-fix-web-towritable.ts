/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
/**
 * half-fix (written as an unusual correct fix, proven broken). Intended: a WHATWG ReadableStream pulling one page at a time, pipeTo(Writable.toWeb(res)).
 * Actually: on Node 20.20 Writable.toWeb(ServerResponse) does not hold back pipeTo (a bare test showed 16444 pulls of 64 KiB in 300 ms against a socket that read nothing, with res.writableNeedDrain true), so the generator runs far ahead.
 * Proof: csv08.mjs: peak 24.4 MiB, and 22.4 MiB still held after 8 aborted downloads. sha ok.
 * Check: FAIL (20.4 MiB). Correct verdict.
 * On Node 24 Writable.toWeb(res) holds pipeTo back (nodejs/node#62986): 0.8 MiB held, the check PASSes it, rightly
 *   (VERDICT_FROM_NODE in checker/bench-variants.ts).
 */
import express from 'express';
import { Writable } from 'node:stream';
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

app.get('/exports/:name.csv', async (req, res, next) => {
  const name = checkExportName(req.params.name);
  const pages = orderPages(name);
  const encoder = new TextEncoder();
  // A WHATWG stream pulls one page whenever the sink has room for it (highWaterMark 1 chunk).
  const body = new ReadableStream<Uint8Array>({
    start(controller) { controller.enqueue(encoder.encode(CSV_HEADER)); },
    pull(controller) {
      const page = pages.next();
      if (page.done) controller.close();
      else controller.enqueue(encoder.encode(page.value.map(csvLine).join('')));
    },
    cancel() { pages.return(undefined); },
  }, { highWaterMark: 1 });
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  try {
    await body.pipeTo(Writable.toWeb(res));
  } catch (error) {
    if (!res.destroyed) next(error);
  }
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
