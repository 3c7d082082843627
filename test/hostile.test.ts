/**
 * The pipeline's promises against a hostile network: each case is a real local server that
 * misbehaves, run over both transports (this file is in both vitest projects). Forced garbage
 * collections are part of it: a promise that holds only until the collector runs is not kept.
 */
import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  Leap0AbortError,
  Leap0AuthenticationError,
  Leap0Client,
  Leap0ClientClosedError,
  type Leap0ClientOptions,
  Leap0ConnectionError,
  Leap0Error,
  Leap0RedirectError,
  Leap0ResponseTooLargeError,
  Leap0ServerError,
  Leap0TimeoutError,
  Leap0ValidationError,
} from "../src";
import { resolveConfig } from "../src/core/config";
import { type OperationFacts, Pipeline, type StreamedResponse } from "../src/core/pipeline";
import { parseRetryAfter } from "../src/core/retry";
import { linkSignal } from "../src/core/signals";
import { FaultServer, ok, SANDBOX, SNAPSHOT_PAGE } from "./support/fault-server";
import { API_KEY, TRANSPORT, transportFetch } from "./support/helpers";
import { serveRaw } from "./support/local-server";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MARGIN_MS = 1500;
const server = new FaultServer();
const elsewhere = new FaultServer();

beforeAll(async () => {
  await server.start();
  await elsewhere.start();
});
afterEach(async () => {
  await server.reset();
  await elsewhere.reset();
});
afterAll(async () => {
  await server.stop();
  await elsewhere.stop();
});

function client(options: Leap0ClientOptions = {}): Leap0Client {
  return new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, timeout: 10, fetch: transportFetch, ...options });
}

function texts(e: unknown): string[] {
  const err = e as Error;
  return [err.message, err.stack ?? "", JSON.stringify(err), inspect(err, { depth: 20, showHidden: true })];
}

async function settle<T>(call: Promise<T>): Promise<{ value?: T; error?: Leap0Error; ms: number }> {
  const started = performance.now();
  try {
    return { value: await call, ms: performance.now() - started };
  } catch (e) {
    expect(e).toBeInstanceOf(Leap0Error);
    for (const text of texts(e)) expect(text).not.toContain(API_KEY);
    return { error: e as Leap0Error, ms: performance.now() - started };
  }
}

function collectSoon(ms: number): void {
  setTimeout(() => {
    for (let i = 0; i < 3; i++) gc();
  }, ms);
}

