/** Opens its own folder with fs.opendirSync for every request (a descriptor node:fs's open never sees) and never closes it. */
import { opendirSync, type Dir } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const FOLDER = fileURLToPath(new URL('.', import.meta.url));
const folders: Dir[] = [];

export default http.createServer((_req, res) => {
  folders.push(opendirSync(FOLDER));
  res.end('opened');
});
