// Bundles the page into dist/: index.html, app.js (ES modules, so the SDK finds its
// .wasm with import.meta.url) and parley_core.wasm beside it. esbuild does not copy
// files named by `new URL("./x.wasm", import.meta.url)`, hence the copy; webpack 5 and
// Vite emit the file themselves.
//
//   node build.mjs        then serve dist/ (any static server)
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

mkdirSync(here("dist"), { recursive: true });
await build({
  entryPoints: [here("web/app.ts")],
  outdir: here("dist"),
  bundle: true,
  format: "esm",
  minify: true,
  logLevel: "info",
});
copyFileSync(here("web/index.html"), here("dist/index.html"));
copyFileSync(fileURLToPath(import.meta.resolve("@parley/sdk/parley_core.wasm")), here("dist/parley_core.wasm"));