describe(`1. a garbage collection cannot disable the deadline (${TRANSPORT})`, () => {
  test("stalled body, gc() after the headers: the timeout still ends the call and closes the connection", async () => {
    server.next({ kind: "stallBody" });
    const call = settle(client().sandboxes.get("sbx-fault0001", { timeout: 2 }));
    collectSoon(500);
    const r = await call;
    expect(r.error).toBeInstanceOf(Leap0TimeoutError);
    expect(r.ms).toBeLessThan(2000 + MARGIN_MS);
    expect(await server.requestConnectionClosed(0, 2000)).toBe(true);
  });

  test("close() with 50 stalled bodies and a gc(): every call settles at once", async () => {
    server.next({ kind: "stallBody" });
    const c = client({ timeout: 60 });
    const calls = Array.from({ length: 50 }, () => settle(c.sandboxes.get("sbx-fault0001")));
    while (server.received.length < 50) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 3; i++) gc();
    const closedAt = performance.now();
    await c.close();
    const results = await Promise.all(calls);
    expect(performance.now() - closedAt).toBeLessThan(MARGIN_MS);
    for (const r of results) expect(r.error).toBeInstanceOf(Leap0ClientClosedError);
  });

  test("the caller's signal still ends a stalled body read after a gc()", async () => {
    server.next({ kind: "stallBody" });
    const controller = new AbortController();
    const call = settle(client({ timeout: 60 }).sandboxes.get("sbx-fault0001", { signal: controller.signal }));
    collectSoon(300);
    setTimeout(() => controller.abort(), 600);
    const r = await call;
    expect(r.error).toBeInstanceOf(Leap0AbortError);
    expect(r.ms).toBeLessThan(600 + MARGIN_MS);
  });

  // undici's Request follows its init signal through a WeakRef (nodejs/undici#4068): once the
  // Request handed to a configured fetch is collected, an abort no longer reaches the copy that
  // fetch made, and the connection stays open. Over the "fetch" project (a configured fetch that
  // calls the global one with the Request) this failed every time before the pipeline kept it.
  test("stalled headers, gc() while waiting: the caller's signal still closes the connection", async () => {
    server.next({ kind: "stallHeaders" });
    const controller = new AbortController();
    const call = settle(client({ timeout: 60 }).sandboxes.get("sbx-fault0001", { signal: controller.signal }));
    while (server.received.length < 1) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 3; i++) gc();
    controller.abort();
    const r = await call;
    expect(r.error).toBeInstanceOf(Leap0AbortError);
    expect(await server.requestConnectionClosed(0, 2000)).toBe(true);
  });

  test("stalled headers, gc() while waiting: the timeout still closes the connection", async () => {
    server.next({ kind: "stallHeaders" });
    const call = settle(client().sandboxes.get("sbx-fault0001", { timeout: 1 }));
    while (server.received.length < 1) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 3; i++) gc();
    const r = await call;
    expect(r.error).toBeInstanceOf(Leap0TimeoutError);
    expect(await server.requestConnectionClosed(0, 2000)).toBe(true);
  });
});

describe(`2. what a response can make us hold is bounded (${TRANSPORT})`, () => {
  test("an endless body fails with Leap0ResponseTooLargeError as soon as the limit is passed", async () => {
    server.next({ kind: "endless" });
    const limit = 1024 * 1024;
    const r = await settle(client({ maxResponseBytes: limit }).sandboxes.get("sbx-fault0001"));
    expect(r.error).toBeInstanceOf(Leap0ResponseTooLargeError);
    expect(r.error?.message).toContain("maxResponseBytes");
    expect((r.error as Leap0ResponseTooLargeError).limit).toBe(limit);
    expect(server.received).toHaveLength(1); // not retried: it would be just as large again
    expect(await server.requestConnectionClosed(0, 2000)).toBe(true);
    // The server could only push what fits in the limit plus the sockets' buffers.
    expect(server.received[0]?.bytesWritten).toBeLessThan(limit + 16 * 1024 * 1024);
  });

  test("an endless body with a gc() during the read ends at the limit, not at the kernel's", async () => {
    server.next({ kind: "endless" });
    const call = settle(client({ maxResponseBytes: 8 * 1024 * 1024 }).sandboxes.get("sbx-fault0001"));
    collectSoon(50);
    const r = await call;
    expect(r.error).toBeInstanceOf(Leap0ResponseTooLargeError);
  });

  test("a Content-Length above the limit is refused before reading the body", async () => {
    const body = JSON.stringify({ ...SANDBOX, padding: "x".repeat(5000) });
    server.next({ kind: "raw", status: 200, body, headers: { "Content-Type": "application/json" } });
    const r = await settle(client({ maxResponseBytes: 1000 }).sandboxes.get("sbx-fault0001"));
    expect(r.error).toBeInstanceOf(Leap0ResponseTooLargeError);
  });

  test("a 20 MB error message is cut to a readable length", async () => {
    server.next({ kind: "hugeMessage", status: 409, size: 20_000_000 });
    const lines: string[] = [];
    const r = await settle(
      client({ logger: { error: (l) => lines.push(l) }, logLevel: "error" }).snapshots.create("sbx-a1", {
        name: "warm",
      }),
    );
    expect(r.error?.status).toBe(409);
    expect(r.error?.message.length).toBeLessThan(1000);
    expect(lines.join("\n").length).toBeLessThan(2000);
  });

  test("an endless error body costs at most 64 KiB and still maps the status", async () => {
    server.next({ kind: "endless", status: 409, contentType: "text/plain" });
    const r = await settle(client().snapshots.create("sbx-a1", { name: "warm" }));
    expect(r.error?.name).toBe("Leap0ConflictError");
    expect(r.error?.message.length).toBeLessThan(1000);
    expect(r.ms).toBeLessThan(MARGIN_MS);
  });

  test("a normal body under the limit is unaffected", async () => {
    server.next(ok(SNAPSHOT_PAGE));
    const r = await settle(client({ maxResponseBytes: 4096 }).snapshots.list());
    expect(r.value?.items).toHaveLength(1);
  });
});

