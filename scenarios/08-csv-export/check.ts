/**
 * Scenario 08's check. Traffic: a year of orders exported as CSV to a client
 * on a slow link: it reads nothing until the server has done all it can
 * without it, then reads a few MiB, and waits again, to the end. What must
 * not grow: the server's memory (heap and external) above its baseline,
 * read at those moments and sampled in between (a streaming server holds a
 * few pages; a heap snapshot after the traffic cannot see it, the memory is
 * gone by then); a server whose timer keeps queuing pages while the client
 * reads nothing is waited for until it has queued 4 MiB more. How fast the
 * machine is changes nothing: the client waits for the server's state, not
 * for a clock.
 * Contract: every export arrives byte-exact (compared by SHA-256 with the CSV
 * this check computes), as text/csv, also after clients hung up halfway
 * through theirs, and then with more exports at once than any sensible limit
 * on running exports would allow (whatever an export holds, a hang-up must
 * give it back); an unknown export is 404; a name with a path in it is refused.
 */
import { createHash } from 'node:crypto';
import { CouldNotCheck } from '../../checker/errors.ts';
import { orderPages, type Order } from '../../checker/service/orders.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const MiB = 1024 * 1024;
/** How much the slow client reads between its waits. */
const STALL_EVERY_BYTES = 4 * MiB;

/** The CSV format the accounting spreadsheets expect, written out here independently of the server. */
function expectedLine(order: Order): string {
  const quote = (text: string): string => `"${text.replaceAll('"', '""')}"`;
  const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return `${order.id},${order.placedAt},${quote(order.customer)},${order.email},${order.country},${quote(order.city)},${order.sku},${quote(order.product)},${order.quantity},${money(order.unitPriceCents)},${money(order.quantity * order.unitPriceCents)}\r\n`;
}

function expectedExport(name: string): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  let bytes = 0;
  const add = (text: string): void => {
    hash.update(text);
    bytes += Buffer.byteLength(text);
  };
  add('order_id,placed_at,customer,email,country,city,sku,product,quantity,unit_price,total\r\n');
  for (const page of orderPages(name)) add(page.map(expectedLine).join(''));
  return { bytes, sha256: hash.digest('hex') };
}

const YEAR = 'orders-2024';
const QUARTER = 'orders-2025-q1';
/** Clients that hang up after reading this much of the year's export (far less than it: its end is still to be written). */
const HANG_UP_AFTER = 1 * MiB;
/** More than any limit on concurrent exports a service would set: each one that holds something for good shows. */
const HANG_UPS = 6;
const EXPORTS_AT_ONCE = 12;
const expected = { [YEAR]: expectedExport(YEAR), [QUARTER]: expectedExport(QUARTER) };

function judge(context: CheckContext, name: keyof typeof expected, response: { status: number; bytes: number; sha256: string; headers: Record<string, unknown> }, how: string): void {
  const path = `/exports/${name}.csv`;
  if (response.status !== 200) {
    context.breach(`GET ${path} ${how} answered ${response.status} instead of 200.`);
  } else if (response.sha256 !== expected[name].sha256) {
    context.breach(`GET ${path} ${how} sent ${response.bytes} bytes that are not the export (the export is ${expected[name].bytes} bytes).`);
  } else if (!String(response.headers['content-type']).startsWith('text/csv')) {
    context.breach(`GET ${path} ${how} was sent as ${String(response.headers['content-type'])} instead of text/csv.`);
  }
}

const check: CheckSpec = {
  async warmup(context) {
    judge(context, QUARTER, await context.http.get(`/exports/${QUARTER}.csv`), 'read at full speed');
    judge(context, QUARTER, await context.http.stallingDownload(`/exports/${QUARTER}.csv`, STALL_EVERY_BYTES, context.untilSteady), 'read slowly');
    await context.http.get('/exports/orders-1999.csv');
  },

  async traffic(context) {
    judge(context, YEAR, await context.http.stallingDownload(`/exports/${YEAR}.csv`, STALL_EVERY_BYTES, context.untilSteady), 'read by a slow client');
  },

  async contract(context) {
    const { http, breach } = context;
    judge(context, QUARTER, await http.get(`/exports/${QUARTER}.csv`), 'read at full speed');
    // One after the other, so a server that builds the export whole holds one at a time.
    const afterHangUps = `after ${HANG_UPS} clients hung up halfway through the year's export`;
    try {
      for (let i = 0; i < HANG_UPS; i++) await http.abortedDownload(`/exports/${YEAR}.csv`, HANG_UP_AFTER);
      const responses = await Promise.all(Array.from({ length: EXPORTS_AT_ONCE }, () => http.get(`/exports/${QUARTER}.csv`)));
      for (const response of responses) judge(context, QUARTER, response, `${afterHangUps}, ${EXPORTS_AT_ONCE} at once,`);
    } catch (error) {
      if (!(error instanceof CouldNotCheck && error.reason === 'request hung')) throw error;
      breach(
        `${error.sentence.split(' got no')[0]} got no complete response, once earlier clients had hung up halfway through the year's export: something an export takes (a slot, a lock, a place in a queue) is given back only when an export finishes ('finish'), never when its client hangs up ('close').`,
      );
    }
    const missing = await http.get('/exports/orders-1999.csv');
    if (missing.status !== 404) breach(`GET /exports/orders-1999.csv answered ${missing.status} instead of 404: there is no such export.`);
    const traversal = await http.get('/exports/..%2f..%2fpackage.json.csv');
    if (traversal.status !== 400 && traversal.status !== 404) {
      breach(`GET /exports/..%2f..%2fpackage.json.csv answered ${traversal.status}: names with a path must be refused (400).`);
    }
  },

  measures: [
    {
      kind: 'peak',
      name: `peak memory above the baseline while a slow client downloaded the export (${(expected[YEAR].bytes / MiB).toFixed(1)} MiB)`,
      figure: 'heapAndExternal',
      unit: 'bytes',
      bar: 2.5 * MiB,
      compareTo: { describe: 'the whole export is', bytes: expected[YEAR].bytes },
    },
  ],
  routes: { fileNames: ['GET /exports/:name.csv'], uploads: [] },
};

export default check;
