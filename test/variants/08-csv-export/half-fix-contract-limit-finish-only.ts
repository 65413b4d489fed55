/**
 * half-fix. Waits for 'drain' when write() returns false, and caps running exports at 16, giving a slot back on the response's 'finish' only: a client that hangs up never gives its slot back.
 * Proof: drivers/drv08.mjs: bytes exact, slow client peak +0.5 MiB; after 12 hang-ups exports still work, after 16 every export answers 503 for good (20 more requests: all 503).
 * Check: PASS. WRONG VERDICT.
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
 */
import express from 'express';
import { once } from 'node:events';
import { checkExportName, orderPages, type Order } from '#service/orders';
import { isRunDirectly, serveByHand } from '#service/by-hand';
import { answerErrors } from '#service/http-errors';

const app = express();

const CSV_HEADER = 'order_id,placed_at,customer,email,country,city,sku,product,quantity,unit_price,total\r\n';

/** Each export holds a page or two in memory; a month-end rush must not hold more than this many at once. */
const MAX_RUNNING_EXPORTS = 16;
let running = 0;

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
  if (running >= MAX_RUNNING_EXPORTS) {
    res.status(503).set('retry-after', '30').json({ error: 'too many exports running, try again shortly' });
    return;
  }
  running += 1;
  res.on('finish', () => {
    running -= 1;
  });
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  res.write(CSV_HEADER);
  for (const page of orderPages(name)) {
    if (!res.write(page.map(csvLine).join(''))) await once(res, 'drain');
  }
  res.end();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
