/** A server whose module throws while it loads: a missing setting, say. */
import express from 'express';

const app = express();
const uploadsLimit = Number.parseInt(process.env.UPLOADS_LIMIT_THAT_IS_NOT_SET ?? '', 10);
if (Number.isNaN(uploadsLimit)) throw new Error('UPLOADS_LIMIT is not a number');

export default app;
