// A dashboard table with its CSV button: the columns say how a row shows and what goes
// in its CSV (raw numbers there: seconds, shares as 0–1, so a spreadsheet can sum them).

import type { ComponentChildren } from "preact";
import { csvText, saveCsv, type Cell } from "./csv";

export interface Column<T> {
  label: string;
  csv: (row: T) => Cell;
  show?: (row: T) => ComponentChildren; // default: the CSV value
  numeric?: boolean;
}

export function DataTable<T>(props: {
  title: string; file: string; testid: string; columns: Column<T>[]; rows: T[]; empty: string;
}) {
  const exportCsv = () => {
    const day = new Date().toISOString().slice(0, 10);
    saveCsv(`parley-${props.file}-${day}.csv`,
            csvText(props.columns.map((c) => c.label), props.rows.map((r) => props.columns.map((c) => c.csv(r)))));
  };
  return (
    <section class="dash-table" data-testid={props.testid} aria-label={props.title}>
      <div class="dash-table-head">
        <h3>{props.title}</h3>
        <button type="button" class="dash-csv" data-testid={`${props.testid}-csv`} onClick={exportCsv}
                disabled={props.rows.length === 0} aria-label={`Export ${props.title} as CSV`}>CSV</button>
      </div>
      {props.rows.length === 0 ? <p class="hint">{props.empty}</p> : (
        // Focusable, so a keyboard can scroll a long table (axe: scrollable-region-focusable).
        <div class="dash-scroll" tabIndex={0} role="region" aria-label={props.title}>
          <table>
            <thead>
              <tr>{props.columns.map((c) => <th key={c.label} scope="col" class={c.numeric ? "num" : ""}>{c.label}</th>)}</tr>
            </thead>
            <tbody>
              {props.rows.map((r, i) => (
                <tr key={i}>
                  {props.columns.map((c) => <td key={c.label} class={c.numeric ? "num" : ""}>{c.show ? c.show(r) : c.csv(r)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
