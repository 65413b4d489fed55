/**
 * Scenario 08 half fixed: the export loop yields to the event loop between
 * pages (`await setImmediate()`), so other requests get a turn, but it
 * still ignores what write() says: nothing waits for the client, and the
 * whole export ends up in the response's buffer all the same.
 *
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { setImmediate } from 'node:timers/promises';
import { checkExportName, orderPages, type Order } from '#service/orders';
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

async function* csvPages(name: string): AsyncGenerator<string> {
  yield CSV_HEADER;
  for (const page of orderPages(name)) {
    await setImmediate();
    yield page.map(csvLine).join('');
  }
}

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  for await (const chunk of csvPages(name)) {
    if (res.destroyed) return;
    res.write(chunk);
  }
  res.end();
});

app.use(answerErrors);

export default app;
