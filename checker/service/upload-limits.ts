/**
 * Size limits for uploads: a middleware that refuses an upload announced as
 * too large before reading a byte of it, a larger limit for services that take
 * large uploads, and the error that refuses one (answered 413 by
 * `answerErrors`).
 */
import type { RequestHandler } from 'express';
import { formatBytes } from '../format.ts';
import { MAX_UPLOAD_BYTES } from './storage.ts';

/**
 * Refuse an upload announced as larger than MAX_UPLOAD_BYTES with 413 before
 * reading a byte of it. (A body parser's own limit only answers once the
 * client has sent the whole body, or the connection drops.)
 */
export const refuseOversizedUploads: RequestHandler = refuseUploadsLargerThan(MAX_UPLOAD_BYTES);

/** The same, for a service with a limit of its own. */
export function refuseUploadsLargerThan(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const announced = Number(req.headers['content-length']);
    if (announced > limitBytes) {
      res.set('connection', 'close').status(413).json({ error: `uploads are limited to ${limitBytes} bytes` });
      return;
    }
    next();
  };
}

/** Largest lecture recording the course platform accepts. */
export const MAX_VIDEO_UPLOAD_BYTES = 64 * 1024 * 1024;

/** An upload is, or has turned out to be, larger than the limit; answer 413. */
export class UploadTooLargeError extends Error {
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`uploads are limited to ${formatBytes(limitBytes)}`);
  }
}
