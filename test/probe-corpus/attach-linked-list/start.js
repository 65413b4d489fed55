// Starts the activity feed the way its own scripts would: on its own port, printing its address.
const app = require('./service.js');

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
