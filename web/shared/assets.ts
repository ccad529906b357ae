// Where a web-root file is served from. web/build.mjs gives every file a page fetches
// a content hash in its name (widget/app-3f2a….js) so the relay can let browsers keep
// it for a year (docs/operations.md "Caching"); the pages' own <script>/<link> tags are
// rewritten at build time, and what a script fetches by URL is looked up here: the
// build defines PARLEY_ASSETS as { "logical/path": "hashed/path" } (paths relative to
// the web root). Unbundled (tests, type checks) the map is absent and a name is itself.

declare const PARLEY_ASSETS: Record<string, string> | undefined;

/** The URL of the web-root file `logical` (e.g. "triage/default.ptm"), relative to
 *  `root`, the web root's URL. */
export function assetUrl(logical: string, root: string | URL): string {
  const names = typeof PARLEY_ASSETS === "undefined" ? undefined : PARLEY_ASSETS;
  return new URL((names && names[logical]) || logical, root).href;
}
