/**
 * multipart/form-data, both directions, byte-exact, in a few dozen lines of our own.
 *
 * Sending: not `FormData`, because the WHATWG encoding it follows rewrites a lone CR or LF in a
 * part name to CRLF, so a path holding a newline would be written under another name. Our
 * encoder escapes `"`, CR and LF as `%22`, `%0D`, `%0A` one for one (what WHATWG parsers such as
 * undici's and browsers' decode), leaves everything else, non-ASCII included, as raw UTF-8, and
 * builds a `Blob` from the parts without copying them (so a retry re-sends the same bytes).
 *
 * Receiving: not `Response.formData()`, which reads a body of any size into memory with no
 * limit and hides how a name was escaped. Here the caller bounds the body, part bodies are
 * views of the bytes received (never decoded, never copied), and the name is kept as it was on
 * the wire so the caller can match it against what it asked for under either escaping
 * convention (WHATWG percent escapes, or RFC 7230 backslash escapes as Go's writer uses).
 */

/** One part of a multipart body. */
export interface Part {
  /** The `name` parameter of Content-Disposition exactly as on the wire, between its quotes. */
  name: string;
  /** The part's headers, lower-case names. */
  headers: Map<string, string>;
  /** The part's bytes, exactly as sent. */
  body: Uint8Array;
}

/** Why a multipart body could not be parsed; the caller turns it into its typed error. */
export class MultipartError extends Error {}

const CRLF = new Uint8Array([13, 10]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);
const utf8 = new TextEncoder();

/** The boundary from a `multipart/…; boundary=…` content type, or undefined. */
export function boundaryOf(contentType: string | null): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentType);
  if (!m) return undefined;
  const b = m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
  return b && b.length <= 200 ? b : undefined;
}

/** Index of `needle` in `hay` at or after `from`, or -1. */
function find(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0] as number;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Parses a whole multipart body. Throws {@link MultipartError} when it is not well formed. */
export function parseMultipart(bytes: Uint8Array, boundary: string): Part[] {
  const delimiter = utf8.encode(`--${boundary}`);
  const inner = utf8.encode(`\r\n--${boundary}`);
  // The first delimiter: at the very start, or after a preamble that ends with CRLF.
  let at = bytes.length >= delimiter.length && find(bytes.subarray(0, delimiter.length), delimiter, 0) === 0 ? 0 : -1;
  if (at === -1) {
    const i = find(bytes, inner, 0);
    if (i === -1) throw new MultipartError("no boundary line");
    at = i + 2;
  }
  const parts: Part[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  for (;;) {
    let p = at + delimiter.length;
    if (bytes[p] === 45 && bytes[p + 1] === 45) return parts; // "--": the close delimiter
    // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
    while (bytes[p] === 32 || bytes[p] === 9) p++;
    if (bytes[p] !== 13 || bytes[p + 1] !== 10) throw new MultipartError("a boundary line is not followed by CRLF");
    p += 2;
    let headerEnd: number;
    let bodyStart: number;
    if (bytes[p] === 13 && bytes[p + 1] === 10) {
      headerEnd = p; // no headers at all
      bodyStart = p + 2;
    } else {
      headerEnd = find(bytes, HEADER_END, p);
      if (headerEnd === -1) throw new MultipartError("a part's headers do not end");
      bodyStart = headerEnd + 4;
    }
    const next = find(bytes, inner, bodyStart);
    if (next === -1) throw new MultipartError("the body ends before its closing boundary");
    const headers = new Map<string, string>();
    const raw = decoder.decode(bytes.subarray(p, headerEnd));
    for (const line of raw ? raw.split("\r\n") : []) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new MultipartError("a part header has no name");
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get("content-disposition");
    if (!disposition) throw new MultipartError("a part has no Content-Disposition");
    const name = dispositionName(disposition);
    if (name === undefined) throw new MultipartError("a part has no name");
    parts.push({ name, headers, body: bytes.subarray(bodyStart, next) });
    at = next + 2;
  }
}

/** The raw `name` of a Content-Disposition value: the quoted string's content, escapes left as they are. */
function dispositionName(value: string): string | undefined {
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\[\s\S])*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    if ((m[1] as string).toLowerCase() === "name") return m[2] ?? (m[3] ?? "").trim();
  }
  return undefined;
}

/** A part name with the WHATWG escapes: `"`, CR and LF as `%22`, `%0D`, `%0A`, nothing else changed. */
export function escapedFormName(name: string): string {
  return name.replace(/[\r\n"]/g, (c) => (c === '"' ? "%22" : c === "\r" ? "%0D" : "%0A"));
}

/** A part name as an RFC 7230 quoted string's content: `\` and `"` backslash-escaped. */
export function backslashedFormName(name: string): string {
  return name.replace(/["\\]/g, "\\$&");
}

/** Undoes {@link escapedFormName} (for a part nobody asked for by name). */
export function unescapedFormName(raw: string): string {
  return raw.replace(/%(22|0D|0A)/gi, (s) => (s === "%22" ? '"' : s.toUpperCase() === "%0D" ? "\r" : "\n"));
}

/** True when `name` holds text a WHATWG parser would decode as an escape (`%22`, `%0D`, `%0A`). */
export function ambiguousFormName(name: string): boolean {
  return /%(22|0d|0a)/i.test(name);
}

/**
 * A multipart/form-data body of files: one part per entry, named by its key (see
 * {@link escapedFormName}), the bytes as they are. Returns the body and its Content-Type.
 */
export function encodeMultipart(entries: Iterable<[string, Uint8Array | Blob]>): { body: Blob; contentType: string } {
  const random = new Uint8Array(12);
  crypto.getRandomValues(random);
  const boundary = `leap0-${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const pieces: (Uint8Array | Blob)[] = [];
  for (const [name, content] of entries) {
    const escaped = escapedFormName(name);
    pieces.push(
      utf8.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="${escaped}"; filename="${escaped}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      CRLF,
    );
  }
  pieces.push(utf8.encode(`--${boundary}--\r\n`));
  return {
    body: new Blob(pieces as (Uint8Array<ArrayBuffer> | Blob)[]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
