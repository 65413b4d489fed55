/**
 * Refuse an upload announced as larger than MAX_UPLOAD_BYTES with 413 before
 * reading a byte of it. (A body parser's own limit only answers once the
 * client has sent the whole body, or the connection drops.)
 */
import type { RequestHandler } from 'express';
import { MAX_UPLOAD_BYTES } from './storage.ts';

export const refuseOversizedUploads: RequestHandler = (req, res, next) => {
  const announced = Number(req.headers['content-length']);
  if (announced > MAX_UPLOAD_BYTES) {
    res.set('connection', 'close').status(413).json({ error: `uploads are limited to ${MAX_UPLOAD_BYTES} bytes` });
    return;
  }
  next();
};
