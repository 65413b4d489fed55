// A report endpoint that reads the first bytes of a report file from ./data.
import express from 'express';
import fs from 'node:fs';

const app = express();

app.get('/report', (req, res, next) => {
  fs.open('data/report.txt', 'r', (error, fd) => {
    if (error) return next(error);
    const head = Buffer.alloc(64);
    fs.read(fd, head, 0, 64, 0, (readError, bytesRead) => {
      if (readError) return next(readError);
      res.type('text').send(head.subarray(0, bytesRead));
    });
  });
});

export default app;
