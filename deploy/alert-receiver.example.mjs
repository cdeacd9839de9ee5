// A webhook receiver for runboard alerts: plain Node, no dependencies. It checks that an alert came from runboard
// (the X-Runboard-Signature HMAC of the exact body, with the channel's `secret`) and drops repeats by alertId (runboard
// delivers at least once: after a crash or a lost answer the same alert can come again, with the same id).
//
//   HOOK_SECRET=... PORT=9000 node alert-receiver.example.mjs
//
// Replace the `handle` function with what should happen (page someone, open a ticket, ...). Test:
// test/alerts-receiver-example.test.ts starts this file and sends it alerts from runboard's own sender.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';

const secret = process.env.HOOK_SECRET;
if (!secret) {
  console.error('HOOK_SECRET is not set: it must be the webhook channel’s secret');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 9000);
const host = process.env.HOST ?? '127.0.0.1';
const MAX_BODY = 64 * 1024;
/** Ids already handled, oldest first; a bounded memory is enough, repeats come within the 24 h retry window. */
const seen = new Set();
const SEEN_LIMIT = 10_000;

/** True when `header` is `sha256=<hex>` of `body` under the secret; compared in constant time. */
function signatureOk(body, header) {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function handle(alert) {
  // Your action here. The fields: alertId, kind, club, pipeline, state, previousState, reason, runId, runUrl, at,
  // summary, reminder.
  console.log(JSON.stringify({ accepted: alert.alertId, kind: alert.kind, summary: alert.summary }));
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    // Verify the raw bytes before parsing: the signature covers exactly what was sent.
    const body = Buffer.concat(chunks);
    if (!signatureOk(body, req.headers['x-runboard-signature'])) {
      console.log(JSON.stringify({ rejected: 'bad signature' }));
      res.writeHead(401).end();
      return;
    }
    let alert;
    try {
      alert = JSON.parse(body.toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (seen.has(alert.alertId)) {
      console.log(JSON.stringify({ repeat: alert.alertId }));
    } else {
      handle(alert);
      seen.add(alert.alertId);
      if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value);
    }
    // 2xx tells runboard the alert arrived; anything else (or no answer) makes it retry.
    res.writeHead(204).end();
  });
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`listening on http://${host}:${typeof address === 'object' && address ? address.port : port}`);
});
