/**
 * Size limits for services that take large uploads, and the error that
 * refuses one (answered 413 by `answerErrors`).
 */
import { formatBytes } from '../format.ts';

/** Largest lecture recording the course platform accepts. */
export const MAX_VIDEO_UPLOAD_BYTES = 64 * 1024 * 1024;

/** An upload is, or has turned out to be, larger than the limit; answer 413. */
export class UploadTooLargeError extends Error {
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`uploads are limited to ${formatBytes(limitBytes)}`);
  }
}
