// A Parley bot in plain Node.js: no dependencies, one file, meant to be copied.
//
//   PARLEY_BOT_KEY=pk_… node --experimental-websocket bot.mjs ws://127.0.0.1:8080/ws
//
// (Node 20 and 21 need --experimental-websocket for the built-in WebSocket; Node 22 and
// later have it by default and accept the flag too.)
//
// What it does, per conversation the relay gives to bots (docs/bots.md):
//   - answers every visitor message by streaming a reply: a few `stream` deltas, then
//     the final `send` with the same cid (only that one is stored);
//   - its first answer in a conversation also carries quick replies (a rich message);
//   - when the visitor asks for a person, it hands the conversation to the humans with a
//     reason and a summary, and then hears nothing more of it.
// And, like any client: reconnects with backoff, resends what the relay has not
// acknowledged (the relay ignores a resent cid it has stored), and handles errors by code.
//
// Theory of operation: one WebSocket at a time. Every frame from the relay goes through
// onFrame(); replies are written by a small async function that sleeps between deltas.
// A reply whose connection drops half-way is abandoned (the relay has already told the
// visitor's client to drop the partial text); the visitor's message is not lost, and
// the relay hands the conversation to humans if the bot stays away.

const url = process.argv[2];
const key = process.env.PARLEY_BOT_KEY;
if (!url || !key) {
  console.error('usage: PARLEY_BOT_KEY=pk_… node --experimental-websocket bot.mjs ws://HOST:PORT/ws');
  process.exit(2);
}
if (typeof WebSocket === 'undefined') {
  console.error('no built-in WebSocket: run with `node --experimental-websocket` (Node 20/21) or Node ≥ 22');
  process.exit(2);
}

const DELTA_MS = Number(process.env.PARLEY_BOT_DELTA_MS || 80);  // pause between deltas
const ASKS_FOR_A_PERSON = /\b(person|human|agent|someone real)\b/i;

// Every cid must be unique for this bot forever: the relay treats a known cid as a
// resend. A random prefix per run, then a counter.
const runId = crypto.randomUUID().slice(0, 8);
let counter = 0;
const newCid = () => `node.${runId}.${++counter}`;

let ws = null;          // the current connection, or null
let me = null;          // our party, from `welcome`
let backoffMs = 500;    // the next reconnect delay; doubles up to 30 s, reset on welcome
const convs = new Map();    // conv id → { firstText, greeted } for conversations with the bot
const unacked = new Map();  // cid → the `send` frame, until its `ack` arrives

function log(...args) { console.log(new Date().toISOString(), ...args); }

function connect() {
  ws = new WebSocket(url, 'parley.v1');
  ws.onopen = () => write({ type: 'hello', role: 'bot', key });
  ws.onmessage = (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return log('not JSON:', event.data); }
    onFrame(frame);
  };
  ws.onclose = (event) => {
    ws = null;
    // 4100–4199 are final (4100: the key was refused, 4102: it was revoked).
    if (event.code >= 4100 && event.code <= 4199) {
      log(`closed for good (${event.code} ${event.reason}): check the key`);
      process.exit(1);
    }
    const delay = backoffMs + Math.floor(Math.random() * backoffMs / 2);  // jitter
    backoffMs = Math.min(backoffMs * 2, 30000);
    log(`connection closed (${event.code}); reconnecting in ${delay} ms`);
    setTimeout(connect, delay);
  };
  ws.onerror = () => {};  // onclose follows and does the work
}

// Sends one frame if connected; false otherwise (the caller decides what that means).
function write(frame) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify({ v: 1, ...frame }));
  return true;
}

// A stored message: kept until acknowledged, and resent after a reconnect.
function send(frame) {
  unacked.set(frame.cid, frame);
  write(frame);
}

