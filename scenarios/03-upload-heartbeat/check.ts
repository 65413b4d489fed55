/**
 * Scenario 03's check. Traffic: photo uploads, some complete and some whose
 * connection drops halfway, as on a phone. What must not stay: the progress
 * timers of finished and dropped uploads, and the bytes their closures keep.
 * Contract: a complete upload is stored byte-exact and answered 201 with its
 * hash; progress is reported while an upload runs; oversized and unnamed
 * uploads are refused.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateBytes, sha256 } from '../../checker/fixtures.ts';
import { liveTimers } from '../../checker/instruments.ts';
import { arrayBuffers } from '../../checker/select.ts';
import type { CheckContext, CheckSpec } from '../../checker/types.ts';

const MiB = 1024 * 1024;
const PHOTO_BYTES = 3 * MiB;

function photo(index: number): { name: string; body: Buffer } {
  const name = `upload-${index}.jpg`;
  return { name, body: generateBytes(name, PHOTO_BYTES) };
}

async function upload(context: CheckContext, index: number): Promise<void> {
  const { name, body } = photo(index);
  const response = await context.http.request(`/uploads/${name}`, { method: 'PUT', body });
  if (response.status !== 201) {
    context.breach(`PUT /uploads/${name} answered ${response.status} instead of 201.`);
    return;
  }
  const stored = await readFile(path.join(context.uploadsDir, name)).catch(() => null);
  if (!stored || sha256(stored) !== sha256(body)) context.breach(`The upload ${name} was not stored byte-exact.`);
}

const check: CheckSpec = {
  async warmup(context) {
    await upload(context, 0);
    await context.http.abortedUpload('/uploads/warmup-dropped.jpg', photo(1).body, 1 * MiB);
  },

  async traffic(context) {
    for (let i = 0; i < 8; i++) {
      await upload(context, 10 + i);
      await context.http.abortedUpload(`/uploads/dropped-${i}.jpg`, photo(20 + i).body, 2 * MiB);
    }
  },

  async contract(context) {
    const { http, breach } = context;
    const oversized = await http.request('/uploads/huge.jpg', { method: 'PUT', headers: { 'content-length': String(64 * MiB) } }).catch(() => null);
    if (oversized && oversized.status !== 413) breach(`An upload announced as 64 MiB was answered ${oversized.status} instead of 413.`);
    const traversal = await http.request('/uploads/..%2f..%2fescape.jpg', { method: 'PUT', body: Buffer.from('x') });
    if (traversal.status !== 400) breach(`PUT /uploads/..%2f..%2fescape.jpg answered ${traversal.status}: names with a path must be refused (400).`);
    await upload(context, 99);

    // While an upload runs, its progress can be polled.
    const { name, body } = photo(98);
    const running = await http.startUpload(`/uploads/${name}`, body, MiB);
    const deadline = performance.now() + 5_000;
    let reported = 0;
    while (performance.now() < deadline && reported < MiB) {
      const progress = await http.get(`/uploads/${name}/progress`);
      if (progress.status === 200) reported = Number((JSON.parse(progress.text) as { received?: number }).received ?? 0);
      if (reported < MiB) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (reported < MiB) breach(`While an upload had sent 1 MiB, GET /uploads/${name}/progress never reported it (within 5 s).`);
    const finished = await running.finish();
    if (finished.status !== 201) breach(`PUT /uploads/${name} answered ${finished.status} instead of 201 after a pause.`);
  },

  measures: [
    {
      kind: 'resources',
      name: 'timers still running after the uploads ended',
      instruments: [liveTimers],
      unit: 'objects',
      bar: 0,
    },
    {
      kind: 'heap',
      name: 'upload bytes kept after the uploads ended',
      select: arrayBuffers(16 * 1024),
      unit: 'bytes',
      bar: 2 * MiB,
      retainer: 'Timeout',
    },
  ],
  routes: { fileNames: ['PUT /uploads/:name', 'GET /uploads/:name/progress'], uploads: ['PUT /uploads/:name'] },
};

export default check;
