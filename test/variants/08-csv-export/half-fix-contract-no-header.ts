/*
 * RED-TEAM VARIANT (half-fix-contract)
 * Intended: pipeline(Readable.from(orderPages), Transform page->CSV, res)
 * Actually: memory is fixed, but the CSV header line was dropped in the rewrite
 * Proof:    t08: peak buffered 0.07 MiB at 2 and 8 MiB/s; body 24,515,996 bytes (86 short), sha fdca1b56... instead of e796ce88...
 */
/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { pipeline, Readable, Transform } from 'node:stream';
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

app.get('/exports/:name.csv', (req, res, next) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  // one object per page, turned into CSV lines on the way; pipeline handles backpressure
  const lines = new Transform({
    writableObjectMode: true,
    transform(page: Order[], _encoding, callback) {
      callback(null, page.map(csvLine).join(''));
    },
  });
  pipeline(Readable.from(orderPages(name)), lines, res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
