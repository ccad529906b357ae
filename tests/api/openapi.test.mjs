// docs/openapi.json (issue 18): a valid OpenAPI 3.1 document (@readme/openapi-parser,
// a devDependency), and exactly the routes the relay serves — the relay prints its
// route table with `parley-relay --print-api-routes` (relay/api/routes.cpp).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { validate, compileErrors } from "@readme/openapi-parser";

const docPath = new URL("../../docs/openapi.json", import.meta.url);
const relay = process.env.PARLEY_RELAY_BIN;

test("docs/openapi.json is a valid OpenAPI 3.1 document", async () => {
  const doc = JSON.parse(readFileSync(docPath, "utf8"));
  assert.match(doc.openapi, /^3\.1\./);
  const result = await validate(doc);
  assert.ok(result.valid, result.valid ? "" : compileErrors(result));
});

test("docs/openapi.json lists exactly the routes the relay serves, with their scopes' methods", () => {
  assert.ok(relay, "set PARLEY_RELAY_BIN to the relay binary");
  const doc = JSON.parse(readFileSync(docPath, "utf8"));
  const documented = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of ["get", "post", "put", "patch", "delete"])
      if (item[method]) documented.push(`${method.toUpperCase()} ${path}`);
  const served = execFileSync(relay, ["--print-api-routes"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.split(" ").slice(0, 2).join(" "));
  assert.deepEqual([...documented].sort(), [...served].sort());
});

test("every route's scope is documented: an operation's security names it, else its method implies it (GET read, others write)", () => {
  const doc = JSON.parse(readFileSync(docPath, "utf8"));
  const lines = execFileSync(relay, ["--print-api-routes"], { encoding: "utf8" }).trim().split("\n");
  for (const line of lines) {
    const [method, path, scope] = line.split(" ");
    const op = doc.paths[path]?.[method.toLowerCase()];
    assert.ok(op, line);
    const named = op.security?.[0]?.apiKey?.[0];
    assert.equal(scope, named ?? (method === "GET" ? "read" : "write"), line);
  }
});
