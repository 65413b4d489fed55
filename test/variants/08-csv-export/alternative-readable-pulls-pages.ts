/**
 * Scenario 08 fixed another way: a Readable whose read() pulls the next page
 * from the order cursor, piped to the response; the stream asks for a page
 * only when the response has room for it.
 *
 * The shop's back office. Accounting downloads a year of orders as CSV for
 * their spreadsheets: GET /exports/orders-2024.csv. The export is generated
 * on the fly, a page of orders at a time, so it never has to exist anywhere
 * in full.
 */
import express from 'express';
import { Readable, pipeline } from 'node:stream';
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

function csvExport(name: string): Readable {
  const pages = orderPages(name)[Symbol.iterator]();
  let headerSent = false;
  return new Readable({
    read() {
      if (!headerSent) {
        headerSent = true;
        this.push(CSV_HEADER);
        return;
      }
      const next = pages.next();
      this.push(next.done ? null : next.value.map(csvLine).join(''));
    },
  });
}

app.get('/exports/:name.csv', (req, res) => {
  const name = checkExportName(req.params.name);
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  pipeline(csvExport(name), res, () => {
    // Nothing to answer on failure: the export has started, and pipeline has already cut the response.
  });
});

app.use(answerErrors);

export default app;
