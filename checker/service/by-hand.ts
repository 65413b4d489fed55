/**
 * Running a scenario's server by hand, to watch the symptom before fixing it:
 *
 *   npx tsx scenarios/01-download-cache/server.ts
 *
 * It listens on 127.0.0.1 (PORT, default 3000) and prints the process's memory
 * every two seconds, so the growth under traffic is there to see.
 */
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatBytes } from '../format.ts';

/** True when `moduleUrl` is the file node/tsx was asked to run. */
export function isRunDirectly(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

export function serveByHand(app: RequestListener, tryPath: string): void {
  const port = Number(process.env.PORT ?? 3000);
  const server = http.createServer(app);
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      console.error(
        `Port ${port} is already in use (is another scenario's server still running?). Stop it, or pick another port:\n` +
          `  PORT=${port + 1} npx tsx ${path.relative(process.cwd(), process.argv[1] ?? 'server.ts')}        (macOS, Linux)\n` +
          `  $env:PORT=${port + 1}; npx tsx ${path.relative(process.cwd(), process.argv[1] ?? 'server.ts')}   (Windows PowerShell)`,
      );
    } else {
      console.error(`Could not listen on 127.0.0.1:${port}: ${error.message}`);
    }
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    const { address, port: listening } = server.address() as AddressInfo;
    console.log(`Listening on http://${address}:${listening}  (try http://${address}:${listening}${tryPath})`);
    console.log('Memory every 2 s (Ctrl-C to stop):');
  });
  let last = '';
  setInterval(() => {
    const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
    const line = `  heapUsed ${formatBytes(heapUsed)} · external ${formatBytes(external)} (arrayBuffers ${formatBytes(arrayBuffers)}) · rss ${formatBytes(rss)}`;
    if (line !== last) console.log(line);
    last = line;
  }, 2000).unref();
}
