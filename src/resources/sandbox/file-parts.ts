/**
 * The multipart reader behind `readFiles`: the answer's parts, read within the client's response
 * cap, each matched to exactly one path that was asked for, or the answer is malformed.
 */
import { filesystemReadFiles } from "../../../generated/operations";
import { Leap0FilesMissingError, Leap0MalformedResponseError } from "../../core/errors";
import {
  backslashedFormName,
  boundaryOf,
  escapedFormName,
  MultipartError,
  parseMultipart,
  unescapedFormName,
} from "../../core/multipart";
import type { StreamedResponse } from "../../core/pipeline";
import { tooLarge } from "./file-read";
import { concat, type ProgressListener, report } from "./file-transfer";

/** The files of a `readFiles` answer, by the paths asked for; its body is read (or cancelled) here. */
export async function filesOfParts(
  res: StreamedResponse,
  paths: string[],
  limit: number,
  onProgress: ProgressListener | undefined,
): Promise<Record<string, Uint8Array>> {
  const op = filesystemReadFiles;
  const boundary = boundaryOf(res.headers.get("content-type"));
  if (!boundary) {
    await res.body.cancel().catch(() => {});
    throw new Leap0MalformedResponseError(
      `${op.name}: malformed response (HTTP ${res.status}): expected multipart/form-data with a boundary, got ${JSON.stringify(res.headers.get("content-type")?.slice(0, 100) ?? "no content type")}.`,
      { operation: op.name, status: res.status },
    );
  }
  const announced = Number(res.headers.get("content-length")) || undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit, res.status, op.name);
    }
    chunks.push(value);
    report(onProgress, size, announced);
  }
  let parts: ReturnType<typeof parseMultipart>;
  try {
    parts = parseMultipart(concat(chunks, size), boundary);
  } catch (e) {
    if (!(e instanceof MultipartError)) throw e;
    throw new Leap0MalformedResponseError(
      `${op.name}: malformed multipart response (HTTP ${res.status}): ${e.message}.`,
      { operation: op.name, status: res.status },
    );
  }
  // A part is matched to the path asked for under its name as it is on the wire, escaped
  // either way (WHATWG percent escapes or quoted-string backslashes), so a path holding a
  // quote, a backslash, CR or LF comes back under its own name whichever way the server
  // escaped it.
  const wanted = new Map<string, string>();
  for (const p of paths) {
    for (const form of [p, escapedFormName(p), backslashedFormName(p)]) if (!wanted.has(form)) wanted.set(form, p);
  }
  // Only the paths asked for, each once: a caller may write the answer to disk under these
  // names, so a part nobody asked for (`../../.ssh/authorized_keys`, `__proto__`) or a second
  // part for one path makes the whole answer malformed rather than a silent pick.
  const out: Record<string, Uint8Array> = Object.create(null);
  for (const part of parts) {
    const path = wanted.get(part.name);
    const why =
      path === undefined ? "a part nobody asked for" : Object.hasOwn(out, path) ? "a second part for" : undefined;
    if (why) {
      throw new Leap0MalformedResponseError(
        `${op.name}: malformed multipart response (HTTP ${res.status}): ${why} ${JSON.stringify(unescapedFormName(part.name).slice(0, 200))}; nothing of the answer is returned.`,
        { operation: op.name, status: res.status },
      );
    }
    out[path as string] = part.body;
  }
  const missing = [...new Set(paths)].filter((p) => !Object.hasOwn(out, p));
  if (missing.length) {
    throw new Leap0FilesMissingError(
      `${op.name}: ${missing.length} of the requested files did not come back: ${missing
        .slice(0, 10)
        .map((p) => JSON.stringify(p))
        .join(", ")}${missing.length > 10 ? ", …" : ""}.`,
      missing,
      out,
      { operation: op.name, status: res.status },
    );
  }
  return out;
}
