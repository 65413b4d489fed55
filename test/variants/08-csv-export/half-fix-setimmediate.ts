/*
 * RED-TEAM VARIANT (half-fix)
 * Intended: yield to the event loop (setImmediate) between pages so the socket can send
 * Actually: yielding is not waiting: production only slows to CPU speed; a client slower than that still gets everything queued, and a client that hangs up does not stop the loop
 * Proof:    handtest/t08.ts: 8 MiB/s reader: peak buffered 0.00 MiB; 2 MiB/s reader (the README's VPN case): peak buffered 15.7 MiB, heap +33 MiB; after 10 hangups the loop keeps generating (11 responses uncollected, heap +15 MiB)
 */
/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
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

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  res.write(CSV_HEADER);
  for (const page of orderPages(name)) {
    res.write(page.map(csvLine).join(''));
    // let the event loop breathe between pages so the socket can send
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
});
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
