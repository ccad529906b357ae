// The npm package as app teams get it (issue 17, P2), end to end, with no network:
//   - docs/sdk.md's JavaScript section shows examples/js-app file for file;
//   - the tarball `npm pack` made (build/npm, wasm/npm/build.mjs) installs offline into a
//     new project with `npm install ./parley-sdk-x.y.z.tgz`: no dependencies, the files
//     and fields the package promises, the project's version;
//   - its declarations type the example under `strict` (tsc --noEmit, the package's
//     own .d.ts checked too);
//   - it says what is missing when it cannot start: no WebSocket in the runtime, a
//     .wasm that cannot be fetched, no import.meta.url to find it (an IIFE bundle);
//   - examples/js-app/chat.mjs, run by Node from that project against a real relay,
//     gets its message stored (ack with a seq) and an agent's answer; the agent is a
//     client of the same installed package (so the full core's agent role is used);
//   - the example's page, bundled by the example's build.mjs with esbuild, runs in
//     Chromium from another origin than the relay's (allowed with --allow-origin): the
//     .wasm is fetched from the bundle output beside app.js (no script tag other than
//     the bundle's), and a message makes the round trip to the agent and back.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_NPM_DIR=build/npm \
//     node --experimental-websocket tests/package/npm_package.test.mjs
//
// (--experimental-websocket: Node 20's global WebSocket, which Node 22 has by default.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync,
         writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEMO_EMAIL, DEMO_PASSWORD, WAIT, launchChromium, startRelay, stopRelay } from "../browser/support.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const example = join(repo, "examples/js-app");
const relayBin = process.env.PARLEY_RELAY_BIN;
const npmDir = process.env.PARLEY_NPM_DIR;

let scratch, relay, server, agent, browser, wsUrl;
const served = [];   // paths the app's static server answered, in order
const answered = new Set();
const agentErrors = [];   // what the relay refused the agent, shown when a test fails

before(async () => {
  assert.ok(relayBin && existsSync(relayBin), `PARLEY_RELAY_BIN must name the relay (got ${relayBin})`);
  assert.ok(npmDir && existsSync(npmDir), `PARLEY_NPM_DIR must name the package's build dir (got ${npmDir})`);
  scratch = mkdtempSync(join(tmpdir(), "parley-npm-"));
});

after(async () => {
  agent?.destroy();
  await browser?.close();
  server?.close();
  if (relay) await stopRelay(relay.child);
  if (scratch && !process.env.PARLEY_KEEP_TMP) rmSync(scratch, { recursive: true, force: true });
});

test("docs/sdk.md's JavaScript section is examples/js-app, file for file", () => {
  const doc = readFileSync(join(repo, "docs/sdk.md"), "utf8");
  const section = /^## JavaScript\n([\s\S]*?)(?=^## )/m.exec(doc)?.[1];
  assert.ok(section, "docs/sdk.md has a `## JavaScript` section");
  const shown = [...section.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)];
  assert.deepEqual(shown.map((m) => m[1]).sort(),
                   ["examples/js-app/build.mjs", "examples/js-app/chat.mjs", "examples/js-app/web/app.ts"]);
  for (const [, file, code] of shown)
    assert.equal(code, readFileSync(join(repo, file), "utf8"), `docs/sdk.md shows ${file} as it is`);
});

test("the packed tarball installs offline into a new project, with no dependencies", () => {
  const tarballs = readdirSync(npmDir).filter((f) => /^parley-sdk-.*\.tgz$/.test(f));
  assert.equal(tarballs.length, 1, `one tarball in ${npmDir}: ${tarballs}`);
  const version = execFileSync(relayBin, ["--version"], { encoding: "utf8" }).match(/\d+\.\d+\.\d+/)?.[0];
  assert.equal(tarballs[0], `parley-sdk-${version}.tgz`, "the package has the relay's (the project's) version");

  // The example as a user copies it (without its package.json, whose devDependencies
  // would need the registry), and the tarball beside it.
  cpSync(example, scratch, { recursive: true, filter: (src) => !/node_modules|dist|package(-lock)?\.json$/.test(src) });
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }));
  copyFileSync(join(npmDir, tarballs[0]), join(scratch, tarballs[0]));
  const install = spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund", `./${tarballs[0]}`],
                            { cwd: scratch, encoding: "utf8", timeout: 60_000 });
  assert.equal(install.status, 0, `npm install failed:\n${install.stdout}\n${install.stderr}`);

  const pkgDir = join(scratch, "node_modules/@parley/sdk");
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  assert.equal(manifest.name, "@parley/sdk");
  assert.equal(manifest.version, version);
  assert.equal(manifest.type, "module");
  assert.equal(manifest.sideEffects, false);
  assert.ok(manifest.license, "a license field");
  assert.deepEqual(manifest.exports["."], { types: "./index.d.ts", default: "./index.js" });
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "scripts"])
    assert.equal(manifest[field], undefined, `no ${field}: nothing else is installed, nothing runs`);
  assert.deepEqual(readdirSync(join(scratch, "node_modules")).sort(), ["@parley"].concat(
    existsSync(join(scratch, "node_modules/.package-lock.json")) ? [".package-lock.json"] : []).sort());
  for (const file of ["index.js", "index.d.ts", "client.d.ts", "types.d.ts", "parley_core.wasm", "README.md"])
    assert.ok(existsSync(join(pkgDir, file)), `the package has ${file}`);
  // No script-tag glue: the Emscripten glue is inside index.js.
  assert.ok(!existsSync(join(pkgDir, "parley_core.js")), "no separate parley_core.js");
});