describe(`3. redirects are never followed (${TRANSPORT})`, () => {
  test.each([301, 302, 303, 307, 308])(
    "HTTP %i to restore: Leap0RedirectError, nothing sent elsewhere",
    async (status) => {
      server.next({ kind: "redirect", status, location: `${elsewhere.url}/v1/snapshot/restore?token=s3cr3t-token` });
      elsewhere.next(ok(SANDBOX, 201));
      const r = await settle(
        client().snapshots.restore({
          snapshotName: "warm",
          networkPolicy: {
            mode: "custom",
            transforms: [{ domain: "api.example.com", injectHeaders: { "X-Api-Key": "inject-secret" } }],
          },
        }),
      );
      expect(r.error).toBeInstanceOf(Leap0RedirectError);
      expect(r.error).toMatchObject({ status, mayHaveSucceeded: true });
      expect((r.error as Leap0RedirectError).location).toBe(`${elsewhere.url}/v1/snapshot/restore`);
      for (const text of texts(r.error)) expect(text).not.toContain("s3cr3t-token");
      expect(server.received).toHaveLength(1);
      expect(elsewhere.received).toHaveLength(0);
    },
  );

  test("a redirect on a GET is not followed either, and not retried", async () => {
    server.next({ kind: "redirect", status: 302, location: "/elsewhere" });
    const r = await settle(client().sandboxes.get("sbx-fault0001"));
    expect(r.error).toBeInstanceOf(Leap0RedirectError);
    expect(r.error?.mayHaveSucceeded).toBe(false);
    expect(server.received).toHaveLength(1);
  });
});

