/**
 * alternative. No 'drain' at all: each page waits for its own write() callback (the page has left for the client) before the next is made, and the loop stops at a hang-up (the callback of a destroyed response may never come, or come with an error).
 * Proof: correct: drivers/drv08.mjs: bytes exact, slow client peak +0.5 MiB, 12 hang-ups twice and 20 in a row: +0.0 MiB held, 0 timers, exports still exact.
 * Check: PASS. Correct verdict.
 */
import express from 'express';
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

/** Resolves true once the page has left for the client, false if it never will. */
function writePage(res: express.Response, text: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => res.write(text, (error) => resolve(!error && !res.destroyed)));
}

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  if (!(await writePage(res, CSV_HEADER))) return;
  for (const page of orderPages(name)) {
    if (!(await writePage(res, page.map(csvLine).join('')))) return;
  }
  res.end();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
