/**
 * Byte-exactness of sandbox.filesystem against a real local server on 127.0.0.1 that keeps
 * files in memory and speaks the contract's wire formats (octet-stream both ways, offset/limit
 * and head/tail, multipart both ways). Prism cannot check bytes (it reads bodies as UTF-8 text)
 * nor mock a multipart answer, so this server is where those promises are proven.
 */
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  Leap0AbortError,
  Leap0Client,
  Leap0ConnectionError,
  Leap0Error,
  Leap0FileChangedError,
  Leap0FilesMissingError,
  Leap0FileTooLargeError,
  Leap0MalformedResponseError,
  Leap0NotFoundError,
  Leap0ResponseTooLargeError,
  Leap0ValidationError,
  MAX_BUFFERED_READ_BYTES,
  type TransferProgress,
} from "../src";
import { TRANSPORT, transportFetch } from "./support/helpers";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MiB = 1024 * 1024;

interface StoredFile {
  bytes: Uint8Array;
  mtime: number;
  permissions?: string;
}

interface Seen {
  path: string;
  query: URLSearchParams;
  json?: Record<string, unknown>;
  bytes: number;
}

const files = new Map<string, StoredFile>();
const seen: Seen[] = [];
/** How read-files names its parts: as FormData does (%22) or with backslash escapes (RFC 7230). */
let nameStyle: "whatwg" | "backslash" = "whatwg";
/** Runs after each read-file range is answered (to change the file underneath a ranged read). */
let afterRange: ((n: number) => void) | undefined;
/** How many read-file answers to break off halfway through their body. */
let breakReads = 0;
/** When set, read-file answers hold back their second half until a stat comes (at most 2 s). */
let holdForStat: { seen: boolean } | undefined;
let statCame: (() => void) | undefined;
/** Milliseconds a stat answer is held back. */
let statDelay = 0;
/** A size for stat to claim instead of the file's own (a server that lies about it). */
let claimSize: number | undefined;
/** Told, when a stat's connection closes, whether it closed before the answer was sent. */
let onStatClose: ((cut: boolean) => void) | undefined;
/** The read-file request (1-based) that is never answered, and whether its connection closed. */
let hangRange: { n: number; closed: boolean } | undefined;
/** Parts a hostile read-files answer adds to what was asked for. */
let extraParts: [string, Uint8Array][] = [];
/** A success answer to read-file that is not the file (a proxy's page, a JSON error sent with 200). */
let readFileAs: { type: string; body: string } | undefined;
let server: Server;
let url = "";

/** The request body; undefined when the client went away before sending all of it. */
function readAll(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
  });
}

function lines(bytes: Uint8Array, head?: number, tail?: number): Uint8Array {
  const ends: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) ends.push(i + 1);
  if (ends[ends.length - 1] !== bytes.length) ends.push(bytes.length);
  if (head !== undefined) return bytes.subarray(0, head === 0 ? 0 : (ends[head - 1] ?? bytes.length));
  if (tail !== undefined) {
    const from = ends.length - tail - 1;
    return bytes.subarray(tail === 0 ? bytes.length : from < 0 ? 0 : (ends[from] as number));
  }
  return bytes;
}

/**
 * A read-files answer, names escaped as a careful server would: WHATWG percent escapes one for
 * one (FormData itself would turn a lone CR or LF into CRLF), or RFC 7230 backslashes.
 */
