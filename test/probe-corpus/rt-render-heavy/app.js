import express from 'express';

// Invoice PDF-ish renderer: lots of allocation per request, nothing kept.
export const app = express();
app.get('/invoices/:id.html', (req, res) => {
  const id = req.params.id;
  const lines = [];
  for (let i = 0; i < 5000; i++) lines.push({ n: i, desc: `Line item ${i} for invoice ${id}`, amount: ((i * 7919) % 10000) / 100 });
  const scratch = Buffer.alloc(2 * 1024 * 1024);
  scratch.write(id);
  const rows = lines.map((l) => `<tr><td>${l.n}</td><td>${l.desc}</td><td>${l.amount.toFixed(2)}</td></tr>`);
  const total = lines.reduce((a, l) => a + l.amount, 0);
  res.type('html').send(`<table>${rows.slice(0, 200).join('')}</table><p>Total ${total.toFixed(2)} (${scratch[0]})</p>`);
});
