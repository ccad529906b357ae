// Attachments in a real browser (issue 17, docs/attachments.md): a visitor attaches an
// image with the widget's paperclip, the message shows the
// image as a preview; the agent's console shows the same preview and saves the file
// under its name; a file of a type the relay refuses gets the widget's own words; the
// agent sends a PDF from the console and the visitor saves it. A slow upload (the
// network throttled) shows its progress.
// Screenshots of the widget (desktop, 390 px phone) and the console; axe finds nothing
// serious in the widget with the file in it.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/attachments.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, WAIT, artifacts, axeFindings, launchChromium, relayFromEnv, tearDown } from "./support.mjs";

let relay, dataDir, browser;
const pages = {};
const pageErrors = [];

// A real 64×64 PNG (a colour swatch with a stripe), built here so the preview has
// something a browser decodes: signature, IHDR, IDAT (zlib), IEND, each with its CRC.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function swatchPng(size = 64) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const stripe = Math.abs(x - y) < 6;
      row.set(stripe ? [255, 255, 255] : [37, 99, 235], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "attachments", extra: ["--no-triage"] }));
  browser = await launchChromium();
  for (const who of ["visitor", "sam"]) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on("pageerror", (err) => pageErrors.push(`${who}: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(`${who} console: ${msg.text()}`);
    });
    pages[who] = page;
  }
});

after(() => tearDown({ pages: { "screen-attachments-console": pages.sam }, errors: pageErrors, browser, relay, dataDir }));

test("a visitor sends an image; both sides see its preview and the agent saves it", { timeout: 90_000 }, async (t) => {
  const { visitor, sam } = pages;
  const widget = () => visitor.frameLocator("[data-testid=parley-frame]");
  const png = swatchPng();

  await t.test("the visitor attaches an image after a first message", async () => {
    await visitor.goto(relay.url + "/");
    await visitor.locator("[data-testid=parley-launcher]").click();
    const composer = widget().locator("[data-testid=composer]");
    await composer.waitFor({ state: "visible" });
    await composer.fill("Here is the broken part");
    await widget().locator("[data-testid=send]").click();
    const attach = widget().locator("[data-testid=attach]");
    await attach.waitFor({ state: "visible" });
    assert.equal(await attach.getAttribute("aria-label"), "Attach a file");
    await widget().locator("[data-testid=attach]:not([disabled])").waitFor({ state: "visible" });
    await widget().locator("[data-testid=attach-file]").setInputFiles({ name: "swatch.png", mimeType: "image/png", buffer: png });
    const preview = widget().locator("[data-testid=file-preview]");
    await preview.waitFor({ state: "visible" });
    // The browser decoded the bytes the relay served back to the visitor's token.
    assert.equal(await preview.evaluate((img) => img.naturalWidth), 64);
    assert.equal(await preview.getAttribute("alt"), "swatch.png");
    const save = widget().locator("[data-testid=file-save]");
    assert.equal(await save.getAttribute("title"), "Download swatch.png");
    assert.match(await save.innerText(), /swatch\.png\s+\d+ B/);
    assert.equal(await widget().locator("[data-testid=upload-status]").innerText(), "", "progress cleared once sent");
  });

  await t.test("a file of a type the relay refuses gets the widget's words, and nothing is sent", async () => {
    await widget().locator("[data-testid=attach-file]").setInputFiles({
      name: "tools.zip", mimeType: "application/zip", buffer: Buffer.from("PK\x03\x04 not allowed", "latin1"),
    });
    const error = widget().locator("#composer-error");
    await error.waitFor({ state: "visible" });
    assert.equal(await error.innerText(), "This kind of file can't be sent: images, PDF or text only.");
    assert.equal(await widget().locator("[data-testid=file]").count(), 1);
  });

  await t.test("a slow upload shows its progress, then the file", async () => {
    // 40 KB of text through a link of 16 KB/s: a few seconds of "Sending … N %".
    const cdp = await visitor.context().newCDPSession(visitor);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1,
                                                         uploadThroughput: 16 * 1024 });
    const notes = Buffer.from("Order 4711, serial numbers and notes. ".repeat(1100), "utf8");
    await widget().locator("[data-testid=attach-file]").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: notes });
    const status = widget().locator("[data-testid=upload-status]");
    await widget().locator("[data-testid=upload-status]", { hasText: /^Sending notes\.txt… \d+ %$/ }).waitFor({ state: "visible" });
    await widget().locator("[data-testid=file-save]", { hasText: "notes.txt" }).waitFor({ state: "visible" });
    assert.equal(await status.innerText(), "", "progress cleared once sent");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  });

  await t.test("the widget with a file in it: screenshots and axe", async () => {
    const frame = visitor.frames().find((f) => f.url().includes("/widget/"));
    assert.deepEqual(await axeFindings(frame), []);
    await widget().locator("[data-testid=file-preview]").scrollIntoViewIfNeeded();
    await visitor.screenshot({ path: join(artifacts, "screen-attachments-widget-desktop.png") });
    await visitor.setViewportSize({ width: 390, height: 844 });
    await widget().locator("[data-testid=file-preview]").scrollIntoViewIfNeeded();
    await visitor.screenshot({ path: join(artifacts, "screen-attachments-widget-phone.png") });
  });

  await t.test("the agent's console previews the image and saves the file under its name", async () => {
    await sam.goto(relay.url + "/console/");
    await sam.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await sam.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await sam.locator("[data-testid=login-submit]").click();
    const item = sam.locator("[data-testid=inbox-item]").first();
    await item.waitFor({ state: "visible" });
    await item.click();
    const preview = sam.locator("[data-testid=file-preview]");
    await preview.waitFor({ state: "visible" });
    assert.equal(await preview.evaluate((img) => img.naturalWidth), 64);
    const [download] = await Promise.all([sam.waitForEvent("download"),
      sam.locator("[data-testid=file-save]", { hasText: "swatch.png" }).click()]);
    assert.equal(download.suggestedFilename(), "swatch.png");
    const saved = await download.createReadStream();
    const bytes = [];
    for await (const piece of saved) bytes.push(piece);
    assert.ok(Buffer.concat(bytes).equals(png), "the saved file is the uploaded one, byte for byte");
  });

  await t.test("the agent sends a PDF from the console; the visitor's widget offers it and saves it", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% the invoice\n%%EOF\n", "latin1");
    await sam.locator("[data-testid=attach-file]").setInputFiles({ name: "invoice.pdf", mimeType: "application/pdf", buffer: pdf });
    await sam.locator("[data-testid=file-save]", { hasText: "invoice.pdf" }).waitFor({ state: "visible" });
    assert.equal(await sam.locator("[data-testid=upload-status]").innerText(), "");
    const save = widget().locator("[data-testid=file-save]", { hasText: "invoice.pdf" });
    await save.waitFor({ state: "visible" });
    const [download] = await Promise.all([visitor.waitForEvent("download"), save.click()]);
    assert.equal(download.suggestedFilename(), "invoice.pdf");
  });

  assert.deepEqual(pageErrors, []);
});
