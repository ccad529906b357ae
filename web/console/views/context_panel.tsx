// The customer context sidebar (issue 17): who the visitor is and whether the site
// vouched for it, their e-mail and attributes, the page they are on, their device, their
// past conversations (each opens read-only), intent tags and CSAT history.
//
// Everything shown came from the visitor or their browser (names, attributes, page
// titles, the User-Agent): Preact writes it as text, never as HTML; the page address is a
// link only when it is http(s), and opens without an opener or referrer.
import type { ComponentChildren } from "preact";
import type { ConversationSummary, PastConversation } from "../../../wasm/src/types";
import { describeDevice } from "./device";
import { cleanName } from "../../shared/names";
import { intentLabel } from "../tags";

export interface ContextPanelProps {
  summary: ConversationSummary;
  /** The visitor's conversations (newest first, this one included); null while asked. */
  past: PastConversation[] | null;
  now: number;
  onOpenPast: (conv: string) => void;
  onClose: () => void;
}

function ago(ts: number, now: number): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ts).toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" });
}

function day(ts: number): string {
  return new Date(ts).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

function Stars({ score }: { score: number }) {
  return (
    <span class="stars" role="img" aria-label={`${score} out of 5`} data-score={score}>
      {"★★★★★".slice(0, score)}
      <span class="stars-off">{"★★★★★".slice(score)}</span>
    </span>
  );
}

function Section({ title, children, testid }: { title: string; children: ComponentChildren; testid: string }) {
  return (
    <section class="ctx-section" data-testid={testid}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const KIND_LABEL: Record<string, string> = { desktop: "Desktop", mobile: "Phone", tablet: "Tablet", tv: "TV", bot: "Bot" };

export function ContextPanel({ summary: s, past, now, onOpenPast, onClose }: ContextPanelProps) {
  const c = s.contact;
  // Names are what visitors typed: bidi controls removed, shown isolated (shared/names.ts).
  const name = cleanName(c?.name || s.visitor.name || "").trim() || "Anonymous visitor";
  const device = describeDevice(s.user_agent);
  const href = s.page ? safeHref(s.page.url) : undefined;
  const others = (past || []).filter((p) => p.conv !== s.conv);
  const rated = (past || []).filter((p) => p.csat);
  const average = rated.length ? rated.reduce((n, p) => n + (p.csat || 0), 0) / rated.length : 0;
  const intents = Array.from(new Set([s.intent, ...(past || []).map((p) => p.intent)].filter((x): x is string => !!x)));
  const attrs = Object.entries(c?.attributes || {});

  return (
    <div class="ctx">
      <div class="ctx-head">
        <div class="ctx-who">
          <bdi class="ctx-name" data-testid="ctx-name">{name}</bdi>
          {c ? (
            c.verified ? (
              <span class="ctx-badge verified" data-testid="ctx-verified" title="The site's server vouched for this user id">
                <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3.5 8.5l3 3 6-7" /></svg> Verified
              </span>
            ) : (
              <span class="ctx-badge unverified" data-testid="ctx-unverified" title="Claimed by the visitor's page, not vouched for">
                Unverified
              </span>
            )
          ) : (
            <span class="ctx-badge anonymous" data-testid="ctx-anonymous">Not identified</span>
          )}
        </div>
        <button type="button" class="ctx-close" onClick={onClose} aria-label="Close customer details">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
        </button>
      </div>

      {c && (
        <Section title="Contact" testid="ctx-contact">
          <dl class="ctx-facts">
            <dt>User ID</dt>
            <dd data-testid="ctx-user-id">{c.user_id}</dd>
            {c.email && (
              <>
                <dt>E-mail</dt>
                <dd data-testid="ctx-email">
                  {c.email}
                  {!c.email_verified && <em class="ctx-unverified-note"> (unverified)</em>}
                </dd>
              </>
            )}
            {attrs.map(([k, v]) => (
              <>
                <dt>{k.replace(/[_.]/g, " ")}</dt>
                <dd data-testid="ctx-attribute" data-key={k}>{v}</dd>
              </>
            ))}
          </dl>
        </Section>
      )}

      <Section title="Current page" testid="ctx-page">
        {s.page ? (
          <div class="ctx-page">
            <span class="ctx-page-title" data-testid="ctx-page-title">{s.page.title || s.page.url}</span>
            {href ? (
              <a class="ctx-page-url" data-testid="ctx-page-url" href={href} target="_blank" rel="noopener noreferrer">
                {s.page.url}
              </a>
            ) : (
              <span class="ctx-page-url" data-testid="ctx-page-url">{s.page.url}</span>
            )}
            <span class="ctx-muted">{ago(s.page.ts, now)}</span>
          </div>
        ) : (
          <p class="ctx-muted">Not reported by the widget.</p>
        )}
      </Section>

      <Section title="Device" testid="ctx-device">
        {device && (device.browser || device.os) ? (
          <p class="ctx-device" title={s.user_agent}>
            <span data-testid="ctx-browser">{device.browser || "Unknown browser"}</span>
            {device.os && <> · <span data-testid="ctx-os">{device.os}</span></>}
            {device.kind && <span class="ctx-chip">{KIND_LABEL[device.kind] || device.kind}</span>}
          </p>
        ) : (
          <p class="ctx-muted">Unknown</p>
        )}
      </Section>

      {intents.length > 0 && (
        <Section title="Intent tags" testid="ctx-intents">
          <div class="ctx-tags">
            {intents.map((i) => (
              <span class={"tag intent" + (i === "oos" ? " oos" : "")} data-intent={i}>{intentLabel(i)}</span>
            ))}
          </div>
        </Section>
      )}

      <Section title="Satisfaction" testid="ctx-csat">
        {past === null ? (
          <p class="ctx-muted">Loading…</p>
        ) : rated.length ? (
          <>
            <p class="ctx-csat-avg">
              <Stars score={Math.round(average)} /> <strong>{average.toFixed(1)}</strong>
              <span class="ctx-muted"> from {rated.length} rating{rated.length > 1 ? "s" : ""}</span>
            </p>
            <ul class="ctx-csat-list">
              {rated.map((p) => (
                <li data-testid="ctx-csat-item">
                  <Stars score={p.csat || 0} /> <span class="ctx-muted">{day(p.updated)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p class="ctx-muted">No ratings yet.</p>
        )}
      </Section>

      <Section title={`Past conversations${others.length ? ` (${others.length})` : ""}`} testid="ctx-past">
        {past === null ? (
          <p class="ctx-muted">Loading…</p>
        ) : others.length ? (
          <ul class="ctx-past">
            {others.map((p) => (
              <li>
                <button type="button" class="ctx-past-item" data-testid="ctx-past-item" data-conv={p.conv}
                        onClick={() => onOpenPast(p.conv)}>
                  <span class="ctx-past-top">
                    <span class="ctx-past-date">{day(p.updated)}</span>
                    <span class={"ctx-pill " + (p.status === "closed" ? "closed" : "open")}>{p.status}</span>
                    {p.csat ? <Stars score={p.csat} /> : null}
                  </span>
                  <span class="ctx-past-text">{p.last_text || "No messages"}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p class="ctx-muted">First conversation with this customer.</p>
        )}
      </Section>
    </div>
  );
}
