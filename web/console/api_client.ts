// The console as a client of the relay's HTTP API (docs/api.md, "The console's
// session"): a supervisor's own session token is the bearer, so the settings pages use
// the same routes, rules and audit trail as any integration. Errors come back as RFC
// 9457 problem documents; `ApiProblem` carries the status and the relay's sentence.

export class ApiProblem extends Error {
  constructor(readonly status: number, detail: string) {
    super(detail);
  }
}

/** Calls `method path` (path under the relay's web root, e.g. "api/v1/webhooks") with
 *  the session's token; resolves to the JSON answer (null for 204), rejects with an
 *  ApiProblem whose message is the relay's detail, or "the relay did not answer". */
export async function callApi<T>(base: string, token: string | null, method: string, path: string,
                                 body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let r: Response;
  try {
    r = await fetch(new URL(path, base).href, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
    });
  } catch {
    throw new ApiProblem(0, "The relay did not answer; check the connection and try again.");
  }
  if (r.status === 204) return null as T;
  const text = await r.text();
  let doc: { detail?: unknown } & Record<string, unknown> = {};
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    // not JSON: the status says enough
  }
  if (!r.ok) throw new ApiProblem(r.status, typeof doc.detail === "string" ? doc.detail : `HTTP ${r.status}`);
  return doc as unknown as T;
}
