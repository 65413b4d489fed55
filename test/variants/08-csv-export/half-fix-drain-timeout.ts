/**
 * half-fix. Waits for 'drain' when write() returns false, but gives up after 100 ms so that a stalled client cannot hold an export open: a client slower than that gets the rest queued in memory anyway.
 * Proof: drivers/drv08.mjs (PAUSE=10000): a client that reads nothing makes the server hold +2.0, 3.4, 4.8, 6.1 MiB after 2.5, 5, 7.5, 10 s, on towards the whole export.
 * Check: FAIL (peak 8.8 MiB). Correct verdict.
 */
import express from 'express';
import { once } from 'node:events';
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
    if (res.destroyed) return;
    if (!res.write(page.map(csvLine).join(''))) {
      const ac = new AbortController();
      await Promise.race([once(res, 'drain', { signal: ac.signal }).catch(() => {}), sleep(100, undefined, { signal: ac.signal }).catch(() => {})]);
      ac.abort();
    }
  }
  res.end();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
