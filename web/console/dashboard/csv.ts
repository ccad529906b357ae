// The dashboard's CSV export: what a table shows, as RFC 4180 text (CRLF lines, a
// header), saved by the browser under a name that says what and when. A field is quoted
// when it holds a comma, a quote or a line break, with its quotes doubled; a field that
// a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe,
// since agent names are typed by people (OWASP "CSV injection").

export type Cell = string | number;

function field(value: Cell): string {
  let text = typeof value === "number" ? String(value) : value;
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}

/** Saves `text` as `name` through a download link (no server round trip). */
export function saveCsv(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
