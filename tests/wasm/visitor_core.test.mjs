// The widget's client core (parley_core_visitor, built with PARLEY_VISITOR_ONLY: see
// sdk/include/parley/core/visitor_only.hpp) behaves as the full core for everything a
// visitor does and receives, and leaves the rest out cleanly:
//   - a visitor's whole session (hello, resume, outbox, send, replies to options and
//     forms, typing, read, history, presence; welcome, msgs with parts and meta, stream
//     deltas and their end, queue, typing, read, presence, page, synced, ack, errors)
//     gives the same return codes, frames and events, byte for byte, in both cores;
//   - the visitor core refuses an agent's or a bot's config (NULL handle);
//   - an agent's or a bot's action returns 2004 forbidden and sends nothing;
//   - the frames the relay sends to agents only decode as 1003 unknown_type (an error
//     event; the session carries on).
//
// Env: PARLEY_WASM_DIR (a built web root or build-wasm/wasm: parley_core*.js/.wasm).
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const wasmDir = process.env.PARLEY_WASM_DIR;

// The web root serves content-hashed names (web/build.mjs): its manifest maps each
// logical name to the file as served.
function served(name) {
  let manifest = {};
  try { manifest = JSON.parse(readFileSync(join(wasmDir, "asset-manifest.json"), "utf8")); } catch { /* unhashed */ }
  return join(wasmDir, manifest[name] ?? name);
}

async function loadCore(name) {
  // The glue is a classic script / CommonJS module; the repository's package.json says
  // "type":"module", so require a .cjs copy.
  const dir = mkdtempSync(join(tmpdir(), "parley-visitor-core-"));
  copyFileSync(served(`${name}.js`), join(dir, `${name}.cjs`));
  const factory = createRequire(import.meta.url)(join(dir, `${name}.cjs`));
  rmSync(dir, { recursive: true, force: true });
  return factory({ wasmBinary: readFileSync(served(`${name}.wasm`)) });
}

// The C API as the TS glue (wasm/src/core.ts) calls it.
function api(M) {
  const withString = (text, fn) => {
    const size = M.lengthBytesUTF8(text) + 1;
    const ptr = M._malloc(size);
    M.stringToUTF8(text, ptr, size);
    try { return fn(ptr); } finally { M._free(ptr); }
  };
  return {
    create: (config) => withString(JSON.stringify(config), (p) => M._parley_client_new(p)),
    free: (h) => M._parley_client_free(h),
    opened: (h, now) => M._parley_client_opened(h, now),
    closed: (h, code, now) => M._parley_client_closed(h, code, now),
    receive: (h, frame, now) => withString(typeof frame === "string" ? frame : JSON.stringify(frame),
                                           (p) => M._parley_client_receive(h, p, now)),
    act: (h, action, now) => withString(JSON.stringify(action), (p) => M._parley_client_act(h, p, now)),
    tick: (h, now) => M._parley_client_tick(h, now),
    outgoing: (h) => M.UTF8ToString(M._parley_client_take_outgoing(h)),
    events: (h) => M.UTF8ToString(M._parley_client_take_events(h)),
    deadline: (h) => M._parley_client_next_deadline(h),
  };
}

const CONV = "c_0123456789abcdef";
const AGENT = { role: "agent", id: "a_1", name: "Sam" };
const BOT = { role: "bot", id: "b_1", name: "Parley Bot" };
const ME = { role: "visitor", id: "v_1", name: "Ada" };
const v1 = (type, rest) => ({ v: 1, type, ...rest });
const parts = [{ type: "quick_replies", options: [{ id: "pricing", label: "Pricing" }] },
               { type: "form", id: "lead", fields: [{ name: "email", label: "Email", kind: "email" }] }];

