/**
 * alternative. A small ExportLimiter class (4 exports at a time, the rest wait in a queue) whose slot is given back on the response's 'close', and a waiting client that hangs up leaves the queue; each export is an async generator streamed with stream.pipeline().
 * Proof: correct: drivers/drv08.mjs: bytes exact, slow client peak +0.5 MiB; 12 at once hanging up (8 of them queued) twice, then 20 in a row: all 200, +0.0 MiB held, a full export exact afterwards.
 * Check: PASS. Correct verdict.
 */
import express from 'express';
import { pipeline, Readable } from 'node:stream';
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

/** At most `limit` exports run at once; the others wait their turn, and leave the line if their client hangs up. */
class ExportLimiter {
  private running = 0;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly limit: number) {}

  /** Resolves true once a slot is held (given back when the response closes), false if the client left while waiting. */
  acquire(res: express.Response): Promise<boolean> {
    if (this.running < this.limit) {
      this.take(res);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const start = (): void => {
        res.off('close', leave);
        this.take(res);
        resolve(true);
      };
      const leave = (): void => {
        this.waiting.delete(start);
        resolve(false);
      };
      this.waiting.add(start);
      res.once('close', leave);
    });
  }

  private take(res: express.Response): void {
    this.running += 1;
    res.once('close', () => this.release());
  }

  private release(): void {
    this.running -= 1;
    const [next] = this.waiting;
    if (next) {
      this.waiting.delete(next);
      next();
    }
  }
}

const exportsAtOnce = new ExportLimiter(4);

async function* csvChunks(name: string): AsyncGenerator<string> {
  yield CSV_HEADER;
  for (const page of orderPages(name)) yield page.map(csvLine).join('');
}

app.get('/exports/:name.csv', async (req, res, next) => {
  const name = checkExportName(req.params.name);
  if (!(await exportsAtOnce.acquire(res))) return;
  res.type('text/csv');
  res.attachment(`${name}.csv`);
  pipeline(Readable.from(csvChunks(name)), res, (error) => {
    if (error && !res.headersSent) next(error);
  });
});

app.use(answerErrors);

export default app;

if (isRunDirectly(import.meta.url)) serveByHand(app, '/exports/orders-2024.csv');
