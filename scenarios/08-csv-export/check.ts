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
 * for a clock. Then clients hang up, halfway through the year's export and at
 * its first bytes; what must not stay after them: timers left running, the
 * records module-level variables gained, and module-level collections grown
 * past the exports in flight.
 * Contract: every export arrives byte-exact (compared by SHA-256 with the CSV
 * this check computes), as text/csv, also after clients hung up halfway
 * through theirs, and then with more exports at once than any sensible limit
 * on running exports would allow (whatever an export holds, a hang-up must
 * give it back); an unknown export is 404; a name with a path in it is refused.
 */
import { createHash } from 'node:crypto';
import { CouldNotCheck } from '../../checker/errors.ts';
import { orderPages, type Order } from '../../checker/service/orders.ts';
import { liveTimers } from '../../checker/instruments.ts';
import { collectionsGrownPast, keptByModuleState } from '../../checker/select.ts';
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
/** Clients of the year's export that hang up during the traffic, halfway (after 1 MiB) and as soon as its first bytes come. */
const HANG_UPS_HALFWAY = 2;
const HANG_UPS_AT_FIRST_BYTES = 6;
/** Halfway through the year's export, in the contract, before the exports at once. */
const HANG_UPS = 6;
/**
 * As soon as the first bytes come, in the contract: with the traffic's, 24 hang-ups, more than a limit on running
 * exports a service would set (a slot given back on 'finish' only shows). Each costs a server that ignores
 * backpressure the whole export (it writes it all before its client reads a byte): not more.
 */
const MORE_HANG_UPS = 10;
/**
 * Room for the exports in flight at once, in a collection that tracks them: the traffic never has more than one
 * (its hang-ups come one after the other) and one closing; a collection that grew past it keeps exports that ended.
 */
const ROOM_FOR_EXPORTS_IN_FLIGHT = 8;
const EXPORTS_AT_ONCE = 12;
/** Why an export is refused or never answered once clients have hung up. */
const SLOT_KEPT = "something an export takes (a slot, a lock, a place in a queue) is given back only when an export finishes ('finish'), never when its client hangs up ('close').";
const expected = { [YEAR]: expectedExport(YEAR), [QUARTER]: expectedExport(QUARTER) };

function judge(context: CheckContext, name: keyof typeof expected, response: { status: number; bytes: number; sha256: string; headers: Record<string, unknown> }, how: string): void {
  const path = `/exports/${name}.csv`;
  if (response.status !== 200) {
    const slot = how.includes('hung up') ? ` ${SLOT_KEPT[0]!.toUpperCase()}${SLOT_KEPT.slice(1)}` : '';
    context.breach(`GET ${path} ${how} answered ${response.status} instead of 200.${slot}`);
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
    // Clients that give up: halfway through the year's export, and as soon as it starts. Whatever an export keeps (a record,
    // a timer that pumps pages, a slot) must go with its client.
    try {
      for (let i = 0; i < HANG_UPS_HALFWAY; i++) await context.http.abortedDownload(`/exports/${YEAR}.csv`, HANG_UP_AFTER);
      for (let i = 0; i < HANG_UPS_AT_FIRST_BYTES; i++) await context.http.abortedDownload(`/exports/${YEAR}.csv`, 1);
    } catch (error) {
      if (!(error instanceof CouldNotCheck && error.reason === 'request hung')) throw error;
      context.breach(`${error.sentence.split(' got no')[0]} got no answer once earlier clients had hung up during it: ${SLOT_KEPT}`);
    }
  },

  async contract(context) {
    const { http, breach } = context;
    // One after the other, so a server that builds the export whole holds one at a time.
    const hangUps = HANG_UPS_HALFWAY + HANG_UPS_AT_FIRST_BYTES + HANG_UPS + MORE_HANG_UPS;
    const afterHangUps = `after ${hangUps} clients hung up during the year's export (${HANG_UPS_HALFWAY + HANG_UPS} halfway, the others at its first bytes)`;
    try {
      judge(context, QUARTER, await http.get(`/exports/${QUARTER}.csv`), `read at full speed, after the ${HANG_UPS_HALFWAY + HANG_UPS_AT_FIRST_BYTES} clients of the traffic had hung up,`);
      for (let i = 0; i < HANG_UPS; i++) await http.abortedDownload(`/exports/${YEAR}.csv`, HANG_UP_AFTER);
      for (let i = 0; i < MORE_HANG_UPS; i++) await http.abortedDownload(`/exports/${YEAR}.csv`, 1);
      judge(context, QUARTER, await http.get(`/exports/${QUARTER}.csv`), afterHangUps);
      const responses = await Promise.all(Array.from({ length: EXPORTS_AT_ONCE }, () => http.get(`/exports/${QUARTER}.csv`)));
      for (const response of responses) judge(context, QUARTER, response, `${afterHangUps}, ${EXPORTS_AT_ONCE} at once,`);
    } catch (error) {
      if (!(error instanceof CouldNotCheck && error.reason === 'request hung')) throw error;
      breach(
        `${error.sentence.split(' got no')[0]} got no complete response, once earlier clients had hung up during the year's export: ${SLOT_KEPT}`,
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
    {
      kind: 'resources',
      name: 'timers still running after the exports',
      instruments: [liveTimers],
      unit: 'objects',
      bar: 0,
      guards: "a fix that writes its pages on a timer (setInterval, a pump that waits for 'drain' or a delay) must stop it when the client hangs up: a timer left running makes pages for nobody, for ever",
    },
    {
      kind: 'heap',
      name: 'records of exports kept after they ended',
      select: keptByModuleState('objects your module-level variables gained during the exports'),
      unit: 'objects',
      bar: 0,
      retainer: 'runningExports',
      guards: 'a fix that tracks the exports in flight (for a limit, a status page) and forgets one only when it finishes keeps every export whose client hung up, its response with it',
    },
    {
      kind: 'heap',
      name: 'collections grown past the exports in flight',
      select: collectionsGrownPast(ROOM_FOR_EXPORTS_IN_FLIGHT, 'the exports'),
      unit: 'objects',
      bar: 0,
      retainer: 'exportsRunning',
      guards: 'a fix that keeps a number per export in flight (rows sent, by id) and deletes it only when it finishes keeps one per export whose client hung up',
    },
  ],
  routes: { fileNames: ['GET /exports/:name.csv'], uploads: [] },
};

export default check;
