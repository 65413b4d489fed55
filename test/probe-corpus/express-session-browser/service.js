// A shop front with visitor sessions, in express-session's default store.
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ secret: 'shop-front', resave: false, saveUninitialized: true }));

app.get('/', (req, res) => {
  req.session.views = (req.session.views ?? 0) + 1;
  req.session.recentlyViewed = Array.from({ length: 200 }, (_, i) => `product-${i}-${Date.now()}`);
  res.send(`views: ${req.session.views}`);
});

module.exports = app;
