// A config refresher: each refresh replaces the current config object, and the
// new one can say what it replaced (for the admin page).
let theThing = null;

function replaceThing() {
  const originalThing = theThing;
  theThing = {
    version: Date.now(),
    rules: Array.from({ length: 2000 }, (_, i) => `rule-${i}`),
    describe() {
      return `config ${this.version}, replacing ${originalThing ? originalThing.version : 'nothing'}`;
    },
  };
}

export default function handler(req, res) {
  replaceThing();
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(theThing.describe());
}
