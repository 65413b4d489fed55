/**
 * Scenario 08 fixed another way: an async generator of pages, awaited with
 * `pipeline` from stream/promises; pipeline pulls a page only when the
 * response can take it.
 *
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { pipeline } from 'node:stream/promises';
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
  for (const page of orderPages(name)) yield page.map(csvLine).join('');
}

app.get('/exports/:name.csv', async (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  try {
    await pipeline(csvPages(name), res);
  } catch {
    // The client hung up, or the export failed halfway: pipeline has already cut the response.
  }
});

app.use(answerErrors);

export default app;