test("the package's declarations type the example under strict (tsc --noEmit)", () => {
  // The example's own tsconfig.json (strict, checkJs) with its packages' types; the
  // scratch project has no @types/node (no network), so a stub declares what chat.mjs
  // uses of Node. skipLibCheck is off, so the package's .d.ts are checked too (the
  // standard library's are not: seconds of checking that prove nothing about ours).
  writeFileSync(join(scratch, "node-stub.d.ts"),
                "declare const process: { argv: string[]; exitCode?: number };\n");
  writeFileSync(join(scratch, "tsconfig.test.json"), JSON.stringify({
    extends: "./tsconfig.json",
    compilerOptions: { types: [], skipLibCheck: false, skipDefaultLibCheck: true },
    include: ["chat.mjs", "web/*.ts", "node-stub.d.ts"],
  }));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.test.json"], { cwd: scratch, encoding: "utf8" });
  assert.equal(run.status, 0, `tsc:\n${run.stdout}${run.stderr}`);
});

test("the package says what is missing: no WebSocket, no .wasm, no import.meta.url to find it", () => {
  const node = (args) => spawnSync(process.execPath, args, { cwd: scratch, encoding: "utf8", timeout: WAIT });
  // A runtime without a global WebSocket (Node 20 without the flag).
  const noSocket = node(["--input-type=module", "-e", `delete globalThis.WebSocket;
    import("@parley/sdk").then((sdk) => sdk.connect("ws://127.0.0.1:9/ws")).then(
      () => console.log("connected?"), (err) => console.log(err.message));`]);
  assert.match(noSocket.stdout, /^parley: no WebSocket in this runtime: .*pass options\.WebSocket/m,
               noSocket.stdout + noSocket.stderr);
  // A .wasm that cannot be fetched: the message names it.
  const noWasm = node(["--input-type=module", "-e", `
    import("@parley/sdk").then((sdk) => sdk.loadCore({ wasmUrl: "http://127.0.0.1:9/parley_core.wasm" })).then(
      () => console.log("loaded?"), (err) => console.log(err.message));`]);
  assert.match(noWasm.stdout, /^parley: cannot load the client core from http:\/\/127\.0\.0\.1:9\/parley_core\.wasm: /m,
               noWasm.stdout + noWasm.stderr);
  // An IIFE bundle: esbuild leaves import.meta empty, so the .wasm cannot be located.
  writeFileSync(join(scratch, "iife.mjs"), `import { loadCore } from "@parley/sdk";
    loadCore().then(() => console.log("loaded?"), (err) => console.log(err.message));`);
  const esbuild = createRequire(import.meta.url).resolve("esbuild/bin/esbuild");   // a native binary
  const bundle = spawnSync(esbuild, ["iife.mjs", "--bundle", "--format=iife", "--log-level=error", "--outfile=iife.js"],
                           { cwd: scratch, encoding: "utf8", timeout: WAIT });
  assert.equal(bundle.status, 0, bundle.stderr);
  const iife = node(["iife.js"]);
  assert.match(iife.stdout, /^parley: cannot locate parley_core\.wasm .*bundle as ES modules, or pass wasmUrl or wasmBinary$/m,
               iife.stdout + iife.stderr);
});

