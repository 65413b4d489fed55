// Item pages, cached in a bounded LRU that is warmed with the best sellers at start-up.
import express from 'express';
import { LRUCache } from 'lru-cache';

const pages = new LRUCache({ max: 64 });
const render = (id) => ({ id, html: Array.from({ length: 512 }, (_, line) => `<p>${id} ${line}</p>`.padEnd(32, ' ')).join('') });
for (let i = 0; i < 64; i++) pages.set(`best-seller-${i}`, render(`best-seller-${i}`));

const app = express();
app.get('/items/:id', (req, res) => {
  let page = pages.get(req.params.id);
  if (!page) pages.set(req.params.id, (page = render(req.params.id)));
  res.type('html').send(page.html);
});

export default app;
