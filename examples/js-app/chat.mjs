// A visitor's chat from Node with @parley/sdk: connects to a relay, sends one message,
// prints what the relay stored, and exits once someone answers.
//
//   node chat.mjs ws://127.0.0.1:8080/ws "Hello!"
//
// Node 22 and later have the WebSocket it uses (Node 20.16+: --experimental-websocket).
import { connect } from "@parley/sdk";

const [url = "ws://127.0.0.1:8080/ws", text = "Hello from Node!"] = process.argv.slice(2);

const chat = await connect(url, { name: "Ada (Node)" });
// Sent once connected; until the relay acknowledges it, it is resent after any drop.
// A visitor has one conversation: "" names it before the relay has told us its id.
chat.send("", text);

const giveUp = setTimeout(() => {
  console.error("no answer within 30 s");
  chat.destroy();
  process.exitCode = 1;
}, 30_000);

chat.on("ack", ({ seq }) => console.log(`stored as #${seq}`));
chat.on("message", (m) => {
  console.log(`#${m.seq} ${m.from.name}: ${m.text}`);
  if (m.mine) return;
  clearTimeout(giveUp); // answered: close, and Node exits
  chat.destroy();
});
chat.on("error", ({ code, message }) => console.error(`error ${code}: ${message}`));
