/**
 * Scenario 04's check. Traffic: 16 documents of 2 MiB uploaded with PUT, five
 * more from 600 B to 14 MiB, 64 receipts and forms of 36 to 60 KiB, then 8 of
 * the first replaced with POST …/replace, so that both ways in leave entries
 * in the index, and small uploads as many as large ones; then six uploads
 * and replaces whose connection drops halfway. What must not stay: more
 * than the first bytes of each file, as Buffers or as strings; the index needs
 * 512 B per file, and the bar is a small multiple of that (the same number of
 * objects stays either way: only their bytes tell); and the process's memory
 * outside the JS heap must not grow by more than 1 MiB; no file a dropped
 * upload opened may stay open.
 * Contract: uploads are stored byte-exact; GET /uploads/:name/info reports
 * every file's size, the type its bytes show (not its name) and a base64
 * preview of its first 512 bytes (all of a shorter file's bytes, and nothing
 * else), after a replace too; unknown files are 404,
 * unsafe names 400, oversized uploads 413.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateBytes, sha256 } from '../../checker/fixtures.ts';
import { formatBytes } from '../../checker/format.ts';
import { openDescriptors } from '../../checker/instruments.ts';
import { anyOf, arrayBuffersOutsidePool, stringsRetaining } from '../../checker/select.ts';
import { SNIFF_BYTES } from '../../checker/service/file-types.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const MiB = 1024 * 1024;
const FILE_BYTES = 2 * MiB;
const UPLOADS = 16;
/** Uploads (and replaces) whose client's connection drops halfway. */
const DROPPED_UPLOADS = 6;
const REPLACED = 8;
/**
 * Uploads of other sizes, as a day brings them: a form barely longer than a
 * preview (its body may come from Node's shared 8 KiB Buffer pool), scans of a
 * few hundred KiB, and a 14 MiB tax return. Sizes matter to what a kept
 * preview costs: a preview cut from the upload as a string keeps the whole
 * upload as a string, on V8's heap below about 1 MiB and outside it above.
 */
const OTHER_SIZES = [600, 48 * 1024, 300 * 1024, 900 * 1024, 14 * MiB];
/**
 * Most of an inbox's uploads are small: receipts and forms of a few dozen KiB.
 * A server that copies the preview only out of large uploads keeps each of
 * these whole, 70 to 120 times what its entry needs. Each is above 32 KiB,
 * half of Node 24's pool slab: a body under that is cut from the pool, and the
 * slab it shared with a fixed server's 512-byte copies would count against them.
 */
const SMALL_UPLOADS = 64;
const SMALL_SIZES = [36 * 1024, 44 * 1024, 52 * 1024, 60 * 1024];
const FILES = UPLOADS + OTHER_SIZES.length + SMALL_UPLOADS;
/** Uploads shorter than a preview (a one-byte test, a note): their preview is all their bytes, and only those. */
const TINY_SIZES = [1, 5, SNIFF_BYTES - 1];

/** A document whose bytes are of the kind `kind` says (.pdf, .png, .jpg, .mp4), whatever it will be called. */
function documentBytes(seed: string, kind: string, bytes = FILE_BYTES): Buffer {
  return generateBytes(`${seed}${kind}`, bytes);
}

const KINDS = ['.pdf', '.png', '.jpg', '.mp4'] as const;
const TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.mp4': 'video/mp4' };

/** What the traffic sent last for each name: the index must describe exactly that. */
const expected = new Map<string, { body: Buffer; type: string; version: number }>();

async function send(context: CheckContext, name: string, body: Buffer, type: string, replace: boolean): Promise<void> {
  const route = replace ? `/uploads/${name}/replace` : `/uploads/${name}`;
  const method = replace ? 'POST' : 'PUT';
  const wanted = replace ? 200 : 201;
  const response = await context.http.request(route, { method, body, headers: { 'content-type': 'application/octet-stream' } });
  if (response.status !== wanted) {
    context.breach(`${method} ${route} answered ${response.status} instead of ${wanted}.`);
    return;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored || sha256(stored) !== sha256(body)) context.breach(`After ${method} ${route}, the stored file was not byte-exact.`);
  expected.set(name, { body, type, version: replace ? (expected.get(name)?.version ?? 1) + 1 : 1 });
}

/** GET …/info must report what was sent last: size, sniffed type, version, and the first 512 bytes. */
async function checkInfo(context: CheckContext, name: string): Promise<void> {
  const sent = expected.get(name);
  if (!sent) return;
  const response = await context.http.get(`/uploads/${name}/info`);
  if (response.status !== 200) {
    context.breach(`GET /uploads/${name}/info answered ${response.status} instead of 200: the index must describe every upload.`);
    return;
  }
  let info: { size?: unknown; type?: unknown; version?: unknown; preview?: unknown };
  try {
    info = JSON.parse(response.text);
  } catch {
    context.breach(`GET /uploads/${name}/info did not answer JSON.`);
    return;
  }
  const preview = sent.body.subarray(0, SNIFF_BYTES).toString('base64');
  const wrong = [
    info.size !== sent.body.length ? `size ${String(info.size)} instead of ${sent.body.length}` : null,
    info.type !== sent.type ? `type ${String(info.type)} instead of ${sent.type}` : null,
    info.version !== sent.version ? `version ${String(info.version)} instead of ${sent.version}` : null,
    info.preview !== preview ? `a preview that is not the base64 of ${sent.body.length < SNIFF_BYTES ? `its ${sent.body.length === 1 ? 'one byte' : `${sent.body.length} bytes`} and nothing else` : `its first ${SNIFF_BYTES} bytes`}` : null,
  ].filter(Boolean);
  if (wrong.length) context.breach(`GET /uploads/${name}/info reported ${wrong.join(', ')}.`);
}