// A visitor's session, step by step: each step is an input and what the core answered.
function visitorSession(core) {
  const log = [];
  const h = core.create({
    role: "visitor", instance: "w1", seed: 7, name: "Ada", page: "https://acme.test/pricing",
    token: "tok", known: { [CONV]: 2 },
    outbox: [{ conv: CONV, cid: "w1.old", text: "still there?" },
             { conv: CONV, cid: "w1.ans", text: "Pricing", reply: { to: 3, option: "pricing" } }],
  });
  assert.notEqual(h, 0, "a visitor config is accepted");
  let now = 1000;
  const step = (what, fn) => {
    now += 250;
    const rc = fn(now);
    log.push({ what, rc, out: core.outgoing(h), events: core.events(h), deadline: core.deadline(h) });
  };
  step("connect", (t) => core.act(h, { do: "connect" }, t));
  step("opened", (t) => core.opened(h, t));
  step("welcome", (t) => core.receive(h, v1("welcome", { role: "visitor", token: "tok2", me: ME, conv: CONV,
    last_seq: 4, mask: { client: ["card", "email"] } }), t));
  step("msg 3 with parts", (t) => core.receive(h, v1("msg", { conv: CONV, seq: 3, cid: "b.3", ts: t, from: BOT,
    text: "How can I help?", parts }), t));
  step("stream", (t) => core.receive(h, v1("stream", { conv: CONV, cid: "b.4", from: BOT, delta: "Our plans ", offset: 0 }), t));
  step("stream 2", (t) => core.receive(h, v1("stream", { conv: CONV, cid: "b.4", from: BOT, delta: "start at", offset: 10 }), t));
  step("stream gap", (t) => core.receive(h, v1("stream", { conv: CONV, cid: "b.4", from: BOT, delta: "x", offset: 99 }), t));
  step("stream other", (t) => core.receive(h, v1("stream", { conv: CONV, cid: "b.5", from: BOT, delta: "Hm", offset: 0 }), t));
  step("stream_end", (t) => core.receive(h, v1("stream_end", { conv: CONV, cid: "b.5", from: BOT, reason: "cancelled" }), t));
  step("msg 4 final", (t) => core.receive(h, v1("msg", { conv: CONV, seq: 4, cid: "b.4", ts: t, from: BOT,
    text: "Our plans start at 9 €" }), t));
  step("synced", (t) => core.receive(h, v1("synced", { conv: CONV, last_seq: 4 }), t));
  step("ack old", (t) => core.receive(h, v1("ack", { conv: CONV, cid: "w1.old", seq: 5, ts: t }), t));
  step("msg 5 own echo", (t) => core.receive(h, v1("msg", { conv: CONV, seq: 5, cid: "w1.old", ts: t, from: ME,
    text: "still there?" }), t));
  step("queue", (t) => core.receive(h, v1("queue", { conv: CONV, team: "general", position: 2, expected_wait_ms: 60000 }), t));
  step("send", (t) => core.act(h, { do: "send", conv: CONV, text: "hello, card 4111 1111 1111 1111" }, t));
  step("send, own conv", (t) => core.act(h, { do: "send", text: "and another" }, t));
  step("reply option", (t) => core.act(h, { do: "reply", conv: CONV, text: "Pricing", to: 3, option: "pricing" }, t));
  step("reply form", (t) => core.act(h, { do: "reply", conv: CONV, text: "ada@example.com", to: 3, form: "lead",
    values: { email: "ada@example.com" } }, t));
  step("reply both", (t) => core.act(h, { do: "reply", conv: CONV, text: "x", to: 3, option: "a", form: "b" }, t));
  step("error invalid_form", (t) => core.receive(h, v1("error", { code: 1011, message: "invalid form", ref: "w1.3",
    conv: CONV, fields: { email: "not an email address" } }), t));
  step("msg 6 agent with meta", (t) => core.receive(h, v1("msg", { conv: CONV, seq: 6, cid: "a.1", ts: t, from: AGENT,
    text: "Hi Ada", prev: 5, meta: { intent: "pricing", confidence: 0.8125, signals: ["human"] } }), t));
  step("msg gap", (t) => core.receive(h, v1("msg", { conv: CONV, seq: 9, cid: "a.2", ts: t, from: AGENT, text: "gap" }), t));
  step("typing on", (t) => core.receive(h, v1("typing", { conv: CONV, from: AGENT, on: true }), t));
  step("read notice", (t) => core.receive(h, v1("read", { conv: CONV, from: AGENT, seq: 5 }), t));
  step("presence notice", (t) => core.receive(h, v1("presence", { who: AGENT, status: "away" }), t));
  step("typing", (t) => core.act(h, { do: "typing", conv: CONV, on: true }, t));
  step("typing off", (t) => core.act(h, { do: "typing", conv: CONV, on: false }, t));
  step("read", (t) => core.act(h, { do: "read", conv: CONV, seq: 6 }, t));
  step("history", (t) => core.act(h, { do: "history", conv: CONV, before: 3, limit: 2 }, t));
  step("history bad limit", (t) => core.act(h, { do: "history", conv: CONV, limit: 0 }, t));
  step("page", (t) => core.receive(h, v1("page", { conv: CONV, more: false, msgs: [
    { conv: CONV, seq: 1, cid: "w1.a", ts: 1, from: ME, text: "first", meta: { intent: "other", confidence: 0.5 } },
    { conv: CONV, seq: 2, cid: "w1.b", ts: 2, from: ME, text: "second",
      reply: { to: 1, form: "lead", values: { email: "a@b.c" } } }] }), t));
  step("presence", (t) => core.act(h, { do: "presence", status: "away" }, t));
  step("pong", (t) => core.receive(h, v1("pong", { n: 1 }), t));
  step("rate limited", (t) => core.receive(h, v1("error", { code: 4029, message: "slow down", ref: "w1.1",
    retry_after_ms: 500, frame: "send", conv: CONV }), t));
  step("tick", (t) => core.tick(h, t + 10000));
  step("bad json", (t) => core.receive(h, "{nope", t));
  step("unknown action", (t) => core.act(h, { do: "dance" }, t));
  step("closed 1006", (t) => core.closed(h, 1006, t));
  step("tick reconnect", (t) => core.tick(h, t + 60000));
  step("disconnect", (t) => core.act(h, { do: "disconnect" }, t));
  core.free(h);
  return log;
}