function onFrame(f) {
  switch (f.type) {
    case 'welcome':
      me = f.me;
      backoffMs = 500;
      log(`ready: ${me.id}`);
      for (const frame of unacked.values()) write(frame);  // what the last connection left
      break;
    case 'inbox':  // the conversations that are with the bot right now
      for (const c of f.convs) if (c.state === 'bot') track(c.conv);
      break;
    case 'conv':   // a conversation came to the bot, or left it (handoff, closed)
      if (f.state === 'bot' && f.status !== 'closed') track(f.conv);
      else convs.delete(f.conv);
      break;
    case 'msg':
      if (f.from?.role === 'visitor') onVisitorMessage(f);
      break;
    case 'ack':
      unacked.delete(f.cid);
      break;
    case 'error':
      onError(f);
      break;
    default:
      break;  // typing, read, stream of others…: not needed here
  }
}

function track(conv) {
  if (!convs.has(conv)) convs.set(conv, { firstText: '', greeted: false });
}

async function onVisitorMessage(m) {
  track(m.conv);
  const c = convs.get(m.conv);
  if (!c.firstText) c.firstText = m.text;

  if (ASKS_FOR_A_PERSON.test(m.text)) {
    // The agent reads the summary instead of asking the visitor again (≤ 1 000 bytes).
    const summary = `Asked for a person. First message: "${c.firstText}". Last: "${m.text}".`.slice(0, 900);
    // Not connected right now? Then the relay hands it over by itself when the bot
    // stays silent (bot_slow) or away (bot_gone): the visitor still reaches a person.
    write({ type: 'handoff', conv: m.conv, reason: 'asks_human', summary });
    convs.delete(m.conv);  // no more turns for us until an agent hands it back
    log(`${m.conv}: handed off (asks_human)`);
    return;
  }

  const text = `Thanks for your message! You wrote: "${m.text.slice(0, 200)}". ` +
    'I am a small example bot; ask for a person any time.';
  const parts = c.greeted ? undefined : [{
    kind: 'quick_replies',
    options: [{ id: 'pricing', label: 'Pricing' }, { id: 'human', label: 'Talk to a person' }],
  }];
  c.greeted = true;
  await streamReply(m.conv, text, parts);
}

// Streams `text` as a few deltas (split at spaces), then finalises it with a `send`
// holding the whole text. If the connection drops on the way, the stream is gone for
// good (the relay ended it for everyone): stop, and let the next visitor message or the
// relay's own handoff rules take it from there.
async function streamReply(conv, text, parts) {
  const cid = newCid();
  const socket = ws;
  const words = text.split(/(?<= )/);            // keeps the spaces: deltas join to text
  const perDelta = Math.ceil(words.length / 4);  // about four deltas
  for (let i = 0; i < words.length; i += perDelta) {
    if (ws !== socket || !convs.has(conv)) return;  // reconnected, or handed off meanwhile
    write({ type: 'stream', conv, cid, delta: words.slice(i, i + perDelta).join('') });
    await new Promise((resolve) => setTimeout(resolve, DELTA_MS));
  }
  if (ws !== socket || !convs.has(conv)) return;
  send(parts ? { type: 'send', conv, cid, text, parts } : { type: 'send', conv, cid, text });
}

// Errors by their code range (docs/protocol.md §6).
function onError(e) {
  const frame = e.ref && unacked.get(e.ref);
  if (e.code === 4029 || (e.code >= 4000 && e.code < 5000 && e.retry_after_ms)) {
    // Too fast: the frame was not processed. Resend the same frame after the wait.
    if (frame) setTimeout(() => write(frame), e.retry_after_ms || 250);
  } else if (e.code >= 5000) {
    // The relay failed to store it: nothing acknowledged; resend later.
    if (frame) setTimeout(() => write(frame), 1000);
  } else if (e.code === 2003) {
    log('the relay refused the key (2003)');  // close 4100 follows: we stop there
  } else if (e.code === 2004) {
    // Not ours (any more): handed off, closed, taken over by an agent. Drop it.
    if (e.ref) unacked.delete(e.ref);
    if (e.conv) convs.delete(e.conv);
    log(`forbidden: ${e.message}`);
  } else {
    // 1xxx: a bug in this bot; 3xxx: not possible now. Neither is resent as is.
    if (e.ref) unacked.delete(e.ref);
    log(`error ${e.code}: ${e.message}`);
  }
}

process.on('SIGTERM', () => { if (ws) ws.close(1000); process.exit(0); });
connect();
