/*
 * RED-TEAM VARIANT (alternative)
 * Intended: a hand-written Readable whose read() pulls the next page from the generator
 * Actually: backpressure by construction; destroy() returns the generator when the client hangs up
 * Proof:    t08: peak buffered 0.07 MiB, byte-exact, all responses collected after hangups
 */
/**
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { Readable } from 'node:stream';
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
  // a pull stream: read() is called only when the response wants more
  const body = new Readable({
    read() {
      const next = pages.next();
      this.push(next.done ? null : next.value.map(csvLine).join(''));
    },
    destroy(error, callback) {
      pages.return(undefined);
      callback(error);
    },
  });
  body.pipe(res);
  res.on('close', () => body.destroy());
});
app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
