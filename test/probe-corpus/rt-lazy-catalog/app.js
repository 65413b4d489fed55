import http from 'node:http';

// Catalog search; the catalog for each locale is built on first use.
const catalogs = {};
const SUPPORTED = ['en', 'de', 'fr'];

function buildCatalog(locale) {
  const items = [];
  for (let i = 0; i < 20000; i++) items.push({ sku: `SKU-${i}`, title: `${locale}:item ${i}`, tags: [`t${i % 17}`, `c${i % 5}`], price: (i % 250) + 0.99 });
  const byTag = new Map();
  for (const it of items) for (const t of it.tags) (byTag.get(t) || byTag.set(t, []).get(t)).push(it);
  return { items, byTag, builtAt: Date.now() };
}

function catalogFor(locale) {
  if (!SUPPORTED.includes(locale)) locale = 'en';
  return (catalogs[locale] ??= buildCatalog(locale));
}

export default function handler(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/search') { res.writeHead(404).end(); return; }
  const cat = catalogFor(url.searchParams.get('lang') || 'en');
  const hits = (cat.byTag.get(url.searchParams.get('tag') || 't1') || []).slice(0, 20);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: hits.length, hits }));
}