function multipartAnswer(parts: [string, Uint8Array][], style: "whatwg" | "backslash"): { body: Buffer; type: string } {
  const b = "leap0-test-boundary-7d1c";
  const chunks: Buffer[] = [];
  for (const [name, bytes] of parts) {
    const quoted =
      style === "whatwg"
        ? name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")
        : name.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
    chunks.push(
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${quoted}"; filename="${quoted}"\r\n\r\n`),
      Buffer.from(bytes),
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${b}` };
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const op = u.pathname.replace(/^\/v1\/sandbox\/[^/]+\/filesystem\//, "");
    const body = await readAll(req);
    if (!body) return; // an aborted upload writes nothing
    const json = /json/.test(req.headers["content-type"] ?? "") ? JSON.parse(body.toString("utf8")) : undefined;
    seen.push({ path: op, query: u.searchParams, json, bytes: body.length });
    const notFound = () => {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "file not found" }));
    };
    if (op === "write-file") {
      const p = u.searchParams.get("path") ?? "";
      const perm = u.searchParams.get("permissions") ?? undefined;
      files.set(p, { bytes: new Uint8Array(body), mtime: 1_700_000_000, permissions: perm });
      res.writeHead(204).end();
    } else if (op === "write-files") {
      // An independent parser (undici's, WHATWG rules) reads what the SDK sent.
      const form = await new Response(new Uint8Array(body), {
        headers: { "content-type": req.headers["content-type"] ?? "" },
      }).formData();
      for (const [name, value] of form) {
        files.set(name, { bytes: new Uint8Array(await (value as Blob).arrayBuffer()), mtime: 1_700_000_000 });
      }
      res.writeHead(204).end();
    } else if (op === "stat") {
      res.on("close", () => onStatClose?.(!res.writableEnded));
      statCame?.();
      if (statDelay) await new Promise((r) => setTimeout(r, statDelay));
      const f = files.get(json.path);
      if (!f) return notFound();
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          name: json.path.split("/").pop(),
          path: json.path,
          is_dir: false,
          size: claimSize ?? f.bytes.length,
          mode: f.permissions ?? "644",
          mtime: f.mtime,
          owner: "user",
          group: "user",
          is_symlink: false,
        }),
      );
    } else if (op === "read-file") {
      if (readFileAs) return res.writeHead(200, { "content-type": readFileAs.type }).end(readFileAs.body);
      const f = files.get(json.path);
      if (!f) return notFound();
      let out = lines(f.bytes, json.head, json.tail);
      const offset = json.offset ?? 0;
      out = out.subarray(Math.min(offset, out.length));
      if (json.limit !== undefined) out = out.subarray(0, json.limit);
      const n = seen.filter((s) => s.path === "read-file").length;
      if (hangRange?.n === n) {
        const hang = hangRange;
        res.on("close", () => {
          hang.closed = true;
        });
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": out.length });
      if (breakReads > 0) {
        breakReads--;
        res.write(out.subarray(0, out.length >> 1), () => res.destroy());
        return;
      }
      // In 1 MiB writes, as a real server streams; backpressure keeps its memory bounded too.
      for (let at = 0; at < out.length; at += MiB) {
        if (holdForStat && at === MiB) {
          const hold = holdForStat;
          await new Promise<void>((r) => {
            const t = setTimeout(r, 2000);
            statCame = () => {
              hold.seen = true;
              clearTimeout(t);
              r();
            };
          });
          statCame = undefined;
        }
        if (!res.write(out.subarray(at, at + MiB))) await new Promise((r) => res.once("drain", r));
        if (res.destroyed) return;
      }
      res.end();
      afterRange?.(n);
    } else if (op === "read-files") {
      const present = (json.paths as string[]).filter((p) => files.has(p));
      const parts = present.map((p) => [p, (files.get(p) as StoredFile).bytes] as [string, Uint8Array]);
      const { body: b, type } = multipartAnswer([...parts, ...extraParts], nameStyle);
      res.writeHead(200, { "content-type": type }).end(b);
    } else {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

// A connection a failed test left open must not hold the file up to the hook's timeout.
afterAll(() => new Promise<void>((r) => server.close(() => r()).closeAllConnections()));

beforeEach(() => {
  files.clear();
  seen.length = 0;
  nameStyle = "whatwg";
  afterRange = undefined;
  breakReads = 0;
  holdForStat = undefined;
  statCame = undefined;
  statDelay = 0;
  claimSize = undefined;
  onStatClose = undefined;
  hangRange = undefined;
  extraParts = [];
  readFileAs = undefined;
});

function fs(options: { maxRetries?: number; fetch?: typeof fetch; maxResponseBytes?: number } = {}) {
  const client = new Leap0Client({
    apiKey: "sk-bytes-test-0123456789abcdef",
    baseUrl: url,
    fetch: transportFetch,
    ...options,
  });
  // A handle over a known id: no request is needed to reach its filesystem.
  return client.sandboxes.connect("sbx-bytes").filesystem;
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const BOM_TEXT = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]); // BOM + "hi"
const INVALID_UTF8 = new Uint8Array([0x61, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0x62]);

function pattern(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function drain(stream: ReadableStream<Uint8Array>): Promise<{ hash: string; size: number; chunks: number }> {
  const h = createHash("sha256");
  let size = 0;
  let chunks = 0;
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) {
    h.update(c);
    size += c.byteLength;
    chunks++;
  }
  return { hash: h.digest("hex"), size, chunks };
}

describe("single file, byte for byte", () => {
  test.each([
    ["all 256 byte values", ALL_BYTES],
    ["a byte-order mark", BOM_TEXT],
    ["an empty file", new Uint8Array(0)],
    ["invalid UTF-8", INVALID_UTF8],
  ])("%s: writeBytes → server → readBytes / blob / stream are identical", async (_, bytes) => {
    const f = fs();
    await f.writeBytes("/w/file.bin", bytes);
    expect(Buffer.from(files.get("/w/file.bin")?.bytes ?? []).equals(Buffer.from(bytes))).toBe(true);
    expect(await f.readBytes("/w/file.bin")).toEqual(bytes);
    const blob = await f.readFile("/w/file.bin", { format: "blob" });
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
    const streamed = await drain(await f.readFile("/w/file.bin", { format: "stream" }));
    expect(streamed).toMatchObject({ hash: sha(bytes), size: bytes.length });
  });

  test("every content type writes the same bytes: string, Uint8Array, ArrayBuffer, Blob, ReadableStream, AsyncIterable", async () => {
    const f = fs();
    const text = "héllo\u{1F600}\r\n\0end";
    const bytes = new TextEncoder().encode(text);
    await f.writeFile("/s", text);
    await f.writeFile("/u", bytes);
    await f.writeFile("/a", bytes.slice().buffer);
    await f.writeFile("/b", new Blob([bytes]));
    await f.writeFile("/r", new Blob([bytes]).stream());
    await f.writeFile(
      "/i",
      (async function* () {
        yield bytes.subarray(0, 3);
        yield bytes.subarray(3);
      })(),
    );
    for (const p of ["/s", "/u", "/a", "/b", "/r", "/i"]) expect([p, files.get(p)?.bytes]).toEqual([p, bytes]);
  });

  test("text keeps a byte-order mark, replaces invalid UTF-8, and honours encoding", async () => {
    const f = fs();
    files.set("/bom", { bytes: BOM_TEXT, mtime: 1 });
    files.set("/bad", { bytes: INVALID_UTF8, mtime: 1 });
    files.set("/latin1", { bytes: new Uint8Array([0x63, 0x61, 0x66, 0xe9]), mtime: 1 });
    files.set("/empty", { bytes: new Uint8Array(0), mtime: 1 });
    expect(await f.readFile("/bom")).toBe("\uFEFFhi");
    expect(await f.readFile("/bad")).toBe("a\uFFFD\uFFFD\uFFFD(\uFFFDb");
    expect(await f.readFile("/latin1", { encoding: "latin1" })).toBe("café");
    expect(await f.readFile("/empty")).toBe("");
    await expect(f.readFile("/bom", { encoding: "no-such-encoding" })).rejects.toBeInstanceOf(Leap0ValidationError);
  });

  test("permissions as '644', '0755' or 0o644 reach the query; a bad mode is refused before sending", async () => {
    const f = fs();
    await f.writeFile("/p1", "x", { permissions: "644" });
    await f.writeFile("/p2", "x", { permissions: "0755" });
    await f.writeFile("/p3", "x", { permissions: 0o640 });
    expect(seen.map((s) => s.query.get("permissions"))).toEqual(["644", "0755", "640"]);
    await expect(f.writeFile("/p4", "x", { permissions: "rwx" })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(f.writeFile("/p4", "x", { permissions: 0o10000 })).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(seen).toHaveLength(3);
  });

  test("head, tail, offset and limit read what the contract says", async () => {
    const f = fs();
    files.set("/log", { bytes: new TextEncoder().encode("one\ntwo\nthree\nfour\n"), mtime: 1 });
    expect(await f.readFile("/log", { head: 2 })).toBe("one\ntwo\n");
    expect(await f.readFile("/log", { tail: 1 })).toBe("four\n");
    expect(await f.readFile("/log", { offset: 4, limit: 3 })).toBe("two");
    await expect(f.readFile("/log", { head: 1, tail: 1 })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(f.readFile("/nope")).rejects.toBeInstanceOf(Leap0NotFoundError);
    await expect(f.readFile("/nope", { format: "stream" })).rejects.toBeInstanceOf(Leap0NotFoundError);
  });
});

describe("large files: ranges, bounded memory, change detection", () => {
  test("a 50 MiB streamed download is byte-exact, fetched in 10 MiB ranges, with progress to the end", async () => {
    const f = fs();
    const big = pattern(50 * MiB);
    files.set("/big", { bytes: big, mtime: 1_700_000_000 });
    const events: TransferProgress[] = [];
    const stream = await f.readFile("/big", { format: "stream", onProgress: (p) => events.push(p) });
    const got = await drain(stream);
    expect(got.size).toBe(50 * MiB);
    expect(got.hash).toBe(sha(big));
    const ranges = seen.filter((s) => s.path === "read-file").map((s) => [s.json?.offset ?? 0, s.json?.limit]);
    expect(ranges).toEqual(Array.from({ length: 5 }, (_, i) => [i * 10 * MiB, 10 * MiB]));
    // One stat alongside the first range, one after the last.
    expect(seen.filter((s) => s.path === "stat")).toHaveLength(2);
    expect(events.at(-1)).toEqual({ loaded: 50 * MiB, total: 50 * MiB });
    for (let i = 1; i < events.length; i++) {
      expect((events[i] as TransferProgress).loaded).toBeGreaterThan((events[i - 1] as TransferProgress).loaded);
    }
  });

  test("a file that exactly fills one range: one read, and one stat sent while it downloads (it alone says the file ends there)", async () => {
    const f = fs();
    const file = pattern(10 * MiB);
    files.set("/ten", { bytes: file, mtime: 2 });
    for (const format of ["bytes", "stream"] as const) {
      seen.length = 0;
      holdForStat = { seen: false };
      const events: TransferProgress[] = [];
      const got = await f.readFile("/ten", { format, onProgress: (p) => events.push(p) });
      const bytes =
        got instanceof ReadableStream ? new Uint8Array(await new Response(got).arrayBuffer()) : (got as Uint8Array);
      expect(sha(bytes)).toBe(sha(file));
      // The server held the range's second half back until the stat came: it came mid-download.
      expect(holdForStat.seen).toBe(true);
      expect(seen.map((s) => s.path).sort()).toEqual(["read-file", "stat"]);
      expect(events.at(-1)).toEqual({ loaded: 10 * MiB, total: 10 * MiB });
    }
    // A smaller file answers short of its range: no stat at all.
    seen.length = 0;
    files.set("/small", { bytes: pattern(MiB), mtime: 2 });
    expect((await f.readBytes("/small")).byteLength).toBe(MiB);
    expect(seen.map((s) => s.path)).toEqual(["read-file"]);
  });

  test("a buffered read of a 17 MiB file (over one response) is byte-exact, and text never splits a character at a range edge", async () => {
    const f = fs();
    const big = pattern(17 * MiB);
    files.set("/big.bin", { bytes: big, mtime: 5 });
    expect(sha(await f.readBytes("/big.bin"))).toBe(sha(big));
    // "€" (3 bytes) straddles the 10 MiB range boundary.
    const text = `${"a".repeat(10 * MiB - 1)}€${"b".repeat(100)}`;
    files.set("/big.txt", { bytes: new TextEncoder().encode(text), mtime: 5 });
    const back = await f.readFile("/big.txt");
    expect(back.length).toBe(text.length);
    expect(back === text).toBe(true);
  });

  test("a client with a smaller maxResponseBytes reads in ranges that fit it", async () => {
    const f = fs({ maxResponseBytes: MiB });
    const file = pattern(3.5 * MiB);
    files.set("/mid", { bytes: file, mtime: 3 });
    expect(sha(await f.readBytes("/mid"))).toBe(sha(file));
    expect(seen.filter((s) => s.path === "read-file").map((s) => s.json?.limit)).toEqual([MiB, MiB, MiB, MiB / 2]);
  });

  test("a buffered read whose connection breaks mid-range asks for that range again (maxRetries); a stream does not", async () => {
    const file = pattern(3 * MiB);
    files.set("/flaky", { bytes: file, mtime: 1 });
    breakReads = 1;
    expect(sha(await fs().readBytes("/flaky"))).toBe(sha(file));
    expect(seen.filter((s) => s.path === "read-file")).toHaveLength(2);
    breakReads = 1;
    await expect(fs({ maxRetries: 0 }).readBytes("/flaky")).rejects.toBeInstanceOf(Leap0ConnectionError);
    breakReads = 1;
    const stream = await fs().readFile("/flaky", { format: "stream" });
    await expect(drain(stream)).rejects.toBeInstanceOf(Leap0ConnectionError);
  });

  test("a buffered read holds at most maxBytes (256 MiB by default): a larger file is refused once its size is known, nothing more fetched", async () => {
    const f = fs();
    const file = pattern(25 * MiB);
    files.set("/big", { bytes: file, mtime: 4 });
    const reads = () => seen.filter((s) => s.path === "read-file").length;
    // The first range (10 MiB) fits; the stat says 25 MiB: refused before the second range.
    for (const format of ["bytes", "text", "blob"] as const) {
      seen.length = 0;
      const error = await f.readFile("/big", { format, maxBytes: 12 * MiB }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Leap0FileTooLargeError);
      // A bound the caller chose, not a malformed answer.
      expect(error).not.toBeInstanceOf(Leap0MalformedResponseError);
      expect(error).toMatchObject({ path: "/big", size: 25 * MiB, limit: 12 * MiB });
      expect((error as Error).message).toContain('format: "stream"');
      expect(reads()).toBe(1);
    }
    // With offset/limit, size is what the read would bring, not the whole file.
    seen.length = 0;
    const part = await f
      .readBytes("/big", { offset: MiB, limit: 20 * MiB, maxBytes: 12 * MiB })
      .catch((e: unknown) => e);
    expect(part).toMatchObject({ name: "Leap0FileTooLargeError", size: 20 * MiB, limit: 12 * MiB });
    // A limit inside the first range stops that range as soon as it is passed, and the stat the
    // full range set off is ended with the read, not left running.
    seen.length = 0;
    statDelay = 1000;
    const statCut = new Promise<boolean>((r) => {
      onStatClose = r;
    });
    const early = await f.readBytes("/big", { maxBytes: 5 * MiB }).catch((e: unknown) => e);
    expect(early).toMatchObject({ name: "Leap0FileTooLargeError", limit: 5 * MiB });
    expect(reads()).toBe(1);
    expect(await statCut).toBe(true);
    statDelay = 0;
    // The default bounds memory against a server that claims a huge file: 300 MiB > 256 MiB.
    seen.length = 0;
    claimSize = 300 * MiB;
    await expect(f.readBytes("/big")).rejects.toMatchObject({
      name: "Leap0FileTooLargeError",
      size: 300 * MiB,
      limit: MAX_BUFFERED_READ_BYTES,
    });
    expect(reads()).toBe(1);
    claimSize = undefined;
    // Infinity lifts the bound; a stream holds nothing and ignores it; an exact fit passes.
    expect(sha(await f.readBytes("/big", { maxBytes: Number.POSITIVE_INFINITY }))).toBe(sha(file));
    expect(sha(await f.readBytes("/big", { maxBytes: 25 * MiB }))).toBe(sha(file));
    expect((await drain(await f.readFile("/big", { format: "stream", maxBytes: 1 }))).hash).toBe(sha(file));
    // A bad bound is refused before anything is sent.
    seen.length = 0;
    for (const bad of [-1, 1.5, Number.NaN, "10" as unknown as number]) {
      await expect(f.readBytes("/big", { maxBytes: bad })).rejects.toBeInstanceOf(Leap0ValidationError);
    }
    expect(seen).toHaveLength(0);
  });

  test("head/tail answers are held to maxResponseBytes too", async () => {
    files.set("/lines", { bytes: new Uint8Array(3 * MiB).fill(65), mtime: 1 });
    await expect(fs({ maxResponseBytes: MiB }).readBytes("/lines", { head: 1 })).rejects.toBeInstanceOf(
      Leap0ResponseTooLargeError,
    );
  });

  test("a file that changes between ranges fails with Leap0FileChangedError (size, or mtime alone)", async () => {
    const f = fs();
    files.set("/grow", { bytes: pattern(30 * MiB), mtime: 10 });
    afterRange = (n) => {
      if (n === 2) files.set("/grow", { bytes: pattern(31 * MiB), mtime: 11 });
    };
    const error = await f.readBytes("/grow").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Leap0FileChangedError);
    expect((error as Leap0FileChangedError).path).toBe("/grow");

    seen.length = 0;
    files.set("/touch", { bytes: pattern(30 * MiB), mtime: 10 });
    afterRange = (n) => {
      const file = files.get("/touch");
      if (n === 2 && file) file.mtime = 12;
    };
    const stream = await f.readFile("/touch", { format: "stream" });
    await expect(drain(stream)).rejects.toBeInstanceOf(Leap0FileChangedError);
  });

  test("cancel: aborting the signal mid-stream ends it with Leap0AbortError and no further range is asked for", async () => {
    const f = fs();
    files.set("/big", { bytes: pattern(30 * MiB), mtime: 1 });
    const ctl = new AbortController();
    const stream = await f.readFile("/big", { format: "stream" }, { signal: ctl.signal });
    const reader = stream.getReader();
    let got = 0;
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        got += value.byteLength;
        if (got > 2 * MiB) ctl.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Leap0AbortError);
    expect(got).toBeLessThan(8 * MiB);
    expect(seen.filter((s) => s.path === "read-file")).toHaveLength(1);
  });

  test("cancel while the next range waits on its stat: cancel() returns at once and no further range is asked for", async () => {
    const f = fs();
    files.set("/big", { bytes: pattern(25 * MiB), mtime: 1 });
    statDelay = 400;
    const stream = await f.readFile("/big", { format: "stream" });
    const reader = stream.getReader();
    let got = 0;
    while (got < 10 * MiB) got += ((await reader.read()).value as Uint8Array).byteLength;
    // The first range is read; the next read waits on the plan, which waits on the held stat.
    const pending = reader.read();
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await reader.cancel();
    expect(Date.now() - started).toBeLessThan(200);
    expect((await pending).done).toBe(true);
    await new Promise((r) => setTimeout(r, 600)); // the stat answers meanwhile
    expect(seen.filter((s) => s.path === "read-file")).toHaveLength(1);
  });

  test("cancel: a range still waiting for its headers is aborted at once, not left to the call's timeout", async () => {
    const f = fs({ maxResponseBytes: 1024 });
    files.set("/four", { bytes: pattern(4096), mtime: 1 });
    hangRange = { n: 2, closed: false };
    const stream = await f.readFile("/four", { format: "stream" }, { timeout: 60 });
    const reader = stream.getReader();
    let got = 0;
    while (got < 1024) got += ((await reader.read()).value as Uint8Array).byteLength;
    const pending = reader.read(); // asks for the second range, which never answers
    const hang = hangRange;
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.filter((s) => s.path === "read-file")).toHaveLength(2);
    expect(hang.closed).toBe(false);
    // A collection first, as one may come at any time: the cancel must still reach the request.
    for (let i = 0; i < 3; i++) gc();
    await reader.cancel();
    expect((await pending).done).toBe(true);
    const started = Date.now();
    while (!hang.closed && Date.now() - started < 1000) await new Promise((r) => setTimeout(r, 10));
    expect(hang.closed).toBe(true);
  });

  test("cancel: reader.cancel() stops the download; an aborted buffered read rejects", async () => {
    const f = fs();
    files.set("/big", { bytes: pattern(30 * MiB), mtime: 1 });
    const stream = await f.readFile("/big", { format: "stream" });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(seen.filter((s) => s.path === "read-file")).toHaveLength(1);
    const ctl = new AbortController();
    ctl.abort();
    await expect(f.readBytes("/big", {}, { signal: ctl.signal })).rejects.toBeInstanceOf(Leap0AbortError);
  });
});

describe("uploads: a stream handed over is never left open", () => {
  test("a write that fails before or while sending lets go of its stream: cancelled, file closed", async () => {
    const source = () => {
      const state = { cancelled: false };
      const stream = new ReadableStream<Uint8Array>({
        pull: (c) => c.enqueue(new Uint8Array(1024)),
        cancel: () => {
          state.cancelled = true;
        },
      });
      return { stream, state };
    };
    const f = fs();
    const aborted = source();
    await expect(f.writeFile("/up", aborted.stream, {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      Leap0AbortError,
    );
    expect(aborted.state.cancelled).toBe(true);
    const badMode = source();
    await expect(f.writeFile("/up", badMode.stream, { permissions: "9z9" })).rejects.toBeInstanceOf(
      Leap0ValidationError,
    );
    expect(badMode.state.cancelled).toBe(true);
    expect(seen).toHaveLength(0);

    // A file stream to a port nobody listens on: the connection is refused, the file is closed.
    const dir = mkdtempSync(join(tmpdir(), "leap0-up-"));
    const file = join(dir, "in.bin");
    writeFileSync(file, new Uint8Array(4096));
    const rs = createReadStream(file);
    const refused = new Leap0Client({ apiKey: "sk-bytes-test-0123456789abcdef", baseUrl: "http://127.0.0.1:1" });
    const err = await refused.sandboxes
      .connect("sbx-bytes")
      .filesystem.writeFile("/up", rs)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Leap0ConnectionError);
    expect(rs.destroyed).toBe(true);
    if (!rs.closed) await new Promise<void>((r) => rs.once("close", () => r()));
    expect(rs.closed).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("uploads: limits and retries", () => {
  test("over 10 MiB is refused before anything is sent (buffered), or as soon as a stream passes it", async () => {
    const f = fs();
    await expect(f.writeFile("/big", new Uint8Array(10 * MiB + 1))).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(f.writeFiles({ "/a": new Uint8Array(6 * MiB), "/b": new Uint8Array(6 * MiB) })).rejects.toBeInstanceOf(
      Leap0ValidationError,
    );
    expect(seen).toHaveLength(0);
    const huge = (async function* () {
      for (let i = 0; i < 11; i++) yield new Uint8Array(MiB);
    })();
    await expect(f.writeFile("/big", huge)).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(files.has("/big")).toBe(false);
    await f.writeFile("/exact", new Uint8Array(10 * MiB));
    expect(files.get("/exact")?.bytes.length).toBe(10 * MiB);
    // The multipart framing counts toward the request limit too.
    await expect(f.writeFiles({ "/one": new Uint8Array(10 * MiB) })).rejects.toBeInstanceOf(Leap0ValidationError);
    await f.writeFiles({ "/one": new Uint8Array(10 * MiB - 1024) });
    expect(files.get("/one")?.bytes.length).toBe(10 * MiB - 1024);
  });

  // fetch streams the body as it reads it; leap0/node reads it whole before sending anything.
  const streams = TRANSPORT === "fetch";

  test(`a streamed upload that fails midway says ${streams ? "a partial file may remain" : "that nothing was sent"} (${TRANSPORT})`, async () => {
    const f = fs();
    const huge = (async function* () {
      for (let i = 0; i < 11; i++) yield new Uint8Array(MiB);
    })();
    const overflow = (await f.writeFile("/w/big.bin", huge).catch((e: unknown) => e)) as Leap0ValidationError;
    expect(overflow).toBeInstanceOf(Leap0ValidationError);
    expect(overflow.message.includes("Nothing was sent")).toBe(!streams);
    expect(overflow.message.includes('a partial file may remain at "/w/big.bin"')).toBe(streams);
    expect(overflow.mayHaveSucceeded).toBe(streams);

    // The stream itself fails after its first chunk.
    const failing = (async function* () {
      yield new Uint8Array(64 * 1024);
      throw new Error("disk read failed");
    })();
    const broken = (await f.writeFile("/w/half.bin", failing).catch((e: unknown) => e)) as Leap0Error;
    expect(broken).toBeInstanceOf(Leap0Error);
    expect(broken.message.includes('a partial file may remain at "/w/half.bin"')).toBe(streams);
    expect(broken.message.includes("may have reached the server")).toBe(streams);
    expect(broken.mayHaveSucceeded).toBe(streams);
    expect(files.has("/w/half.bin")).toBe(false);

    // Refused before a byte was taken: nothing to leave behind, and it says so.
    const early = (await f
      .writeFile("/w/x", new Blob(["x"]).stream(), { permissions: "999" })
      .catch((e: unknown) => e)) as Leap0ValidationError;
    expect(early).toBeInstanceOf(Leap0ValidationError);
    expect(early.message).toContain("Nothing was sent");
    expect(early.mayHaveSucceeded).toBe(false);
  });

  test("a buffered body may be sent again after a failure before sending; a stream body never is", async () => {
    let calls = 0;
    const refusing = (async () => {
      calls++;
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      });
    }) as typeof fetch;
    const f = fs({ fetch: refusing, maxRetries: 2 });
    await expect(f.writeFile("/x", "buffered")).rejects.toThrow();
    expect(calls).toBe(3);
    calls = 0;
    await expect(f.writeFile("/x", new Blob(["streamed"]).stream())).rejects.toThrow();
    expect(calls).toBe(1);
  });

  test("cancel: aborting the signal during a streamed upload rejects with Leap0AbortError and writes nothing", async () => {
    const f = fs();
    const ctl = new AbortController();
    const slow = (async function* () {
      yield new Uint8Array(1000);
      ctl.abort();
      await new Promise((r) => setTimeout(r, 200));
      yield new Uint8Array(1000);
    })();
    await expect(f.writeFile("/cancelled", slow, {}, { signal: ctl.signal })).rejects.toBeInstanceOf(Leap0AbortError);
    await new Promise((r) => setTimeout(r, 50));
    expect(files.has("/cancelled")).toBe(false);
  });

  test("upload progress: start and end for a buffered body, every chunk for a stream", async () => {
    const f = fs();
    const events: TransferProgress[] = [];
    await f.writeFile("/p", new Uint8Array(1000), { onProgress: (p) => events.push(p) });
    expect(events).toEqual([
      { loaded: 0, total: 1000 },
      { loaded: 1000, total: 1000 },
    ]);
    events.length = 0;
    await f.writeFile(
      "/q",
      (async function* () {
        yield new Uint8Array(10);
        yield new Uint8Array(20);
      })(),
      { onProgress: (p) => events.push(p) },
    );
    expect(events).toEqual([
      { loaded: 10, total: undefined },
      { loaded: 30, total: undefined },
    ]);
  });
});

describe("a success answer that is not what the contract declares", () => {
  test.each([
    ["a JSON error", "application/json", '{"message":"no such file","code":"ENOENT"}'],
    ["a proxy's HTML page", "text/html", "<html><body>Sign in to continue</body></html>"],
  ])("read-file: %s sent with 200 is malformed, never the file's contents", async (_what, type, body) => {
    const f = fs();
    readFileAs = { type, body };
    for (const read of [
      () => f.readFile("/a"),
      () => f.readBytes("/a"),
      () => f.readFile("/a", { format: "stream" }).then((s) => new Response(s).text()),
    ]) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Leap0MalformedResponseError);
      expect((error as Error).message).toContain("application/octet-stream");
    }
  });

  test("read-file: a body with no content type is taken as bytes, as HTTP allows", async () => {
    const f = fs();
    readFileAs = { type: "", body: "plain" };
    // An empty header value is no content type.
    expect(await f.readFile("/a")).toBe("plain");
  });
});

describe("multipart, both ways", () => {
  const NAMES = [
    "/w/plain.txt",
    '/w/with "quotes".txt',
    "/w/with spaces and ; semicolon.txt",
    "/w/crlf\r\nname.txt",
    "/w/lone\rcr\nlf.txt",
    "/w/ünïcödé-名前-😀.bin",
    "/w/back\\slash.txt",
  ];

  test("writeFilesBytes: names with quotes, spaces, CR/LF and non-ASCII arrive exactly, with every byte value", async () => {
    const f = fs();
    const batch = Object.fromEntries(NAMES.map((n, i) => [n, i === 0 ? ALL_BYTES : pattern(300 + i, i)]));
    await f.writeFilesBytes(batch);
    expect([...files.keys()].sort()).toEqual([...NAMES].sort());
    for (const n of NAMES) expect(files.get(n)?.bytes).toEqual(batch[n]);
  });

  test.each(["whatwg", "backslash"] as const)(
    "readFilesBytes round-trips those names and bytes (server escapes names the %s way)",
    async (style) => {
      nameStyle = style;
      const f = fs();
      // Raw CR/LF cannot appear in a backslash-escaped header line, so that style skips them.
      const names = style === "backslash" ? NAMES.filter((n) => !/[\r\n]/.test(n)) : NAMES;
      for (const [i, n] of names.entries())
        files.set(n, { bytes: i === 0 ? ALL_BYTES : pattern(500 + i, i), mtime: 1 });
      files.set("/w/empty", { bytes: new Uint8Array(0), mtime: 1 });
      files.set("/w/bom", { bytes: BOM_TEXT, mtime: 1 });
      const wanted = [...names, "/w/empty", "/w/bom"];
      const got = await f.readFilesBytes(wanted);
      expect(Object.keys(got).sort()).toEqual([...wanted].sort());
      for (const n of wanted) expect([n, got[n]]).toEqual([n, files.get(n)?.bytes]);
      const text = await f.readFiles(["/w/bom", "/w/empty"]);
      expect(text["/w/bom"]).toBe("\uFEFFhi");
      expect(text["/w/empty"]).toBe("");
    },
  );

  test("readFiles reports every requested path that did not come back, with the ones that did", async () => {
    const f = fs();
    files.set("/here", { bytes: new TextEncoder().encode("yes"), mtime: 1 });
    const error = await f.readFiles(["/here", "/gone", '/also "gone"']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Leap0FilesMissingError);
    expect((error as Leap0FilesMissingError).missing).toEqual(["/gone", '/also "gone"']);
    expect(new TextDecoder().decode((error as Leap0FilesMissingError).files["/here"])).toBe("yes");
  });

  test("a path containing %22, %0D or %0A is refused: FormData's escapes would make it another name", async () => {
    const f = fs();
    await expect(f.writeFiles({ "/w/100%22.txt": "x" })).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(seen).toHaveLength(0);
  });

  test.each([
    ["a path outside the folder", "../../.ssh/authorized_keys"],
    ["a name with CR/LF", "/a\r\nX-Injected: 1"],
    ["a prototype key", "__proto__"],
    ["a second part for a path asked for", "/a"],
  ])("an answer with %s that nobody asked for is malformed, and nothing of it is returned", async (_what, name) => {
    const f = fs();
    files.set("/a", { bytes: new TextEncoder().encode("asked"), mtime: 1 });
    extraParts = [[name, new TextEncoder().encode("ssh-ed25519 AAAA attacker")]];
    for (const read of [() => f.readFilesBytes(["/a"]), () => f.readFiles(["/a"])]) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Leap0MalformedResponseError);
      expect((error as Error).message).not.toMatch(/\r|\n/);
    }
  });

  test("a path asked for twice is asked for once, and comes back once", async () => {
    const f = fs();
    files.set("/a", { bytes: new TextEncoder().encode("once"), mtime: 1 });
    const got = await f.readFiles(["/a", "/a"]);
    expect(seen.at(-1)?.json).toEqual({ paths: ["/a"] });
    expect(Object.keys(got)).toEqual(["/a"]);
    expect(Object.getPrototypeOf(got)).toBe(null);
  });

  test("readFiles progress counts the multipart body", async () => {
    const f = fs();
    files.set("/a", { bytes: pattern(3000), mtime: 1 });
    const events: TransferProgress[] = [];
    await f.readFiles(["/a"], { onProgress: (p) => events.push(p) });
    expect(events.at(-1)?.loaded).toBeGreaterThan(3000);
  });
});