describe(`4. Retry-After cannot make a retry loop spin (${TRANSPORT})`, () => {
  test("parseRetryAfter: joined, negative and odd values are unusable; seconds and HTTP dates are not", () => {
    const now = Date.parse("Wed, 25 Nov 2026 10:00:00 GMT");
    expect(parseRetryAfter("1, 1", now)).toBeUndefined();
    expect(parseRetryAfter("-1", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 09:00:00 GMT", now)).toBe(0);
  });

  test.each([
    ["two headers joined", ["1", "1"]],
    ["a negative value", ["-1"]],
    ["zero", ["0"]],
  ])("%s: the waits between attempts never drop below the backoff floor", async (_name, values) => {
    server.next({ kind: "repeatHeader", status: 503, name: "Retry-After", values });
    const r = await settle(client({ maxRetries: 50, timeout: 3 }).snapshots.list());
    // The 503 itself, or (on a loaded machine, where an attempt runs into the 3 s deadline) the timeout.
    expect(r.error instanceof Leap0ServerError || r.error instanceof Leap0TimeoutError).toBe(true);
    // Exponential floors 250, 500, 1000, 2000 ms: at most 4 attempts fit in 3 s (51 before the fix).
    expect(server.received.length).toBeLessThanOrEqual(4);
    const at = server.received.map((x) => x.at);
    for (let i = 1; i < at.length; i++) {
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(240 * 2 ** (i - 1));
    }
  });
});

describe(`5. the key never comes back through someone else's words (${TRANSPORT})`, () => {
  test("a 401 that echoes the Authorization header: the key is scrubbed from message, fields and logs", async () => {
    server.next({ kind: "echoAuth", status: 401 });
    const lines: string[] = [];
    const r = await settle(
      client({ logger: { error: (l) => lines.push(l), info: (l) => lines.push(l) }, logLevel: "debug" }).sandboxes.get(
        "sbx-fault0001",
      ),
    );
    expect(r.error).toBeInstanceOf(Leap0AuthenticationError);
    expect(r.error?.message).toContain("[redacted]");
    expect(JSON.stringify(r.error?.fieldErrors)).not.toContain(API_KEY);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(API_KEY);
  });

  test("the key passed by mistake as another option is never echoed", () => {
    for (const options of [
      { apiKey: API_KEY, baseUrl: API_KEY },
      { apiKey: API_KEY, logLevel: API_KEY },
      { apiKey: API_KEY, timeout: API_KEY },
      { apiKey: API_KEY, [API_KEY]: true },
    ]) {
      let caught: unknown;
      try {
        new Leap0Client(options as Leap0ClientOptions);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(Leap0ValidationError);
      for (const text of texts(caught)) expect(text).not.toContain(API_KEY);
    }
  });

  test("LEAP0_LOG set to the key is refused without echoing it; a plain typo is named", () => {
    const saved = process.env.LEAP0_LOG;
    try {
      process.env.LEAP0_LOG = API_KEY;
      expect(() => client()).toThrow(Leap0ValidationError);
      try {
        client();
      } catch (e) {
        for (const text of texts(e)) expect(text).not.toContain(API_KEY);
      }
      process.env.LEAP0_LOG = "verbose";
      expect(() => client()).toThrow(/LEAP0_LOG \(got "verbose"\): must be one of off, error, warn, info, debug/);
    } finally {
      if (saved === undefined) delete process.env.LEAP0_LOG;
      else process.env.LEAP0_LOG = saved;
    }
  });
});

describe(`6. __proto__ keys are never silently dropped (${TRANSPORT})`, () => {
  test.each([
    ["envVars", () => ({ envVars: JSON.parse('{"__proto__":"x","A":"1"}') })],
    [
      "networkPolicy.transforms[0].injectHeaders",
      () => ({
        networkPolicy: {
          mode: "custom",
          transforms: [{ domain: "a.example", injectHeaders: JSON.parse('{"__proto__":"x","A":"1"}') }],
        },
      }),
    ],
  ])("%s: refused, naming the field, nothing sent", async (field, params) => {
    const r = await settle(client().sandboxes.create(params() as never));
    expect(r.error).toBeInstanceOf(Leap0ValidationError);
    expect(r.error?.fieldErrors[0]?.field).toBe(field);
    expect(r.error?.message).toContain("__proto__");
    expect(server.received).toHaveLength(0);
  });
});

describe(`7. one signal shared by many calls (${TRANSPORT})`, () => {
  test("50 calls on one signal: no listener warning, one listener, all cancelled at once", async () => {
    server.next({ kind: "stallHeaders" });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      const c = client({ timeout: 60 });
      const calls = Array.from({ length: 50 }, () =>
        settle(c.sandboxes.get("sbx-fault0001", { signal: controller.signal })),
      );
      while (server.received.length < 50) await new Promise((r) => setTimeout(r, 20));
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      const abortedAt = performance.now();
      controller.abort();
      const results = await Promise.all(calls);
      expect(performance.now() - abortedAt).toBeLessThan(MARGIN_MS);
      for (const r of results) expect(r.error).toBeInstanceOf(Leap0AbortError);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  test("work linked to one signal is aborted with its own reason, not the first linker's", () => {
    const caller = new AbortController();
    const call = new AbortController();
    const wait = new AbortController();
    const unlinkCall = linkSignal(caller.signal, call, "call's reason");
    const unlinkWait = linkSignal(caller.signal, wait, "wait's reason");
    caller.abort();
    expect([call.signal.reason, wait.signal.reason]).toEqual(["call's reason", "wait's reason"]);
    unlinkCall();
    unlinkWait();
  });

  test("finished calls leave no listener on the shared signal", async () => {
    server.next(ok(SANDBOX));
    const controller = new AbortController();
    const c = client();
    await Promise.all(
      Array.from({ length: 20 }, () => c.sandboxes.get("sbx-fault0001", { signal: controller.signal })),
    );
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe(`8. every option is checked in one place, with one error class (${TRANSPORT})`, () => {
  test.each([
    ["apiKey: 123", { apiKey: 123 }, "apiKey"],
    ["fetch: 'nope'", { fetch: "nope" }, "fetch"],
    ["timeout: 'soon'", { timeout: "soon" }, "timeout"],
    ["timeout: 0", { timeout: 0 }, "timeout"],
    ["maxRetries: -1", { maxRetries: -1 }, "maxRetries"],
    ["maxRetries: 1.5", { maxRetries: 1.5 }, "maxRetries"],
    ["maxResponseBytes: 0", { maxResponseBytes: 0 }, "maxResponseBytes"],
    ["logger: 'console'", { logger: "console" }, "logger"],
    ["baseUrl: 42", { baseUrl: 42 }, "baseUrl"],
    ["timout: 5 (a typo)", { timout: 5 }, "timout"],
  ])("new Leap0Client({ %s }) → Leap0ValidationError naming it", (_name, options, field) => {
    let caught: unknown;
    try {
      new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, ...options } as Leap0ClientOptions);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Leap0ValidationError);
    expect((caught as Leap0ValidationError).fieldErrors[0]?.field).toBe(field);
    expect((caught as Error).message).toContain(field);
  });

  test("a misspelt option suggests the right one", () => {
    expect(() => new Leap0Client({ apiKey: API_KEY, timout: 5 } as Leap0ClientOptions)).toThrow(
      /did you mean timeout\?/,
    );
  });

  test.each([
    ["{ signal: 'x' }", { signal: "x" }, "signal"],
    ["{ timeout: 'soon' }", { timeout: "soon" }, "timeout"],
    ["{ maxRetries: -1 }", { maxRetries: -1 }, "maxRetries"],
    ["{ retries: 1 }", { retries: 1 }, "retries"],
    ["'fast'", "fast", "options"],
  ])("per-call options %s → Leap0ValidationError naming it, nothing sent", async (_name, options, field) => {
    const r = await settle(client().sandboxes.list({}, options as never));
    expect(r.error).toBeInstanceOf(Leap0ValidationError);
    expect(r.error?.fieldErrors[0]?.field).toBe(field);
    expect(server.received).toHaveLength(0);
  });

  test("null options mean no options", async () => {
    server.next(ok({ items: [], total_items: 0 }));
    const r = await settle(client().sandboxes.list({}, null as never));
    expect(r.value?.items).toEqual([]);
  });
});

describe(`9. both transports report the same outcome (${TRANSPORT})`, () => {
  test("status 999: Leap0ServerError with the status, on every transport", async () => {
    server.next({ kind: "json", status: 999, body: { message: "odd" } });
    const r = await settle(client().snapshots.restore({ snapshotName: "warm" }));
    expect(r.error).toBeInstanceOf(Leap0ServerError);
    expect(r.error?.status).toBe(999);
    expect(server.received).toHaveLength(1);
  });

  test("a port fetch refuses to use (6000): a connection error that says nothing was sent", async () => {
    const r = await settle(
      new Leap0Client({
        apiKey: API_KEY,
        baseUrl: "http://127.0.0.1:6000",
        fetch: transportFetch,
        timeout: 5,
      }).snapshots.restore({ snapshotName: "warm" }),
    );
    expect(r.error).toBeInstanceOf(Leap0ConnectionError);
    expect(r.error?.mayHaveSucceeded).toBe(false);
    expect(r.error?.message).not.toContain("may have reached");
  });
});

describe(`10. logLevel debug means something, and still shows no secrets (${TRANSPORT})`, () => {
  test("debug adds each attempt's start, the retry decision and the body size; never headers or bodies", async () => {
    server.next({ kind: "json", status: 500, body: { message: "boom" } }, ok(SANDBOX));
    const debug: string[] = [];
    const info: string[] = [];
    await client({
      logger: { debug: (l) => debug.push(l), info: (l) => info.push(l), warn: () => {} },
      logLevel: "debug",
    }).sandboxes.get("sbx-fault0001");
    expect(debug.some((l) => l.includes("attempt 1 started"))).toBe(true);
    expect(debug.some((l) => /response body \d+ bytes/.test(l))).toBe(true);
    expect(info).toHaveLength(2);
    for (const line of [...debug, ...info]) {
      expect(line).not.toContain(API_KEY);
      expect(line).not.toContain("tpl-debian-bookworm"); // a body field
      expect(line).not.toContain("sbx-fault0001"); // an id: only path templates are logged
    }
  });
});

describe(`11. a streamed body ends cleanly however it is let go (${TRANSPORT})`, () => {
  const OP = {
    name: "streamOp",
    method: "GET",
    path: "/x",
    retry: "idempotent",
    accept: "*/*",
  } as unknown as OperationFacts;
  let http: Awaited<ReturnType<typeof serveRaw>>;
  let base = "";
  /** Answers on /hold whose connection the client closed. */
  let holdsClosed = 0;
  beforeAll(async () => {
    http = await serveRaw((req, res) => {
      if (req.url === "/slow") {
        // 100 KiB, declared, in 10 KiB pieces 150 ms apart: 1.5 s in all, never idle for long.
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(100 * 1024) });
        let sent = 0;
        const tick = setInterval(() => {
          res.write(Buffer.alloc(10 * 1024));
          if (++sent === 10) {
            clearInterval(tick);
            res.end();
          }
        }, 150);
        res.on("close", () => clearInterval(tick));
        return;
      }
      if (req.url === "/hold") res.on("close", () => holdsClosed++);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(10 * 1024 * 1024) });
      // /cut: a little, then the connection breaks; anything else: a little, then nothing.
      res.write(Buffer.alloc(1000), () => {
        if (req.url === "/cut") setTimeout(() => res.destroy(), 50);
      });
    });
    base = http.url;
  });
  afterAll(() => http.close());

  function pipeline(fetchImpl: typeof fetch = transportFetch, timeout = 5): Pipeline {
    return new Pipeline(resolveConfig({ apiKey: API_KEY, baseUrl: base, timeout, maxRetries: 0, fetch: fetchImpl }));
  }
  /** A transport that keeps a WeakRef to each call's signal: what is still held after a gc(). */
  function watched(refs: WeakRef<AbortSignal>[]): typeof fetch {
    const f: typeof fetch = (input, init) => {
      const signal = input instanceof Request ? input.signal : init?.signal;
      if (signal) refs.push(new WeakRef(signal));
      return transportFetch(input, init);
    };
    // leap0/node's mark, carried over, so the call still takes its URL-and-init path.
    const takesInit = Symbol.for("leap0.takesInit");
    const marked = (transportFetch as unknown as Record<symbol, unknown>)[takesInit];
    if (marked) Object.defineProperty(f, takesInit, { value: marked });
    return f;
  }
  function stream(p: Pipeline, path: string, signal?: AbortSignal) {
    return p.call({
      op: { ...OP, path } as OperationFacts,
      options: signal ? { signal } : undefined,
      readAs: "stream",
    }) as Promise<StreamedResponse>;
  }

  test("aborting a download and dropping it lets the call go at once, not at close()", async () => {
    const refs: WeakRef<AbortSignal>[] = [];
    const p = pipeline(watched(refs));
    for (let i = 0; i < 20; i++) {
      const caller = new AbortController();
      const res = await stream(p, "/hold", caller.signal);
      await res.read();
      caller.abort();
      // Dropped here: never read or cancelled again.
    }
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 30));
      gc();
    }
    // Still in the pipeline's in-flight set (until close()) if the abort did not release the call.
    expect(p.inflight).toBeLessThanOrEqual(1);
    // And nothing else holds them: their signals (and what hangs off them) are collected.
    expect(refs.filter((r) => r.deref()).length).toBeLessThanOrEqual(1);
    await p.close();
  });

  test("a download dropped unread is let go of once collected: its connection closes and the call is released", async () => {
    const refs: WeakRef<AbortSignal>[] = [];
    const p = pipeline(watched(refs));
    const before = holdsClosed;
    for (let i = 0; i < 10; i++) {
      const res = await stream(p, "/hold");
      await res.read();
      // Dropped here: never read again, never cancelled, never aborted.
    }
    for (let i = 0; i < 10 && holdsClosed - before < 10; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(holdsClosed - before).toBeGreaterThanOrEqual(9);
    expect(p.inflight).toBeLessThanOrEqual(1);
    expect(refs.filter((r) => r.deref()).length).toBeLessThanOrEqual(1);
    // One still held by the caller is not touched.
    const kept = await stream(p, "/slow");
    gc();
    await new Promise((r) => setTimeout(r, 50));
    let bytes = 0;
    for (let c = await kept.read(); !c.done; c = await kept.read()) bytes += c.value.byteLength;
    expect(bytes).toBe(100 * 1024);
    await p.close();
  });

  test("an abort that lands before the stream's listener is attached still ends its reads", async () => {
    for (let hops = 0; hops < 8; hops++) {
      const caller = new AbortController();
      // A transport whose body ignores the signal once the headers are in, and an abort that
      // lands a few microtasks after them.
      const stubborn = (async () => {
        let n = 0;
        const hop = () => (n++ === hops ? caller.abort() : queueMicrotask(hop));
        queueMicrotask(hop);
        return new Response(new ReadableStream({ pull: () => new Promise<void>(() => {}) }));
      }) as unknown as typeof fetch;
      const p = pipeline(stubborn, 1);
      const outcome = await stream(p, "/x", caller.signal).then(
        (res) =>
          Promise.race([
            res.read().then(
              () => "read resolved",
              (e: Error) => e.name,
            ),
            new Promise((r) => setTimeout(() => r("hung"), 3000)),
          ]),
        (e: Error) => e.name,
      );
      expect(outcome).toBe("Leap0AbortError");
      await p.close();
    }
  });

  test("a small streamed body that trickles in is under the idle timeout, not the call's: its first chunk comes at once", async () => {
    const p = pipeline(transportFetch, 1);
    const started = performance.now();
    const res = await stream(p, "/slow");
    const first = await res.read();
    const firstMs = performance.now() - started;
    let size = first.value?.byteLength ?? 0;
    for (;;) {
      const { done, value } = await res.read();
      if (done) break;
      size += value.byteLength;
    }
    // 1.5 s of body under a 1 s timeout: fine, as no gap between chunks reaches it.
    expect(size).toBe(100 * 1024);
    expect(firstMs).toBeLessThan(1000);
    await p.close();
  });

  test("cancel() after the connection broke while nobody was reading resolves; the typed error stays the read's", async () => {
    const p = pipeline();
    const res = await stream(p, "/cut");
    const reader = res.body.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 300));
    await expect(reader.cancel()).resolves.toBeUndefined();
    const again = await stream(p, "/cut");
    await again.read();
    await new Promise((r) => setTimeout(r, 300));
    await expect(again.read()).rejects.toBeInstanceOf(Leap0ConnectionError);
    await expect(again.cancel()).resolves.toBeUndefined();
    await p.close();
  });
});
