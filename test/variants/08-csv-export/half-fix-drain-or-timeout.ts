/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
/**
 * half-fix. Intended: wait for 'drain', but at most 100 ms, so a stuck client cannot hold a generator for ever.
 * Actually: every 100 ms of a slow client, it queues another page anyway, so a slow enough client gets the whole export queued in the end.
 * Proof: csv08.mjs at 6 MB/s: peak 1.1 MiB (the client keeps up). The check's stalled reader: 3.4 MiB and climbing.
 * Check: FAIL quiet 3.4 MiB / loaded 3.5 MiB. Correct verdict.
 * After the check waits for a server that keeps queuing toward a client that reads nothing until it queued 4 MiB more
 *   (checker/steady.ts): FAIL 8.9 MiB on Node 20, 4.8 MiB on Node 24 (was 3.3 and 1.9: a pass on Node 24).
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

/** Never let one stuck client hold an export generator for ever. */
const MAX_DRAIN_WAIT_MS = 100;

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  res.write(CSV_HEADER);
  for (const page of orderPages(name)) {
    if (res.destroyed) return;
    if (!res.write(page.map(csvLine).join(''))) {
      await Promise.race([once(res, 'drain'), new Promise((resolve) => setTimeout(resolve, MAX_DRAIN_WAIT_MS))]);
    }
  }
  res.end();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
