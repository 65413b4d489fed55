// Profile pages: rendered profiles are kept per user so the second visit is fast.
import express from 'express';

interface Profile {
  user: string;
  html: string;
  avatar: Buffer;
}

const profiles: Record<string, Profile> = {};

const app = express();

app.get('/profile', (req, res) => {
  const user = String(req.query.user);
  profiles[user] ??= { user, html: `<h1>${user}</h1>`.padEnd(4096, ' '), avatar: Buffer.alloc(32 * 1024, 1) };
  res.type('html').send(profiles[user].html);
});

export default app;
