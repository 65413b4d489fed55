/**
 * half-fix. A 5 ms interval pumps pages while the response has room (writableNeedDrain false) and is cleared on 'finish': after a hang-up the response never finishes, so the interval pumps the rest of the export into a destroyed response, then ticks for ever.
 * Proof: drivers/drv08.mjs: bytes exact, slow client peak +0.3 MiB; each hang-up leaves a 5 ms interval running for good (12 timers pending after 12 hang-ups, 24 after 24) and ~2.5 s of CPU to make the rest of 12 exports for nobody.
 * Check: PASS. WRONG VERDICT.
 * Round 13: the check was changed for it: FAIL now (a check before the change: PASS, as above).
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

app.get('/exports/:name.csv', (req, res) => {
  const name = checkExportName(req.params.name);
  const pages = orderPages(name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  res.write(CSV_HEADER);
  const pump = setInterval(() => {
    while (!res.writableNeedDrain) {
      const next = pages.next();
      if (next.done) {
        res.end();
        return;
      }
      res.write(next.value.map(csvLine).join(''));
    }
  }, 5);
  res.on('finish', () => clearInterval(pump));
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
