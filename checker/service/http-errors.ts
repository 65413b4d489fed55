/**
 * How every service in the kit answers a failed request: with the status the
 * error carries (400 bad name, 404 no such file, 413 too large), or with 500,
 * logging the error so that whoever runs the server can see what broke.
 */
import type { ErrorRequestHandler } from 'express';

export const answerErrors: ErrorRequestHandler = (error: { status?: unknown; message?: string }, req, res, _next) => {
  const status = typeof error.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
  if (status >= 500) console.error(`${req.method} ${req.originalUrl} failed:`, error);
  if (res.headersSent) {
    // Part of the body is already on its way: the only honest answer left is to cut the connection.
    res.destroy();
    return;
  }
  res.status(status).json({ error: status < 500 ? error.message : 'internal error' });
};
