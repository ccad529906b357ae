// A visitor's chat in a web page with @parley/sdk: a list and a form. build.mjs bundles
// it; the relay's address comes from the page's ?relay= (ws://127.0.0.1:8080/ws if none).
import { connect, type Message } from "@parley/sdk";

const relay = new URLSearchParams(location.search).get("relay") ?? "ws://127.0.0.1:8080/ws";
const list = document.querySelector("#messages") as HTMLOListElement;
const form = document.querySelector("#composer") as HTMLFormElement;
const input = document.querySelector("#text") as HTMLInputElement;
const status = document.querySelector("#status") as HTMLElement;

const chat = await connect(relay, { name: "Ada (web)" });
chat.on("state", ({ state }) => (status.textContent = state));
chat.on("message", show);
chat.on("error", ({ code, message }) => (status.textContent = `error ${code}: ${message}`));

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!input.value.trim()) return;
  chat.send(chat.conv ?? "", input.value);
  input.value = "";
});

function show(m: Message): void {
  const item = document.createElement("li");
  item.dataset.seq = String(m.seq);
  item.dataset.from = m.mine ? "me" : m.from.role;
  item.textContent = `${m.from.name}: ${m.text}`; // text, never HTML
  list.append(item);
}