const skip = !wasmDir;

test("a visitor's session gives the same frames and events in the visitor core as in the full core", { skip }, async () => {
  const full = visitorSession(api(await loadCore("parley_core")));
  const visitor = visitorSession(api(await loadCore("parley_core_visitor")));
  assert.equal(visitor.length, full.length);
  for (let i = 0; i < full.length; ++i) assert.deepEqual(visitor[i], full[i], `step "${full[i].what}"`);
  // Not vacuous: the session went through what the widget renders.
  const events = full.flatMap((s) => JSON.parse(s.events).map((e) => e.event));
  for (const e of ["welcome", "message", "stream", "stream_end", "queue", "queued", "ack", "typing", "read",
                   "presence", "history", "synced", "error", "state"])
    assert.ok(events.includes(e), `the session has a "${e}" event`);
  const frames = full.flatMap((s) => JSON.parse(s.out).map((f) => JSON.parse(f).type));
  for (const f of ["hello", "send", "typing", "read", "history", "presence", "sync"])
    assert.ok(frames.includes(f), `the session sent a "${f}" frame`);
  assert.ok(full.some((s) => s.out.includes('\\"reply\\"') && s.out.includes('\\"values\\"')), "a form reply was sent");
  console.log(`${full.length} steps, ${events.length} events, ${frames.length} frames: identical`);
});

test("the visitor core refuses an agent's or a bot's configuration", { skip }, async () => {
  const full = api(await loadCore("parley_core"));
  const visitor = api(await loadCore("parley_core_visitor"));
  const configs = [
    { role: "agent", instance: "c1", token: "t" },
    { role: "agent", instance: "c1", email: "sam@acme.test", password: "secret" },
    { role: "bot", instance: "b1", key: "pk_abc" },
  ];
  for (const config of configs) {
    const h = full.create(config);
    assert.notEqual(h, 0, `the full core takes ${config.role}`);
    full.free(h);
    assert.equal(visitor.create(config), 0, `the visitor core refuses ${JSON.stringify(config)}`);
  }
});

