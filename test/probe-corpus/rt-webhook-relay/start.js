import { app } from './app.js';
const port = Number(process.env.PORT || 3457);
app.listen(port, '127.0.0.1', () => console.log(`webhook-relay listening on http://127.0.0.1:${port}`));