const check: CheckSpec = {
  async warmup(context) {
    // A new server knows no uploads: forget a previous check's (several checks can share one process).
    expected.clear();
    await send(context, 'warmup.pdf', documentBytes('warmup', '.pdf'), TYPES['.pdf']!, false);
    await send(context, 'warmup.pdf', documentBytes('warmup-2', '.png'), TYPES['.png']!, true);
    await context.http.get('/uploads/warmup.pdf/info');
  },

  async traffic(context) {
    for (let i = 0; i < UPLOADS; i++) {
      const kind = KINDS[i % KINDS.length]!;
      await send(context, `document-${i}.bin`, documentBytes(`document-${i}`, kind), TYPES[kind]!, false);
    }
    for (const [i, bytes] of OTHER_SIZES.entries()) {
      const kind = KINDS[i % KINDS.length]!;
      await send(context, `upload-${i}.bin`, documentBytes(`upload-${i}`, kind, bytes), TYPES[kind]!, false);
    }
    for (let i = 0; i < SMALL_UPLOADS; i++) {
      const kind = KINDS[i % KINDS.length]!;
      await send(context, `receipt-${i}.bin`, documentBytes(`receipt-${i}`, kind, SMALL_SIZES[i % SMALL_SIZES.length]), TYPES[kind]!, false);
    }
    for (let i = 0; i < REPLACED; i++) {
      const kind = KINDS[(i + 1) % KINDS.length]!;
      await send(context, `document-${i}.bin`, documentBytes(`document-${i}-v2`, kind), TYPES[kind]!, true);
    }
    // Phones on a train: uploads and replaces whose connection drops halfway. What a dropped upload opened must close.
    for (let i = 0; i < DROPPED_UPLOADS; i++) {
      const body = documentBytes(`dropped-${i}`, KINDS[i % KINDS.length]!);
      if (i % 2) await context.http.abortedUpload(`/uploads/document-${i}.bin/replace`, body, FILE_BYTES / 2, 'POST');
      else await context.http.abortedUpload(`/uploads/dropped-${i}.bin`, body, FILE_BYTES / 2);
    }
  },

  async contract(context) {
    const { http, breach } = context;
    for (const name of expected.keys()) await checkInfo(context, name);

    // The type comes from the bytes, not the name.
    await send(context, 'scan.jpg', documentBytes('scan', '.pdf', 300 * 1024), TYPES['.pdf']!, false);
    await checkInfo(context, 'scan.jpg');
    await send(context, 'scan.jpg', documentBytes('scan-2', '.jpg', 200 * 1024), TYPES['.jpg']!, true);
    await checkInfo(context, 'scan.jpg');

    // A file shorter than a preview is previewed whole, without a byte of memory that was not the upload's.
    for (const bytes of TINY_SIZES) {
      await send(context, `note-${bytes}.txt`, generateBytes(`note-${bytes}`, bytes), 'application/octet-stream', false);
      await checkInfo(context, `note-${bytes}.txt`);
    }

    const unknownInfo = await http.get('/uploads/never-uploaded.pdf/info');
    if (unknownInfo.status !== 404) breach(`GET /uploads/never-uploaded.pdf/info answered ${unknownInfo.status} instead of 404.`);
    const unknownReplace = await http.request('/uploads/never-uploaded.pdf/replace', { method: 'POST', body: documentBytes('x', '.pdf', 4096) });
    if (unknownReplace.status !== 404) breach(`POST /uploads/never-uploaded.pdf/replace answered ${unknownReplace.status} instead of 404: only an existing upload can be replaced.`);
    const oversized = await http.request('/uploads/huge.pdf', { method: 'PUT', headers: { 'content-length': String(64 * MiB) } }).catch(() => null);
    if (oversized && oversized.status !== 413) breach(`An upload announced as 64 MiB was answered ${oversized.status} instead of 413.`);
    const traversal = await http.request('/uploads/..%2f..%2fescape.pdf', { method: 'PUT', body: Buffer.from('x') });
    if (traversal.status !== 400) breach(`PUT /uploads/..%2f..%2fescape.pdf answered ${traversal.status}: names with a path must be refused (400).`);
  },

  measures: [
    {
      kind: 'heap',
      name: `bytes the upload index keeps (it needs ${formatBytes(FILES * SNIFF_BYTES)})`,
      select: anyOf(arrayBuffersOutsidePool(SNIFF_BYTES), stringsRetaining(SNIFF_BYTES)),
      unit: 'bytes',
      // The index needs SNIFF_BYTES per file; allow 8 times that (small copies come from shared pool slabs). Strings count too: a preview kept as a string can keep its upload as a string.
      bar: 8 * FILES * SNIFF_BYTES,
      retainer: 'uploadIndex',
    },
    {
      kind: 'resources',
      name: 'files left open by the uploads whose connection dropped',
      instruments: [openDescriptors],
      unit: 'objects',
      bar: 0,
      guards: 'a fix that streams each upload to disk, and closes its file only when the upload succeeds, leaves it open for every client whose connection drops',
    },
    {
      kind: 'probe',
      name: 'memory outside the JS heap kept after the uploads',
      // Buffers and strings of 1 MiB or more live outside V8's heap, and a snapshot shows such a string as a few bytes: the process's own figure sees it.
      read: (probe) => probe.memory.external,
      unit: 'bytes',
      bar: 1 * MiB,
    },
  ],
  routes: {
    fileNames: ['PUT /uploads/:name', 'POST /uploads/:name/replace', 'GET /uploads/:name/info'],
    uploads: ['PUT /uploads/:name', 'POST /uploads/:name/replace'],
  },
};

export default check;
