// Attachments over the relay's HTTP side (issue 17, docs/attachments.md), shared by the
// widget and the console: an upload with its progress, and a file read back as a Blob.
// Both carry the chat's own bearer token (the connection's `welcome` token), never a
// cookie, and only to the relay's own origin (the pages' CSP: connect-src 'self').
// XMLHttpRequest for the upload: fetch() reports no upload progress.

export interface Uploaded {
  id: string;
  name: string;
  mime: string;
  size: number;
}

/** Why an upload failed: the relay's status (413 too large, 415 not an accepted type,
 *  429 a visitor's daily quota, 0 no answer) and its problem document's detail. */
export class UploadError extends Error {
  constructor(readonly status: number, detail: string) {
    super(detail);
  }
}

/** Uploads `file` to the conversation; `progress` gets 0–1 as the bytes go out. */
export function uploadFile(base: string, token: string, conv: string, file: File,
                           progress: (done: number) => void): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const url = `${base}attachments?conv=${encodeURIComponent(conv)}&name=${encodeURIComponent(file.name)}`;
    xhr.open("POST", url);
    xhr.setRequestHeader("Authorization", "Bearer " + token);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) progress(ev.loaded / ev.total);
    };
    xhr.onload = () => {
      let doc: Record<string, unknown> = {};
      try {
        doc = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status says enough
      }
      if (xhr.status === 201) resolve(doc as unknown as Uploaded);
      else reject(new UploadError(xhr.status, typeof doc.detail === "string" ? doc.detail : xhr.statusText));
    };
    xhr.onerror = () => reject(new UploadError(0, "no answer"));
    xhr.send(file);
  });
}

/** What a page needs to show files: read one by id. */
export interface FileSource {
  read(id: string): Promise<Blob>;
}

/** A FileSource reading from the relay at `base` with the token `token()` gives now
 *  (null: not welcomed yet, the read fails). */
export function relayFiles(base: string, token: () => string | null): FileSource {
  return {
    async read(id: string): Promise<Blob> {
      const t = token();
      if (!t) throw new Error("not connected");
      const r = await fetch(`${base}attachments/${encodeURIComponent(id)}`, { headers: { Authorization: "Bearer " + t } });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.blob();
    },
  };
}

/** "12 KB", "3.4 MB": a size as people read it. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
