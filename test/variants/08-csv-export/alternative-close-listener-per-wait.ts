/**
 * alternative (the red team filed it as a half fix, borderline). Waits for 'drain' or 'close' (so a hang-up ends the export), with a res.once('close') added at every wait and never removed: a slow client's response gathers one listener per wait.
 * Proof: drivers/drv08.mjs on a debug copy (drivers/close-listener-debug.ts): one slow export ends with 720 'close' listeners on its response, MaxListenersExceededWarning; peak +0.7-0.9 MiB against +0.5 for the fixes; hang-ups fine. Grows with the export, bounded by the response's life.
 * Check: PASS. Right: its listeners go with their response when the export ends or its client hangs up; nothing
 * stays after the traffic (a code smell, and Node's MaxListenersExceededWarning, not a leak).
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

function drainedOrClosed(res: express.Response): Promise<void> {
  return new Promise((resolve) => {
    res.once('drain', resolve);
    res.once('close', resolve);
  });
}

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  res.write(CSV_HEADER);
  for (const page of orderPages(name)) {
    if (!res.write(page.map(csvLine).join(''))) await drainedOrClosed(res);
    if (res.destroyed) return;
  }
  res.end();
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
