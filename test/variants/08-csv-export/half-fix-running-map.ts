/**
 * half-fix. Waits for 'drain' when write() returns false, and keeps the running exports in a Map for a status page, deleted after the last page: a client that hangs up leaves its export waiting for a 'drain' that never comes, in the Map for ever.
 * Proof: drivers/drv08.mjs: bytes exact, slow client peak +0.5 MiB; every hung-up export stays in the Map with its response: 44 entries after 44 hang-ups, heapUsed 8.5 -> 14.0 MiB (+1.5 MiB per 12).
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

interface RunningExport {
  name: string;
  startedAt: number;
  rows: number;
  client: string | undefined;
  res: express.Response;
}

/** Exports in progress, for GET /exports/running. */
const runningExports = new Map<number, RunningExport>();
let nextExportId = 1;

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

app.get('/exports/running', (_req, res) => {
  res.json([...runningExports.values()].map(({ name, startedAt, rows, client }) => ({ name, startedAt, rows, client })));
});

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  const id = nextExportId++;
  const record: RunningExport = { name, startedAt: Date.now(), rows: 0, client: req.ip, res };
  runningExports.set(id, record);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  res.write(CSV_HEADER);
  for (const page of orderPages(name)) {
    record.rows += page.length;
    if (!res.write(page.map(csvLine).join(''))) await once(res, 'drain');
  }
  res.end();
  runningExports.delete(id);
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