test("agents' and bots' actions return 2004 forbidden in the visitor core and send nothing", { skip }, async () => {
  const visitor = api(await loadCore("parley_core_visitor"));
  const full = api(await loadCore("parley_core"));
  const actions = [
    { do: "stream", conv: CONV, cid: "w1.s", delta: "x" },
    { do: "cancel_stream", conv: CONV, cid: "w1.s" },
    { do: "send", conv: CONV, text: "rich", parts: [{ type: "text", text: "x" }] },
    { do: "send", conv: CONV, text: "final", cid: "w1.s" },
    { do: "note", conv: CONV, text: "internal" },
    { do: "transfer", conv: CONV, to_team: "billing" },
    { do: "close", conv: CONV },
    { do: "reopen", conv: CONV },
    { do: "handoff", conv: CONV, reason: "asks_human" },
    { do: "handback", conv: CONV },
    { do: "logout", all: true },
    { do: "sessions" },
    { do: "audit", limit: 10 },
  ];
  const connected = (core) => {
    const h = core.create({ role: "visitor", instance: "w1", token: "tok" });
    core.act(h, { do: "connect" }, 1);
    core.opened(h, 2);
    core.receive(h, v1("welcome", { role: "visitor", token: "tok", me: ME, conv: CONV, last_seq: 0 }), 3);
    core.outgoing(h);
    core.events(h);
    return h;
  };
  const hv = connected(visitor), hf = connected(full);
  for (const action of actions) {
    assert.equal(visitor.act(hv, action, 10), 2004, `visitor core: ${JSON.stringify(action)}`);
    assert.equal(visitor.outgoing(hv), "[]", `nothing sent for ${action.do}`);
    assert.equal(visitor.events(hv), "[]", `no event for ${action.do}`);
    // The full core sends them (the relay then answers a visitor 2004 itself).
    assert.equal(full.act(hf, action, 10), 0, `full core: ${JSON.stringify(action)}`);
    full.outgoing(hf);
    full.events(hf);
  }
  assert.equal(visitor.act(hv, { do: "dance" }, 10), 1005, "an unknown action is still 1005 bad_field");
  assert.equal(visitor.act(hv, { do: "send", conv: CONV, text: "plain" }, 10), 0, "a plain send still works");
  assert.match(visitor.outgoing(hv), /\\"type\\":\\"send\\"/);
  // A visitor's attachment (issue 17): a send whose parts are all `file` parts goes out.
  const file = { do: "send", conv: CONV, text: "photo.png", parts: [{ kind: "file", id: "att_0a1b" }] };
  assert.equal(visitor.act(hv, file, 10), 0, "a send of file parts goes out");
  assert.match(visitor.outgoing(hv), /att_0a1b/);
  const mixed = { do: "send", conv: CONV, text: "x", parts: [{ kind: "file", id: "att_0a1b" }, { kind: "card", title: "t" }] };
  assert.equal(visitor.act(hv, mixed, 10), 2004, "a file part beside another kind is still an agent's");
  visitor.free(hv);
  full.free(hf);
});

test("the frames only agents are sent decode as 1003 unknown_type in the visitor core", { skip }, async () => {
  const visitor = api(await loadCore("parley_core_visitor"));
  const full = api(await loadCore("parley_core"));
  const summary = { conv: CONV, visitor: ME, last_seq: 1, last_text: "hi", updated: 1, status: "open" };
  const frames = [
    v1("inbox", { convs: [summary] }),
    v1("conv", summary),
    v1("supervisor", { agents: [], queues: [] }),
    v1("logged_out", { revoked: 1, current: false }),
    v1("sessions", { sessions: [] }),
    v1("audit", { entries: [] }),
    v1("visitor_export", { visitor: "v_1", data: "{}", done: true }),
    v1("erased", { visitor: "v_1", convs: [CONV], messages: 1 }),
  ];
  const connected = (core, role) => {
    const h = core.create({ role, instance: "x1", token: "tok" });
    core.act(h, { do: "connect" }, 1);
    core.opened(h, 2);
    core.receive(h, v1("welcome", { role, token: "tok", me: role === "agent" ? AGENT : ME,
                                    ...(role === "visitor" ? { conv: CONV, last_seq: 0 } : {}) }), 3);
    core.outgoing(h);
    core.events(h);
    return h;
  };
  const hv = connected(visitor, "visitor"), hf = connected(full, "agent");
  for (const frame of frames) {
    assert.equal(full.receive(hf, frame, 10), 0, `the full core reads ${frame.type}`);
    full.events(hf);
    assert.equal(visitor.receive(hv, frame, 10), 1003, `the visitor core does not read ${frame.type}`);
    const events = JSON.parse(visitor.events(hv));
    assert.equal(events.length, 1);
    assert.equal(events[0].event, "error");
    assert.equal(events[0].code, 1003);
    assert.equal(events[0].message, `bad frame from relay: unknown frame type: ${frame.type}`);
  }
  // The session carries on.
  assert.equal(visitor.receive(hv, v1("msg", { conv: CONV, seq: 1, cid: "a.1", ts: 5, from: AGENT, text: "still here" }), 11), 0);
  assert.match(visitor.events(hv), /"event":"message"/);
  visitor.free(hv);
  full.free(hf);
});