test("examples/js-app/chat.mjs in Node: its message is stored and an agent answers", async () => {
  // The app's static server first: its origin goes on the relay's --allow-origin.
  server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/favicon.ico") return res.writeHead(204).end();   // the browser's own request
    served.push(path);
    const file = join(scratch, "dist", path === "/" ? "index.html" : path);
    if (!file.startsWith(join(scratch, "dist")) || !existsSync(file)) return res.writeHead(404).end();
    const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const appOrigin = `http://127.0.0.1:${server.address().port}`;
  // The relay's own pages are not needed: the app is served by the server above.
  mkdirSync(join(scratch, "relay-web"));
  relay = await startRelay({ bin: relayBin, webRoot: join(scratch, "relay-web"), dataDir: join(scratch, "data"),
                             extra: ["--no-triage", "--allow-origin", appOrigin] });
  wsUrl = relay.url.replace(/^http/, "ws") + "/ws";

  // The agent: the demo agent, a client of the installed package like the example.
  const sdk = await import(pathToFileURL(createRequire(join(scratch, "package.json")).resolve("@parley/sdk")).href);
  agent = await sdk.connect(wsUrl, { role: "agent", email: DEMO_EMAIL, password: DEMO_PASSWORD, storage: null });
  // It answers each conversation once, when it is assigned to it and the visitor has
  // written (the message may come before or after the assignment).
  const assigned = new Set();
  const answer = (conv, visitor) => {
    if (!assigned.has(conv) || answered.has(conv)) return;
    answered.add(conv);
    const status = agent.send(conv, `Hello ${visitor.name}, this is the agent.`);
    if (status) agentErrors.push(`send: ${status}`);
  };
  agent.on("conv", (c) => {
    if (c.agent !== agent.me?.id) return;
    assigned.add(c.conv);
    if (c.last_seq > 0) answer(c.conv, c.visitor);
  });
  agent.on("message", (m) => { if (m.from.role === "visitor") answer(m.conv, m.from); });
  agent.on("error", (e) => agentErrors.push(`${e.code} ${e.message}`));
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the agent was not welcomed")), WAIT);
    agent.on("welcome", () => { clearTimeout(timer); agent.presence("available"); ok(); });
  });

  // Asynchronously: the agent lives in this process's event loop.
  const run = await new Promise((ok) => execFile(process.execPath,
    [...process.execArgv, "chat.mjs", wsUrl, "Hello from Node"], { cwd: scratch, encoding: "utf8", timeout: WAIT },
    (err, stdout, stderr) => ok({ status: err ? (err.code ?? err.signal) : 0, stdout, stderr })));
  assert.equal(run.status, 0, `chat.mjs:\n${run.stdout}${run.stderr}\nagent errors: ${agentErrors}`);
  assert.match(run.stdout, /^stored as #1$/m, run.stdout);
  assert.match(run.stdout, /^#1 Ada \(Node\): Hello from Node$/m, run.stdout);
  assert.match(run.stdout, /^#\d+ Demo Agent: Hello Ada \(Node\), this is the agent\.$/m, run.stdout);
});

test("examples/js-app bundled by esbuild in Chromium: the .wasm from the bundle output, a round trip", async () => {
  // The example's build.mjs, with esbuild from the repository's node_modules.
  mkdirSync(join(scratch, "node_modules"), { recursive: true });
  const esbuild = dirname(createRequire(import.meta.url).resolve("esbuild/package.json"));
  symlinkSync(esbuild, join(scratch, "node_modules/esbuild"), "dir");
  const build = spawnSync(process.execPath, ["build.mjs"], { cwd: scratch, encoding: "utf8", timeout: WAIT });
  assert.equal(build.status, 0, `build.mjs:\n${build.stdout}${build.stderr}`);
  assert.deepEqual(readdirSync(join(scratch, "dist")).sort(), ["app.js", "index.html", "parley_core.wasm"]);

  browser = await launchChromium();
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on("pageerror", (err) => problems.push(err.message));
  page.on("console", (msg) => { if (["error", "warning"].includes(msg.type())) problems.push(msg.text()); });
  const appUrl = `http://127.0.0.1:${server.address().port}/`;
  await page.goto(`${appUrl}?relay=${encodeURIComponent(wsUrl)}`);
  await page.locator("#status", { hasText: "connected" }).waitFor();

  await page.locator("#text").fill("Hello from the page");
  await page.locator("#composer button").click();
  const mine = page.locator("#messages li[data-from=me]", { hasText: "Ada (web): Hello from the page" });
  await mine.waitFor();
  assert.match(await mine.getAttribute("data-seq"), /^[1-9]\d*$/, "the relay gave it a seq");
  await page.locator("#messages li[data-from=agent]", { hasText: "Hello Ada (web), this is the agent." }).waitFor()
    .catch((err) => { throw new Error(`${err.message}\nagent errors: ${agentErrors}`); });

  // The page loaded the bundle and the .wasm from the bundle output, and nothing else
  // of ours: the .wasm found by `new URL(…, import.meta.url)`, no script tag for it.
  assert.deepEqual(served, ["/", "/app.js", "/parley_core.wasm"]);
  assert.equal(await page.locator("script").count(), 1);
  // Served as application/wasm, so compiled while it streams: the glue says nothing.
  assert.deepEqual(problems, []);
});
