/**
 * Fault injection: a real local server misbehaves on purpose and each test asserts what a user
 * would see — the error class (or success after N retries), how many requests the server got
 * (a create is never sent twice), that the call ended within its timeout plus a margin, and
 * that the API key is nowhere in the error.
 */
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../scripts/prism";
import {
  Leap0AbortError,
  Leap0Client,
  Leap0ClientClosedError,
  type Leap0ClientOptions,
  Leap0ConflictError,
  Leap0ConnectionError,
  Leap0Error,
  Leap0MalformedResponseError,
  Leap0RateLimitError,
  Leap0ServerError,
  Leap0TimeoutError,
} from "../src";
import { FaultServer, fail, ok, SANDBOX, SNAPSHOT_PAGE } from "./support/fault-server";
import { API_KEY, transportFetch } from "./support/helpers";

const MARGIN_MS = 1500;
const server = new FaultServer();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  await server.start();
});
afterEach(() => server.reset());
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await server.stop();
  expect(unhandled).toEqual([]);
});

function client(options: Leap0ClientOptions = {}): Leap0Client {
  return new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, timeout: 5, fetch: transportFetch, ...options });
}

function expectNoKey(error: unknown): void {
  const e = error as Error;
  const texts = [e.message, e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 20, showHidden: true }), String(e)];
  for (const text of texts) expect(text).not.toContain(API_KEY);
}

/** Runs the call and returns what happened, with the elapsed time. */
async function outcome<T>(call: Promise<T>): Promise<{ value?: T; error?: Leap0Error; ms: number }> {
  const started = performance.now();
  try {
    const value = await call;
    return { value, ms: performance.now() - started };
  } catch (e) {
    expect(e).toBeInstanceOf(Leap0Error);
    expectNoKey(e);
    return { error: e as Leap0Error, ms: performance.now() - started };
  }
}

const restore = (c: Leap0Client, options?: { timeout?: number; signal?: AbortSignal }) =>
  c.snapshots.restore({ snapshotName: "warm" }, options);

describe("connection faults", () => {
  test("connection refused: nothing was sent, so even a create is retried, then Leap0ConnectionError", async () => {
    const port = await freePort();
    const attempts: string[] = [];
    const c = new Leap0Client({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      fetch: transportFetch,
      logger: { info: (l) => attempts.push(l) },
      logLevel: "info",
    });
    const r = await outcome(restore(c));
    expect(r.error).toBeInstanceOf(Leap0ConnectionError);
    expect(r.error?.message).toContain("ECONNREFUSED");
    expect(r.error?.mayHaveSucceeded).toBe(false);
    expect(attempts.filter((l) => l.includes("POST /v1/snapshot/restore"))).toHaveLength(3);
    expect(r.ms).toBeLessThan(1500 + MARGIN_MS); // two backoffs of at most 0.5 s and 1 s
  });

  test("reset before headers on a GET: retried, succeeds on the third request", async () => {
    server.next({ kind: "resetBeforeHeaders" }, { kind: "resetBeforeHeaders" }, ok(SANDBOX));
    const r = await outcome(client().sandboxes.get("sbx-fault0001"));
    expect(r.value?.id).toBe("sbx-fault0001");
    expect(server.received).toHaveLength(3);
  });

  test("reset before headers on a create: not retried, says it may have happened", async () => {
    server.next({ kind: "resetBeforeHeaders" });
    const r = await outcome(restore(client()));
    expect(r.error).toBeInstanceOf(Leap0ConnectionError);
    expect(r.error?.mayHaveSucceeded).toBe(true);
    expect(r.error?.message).toContain("may have taken effect");
    expect(server.received).toHaveLength(1);
  });

  test("reset mid-body on a GET: retried, then succeeds", async () => {
    server.next({ kind: "resetMidBody" }, ok(SANDBOX));
    const r = await outcome(client().sandboxes.get("sbx-fault0001"));
    expect(r.value?.state).toBe("running");
    expect(server.received).toHaveLength(2);
  });

  test("reset mid-body on a create: one request, Leap0ConnectionError, may have happened", async () => {
    server.next({ kind: "resetMidBody", status: 201 });
    const r = await outcome(client().sandboxes.create());
    expect(r.error).toBeInstanceOf(Leap0ConnectionError);
    expect(r.error?.mayHaveSucceeded).toBe(true);
    expect(server.received).toHaveLength(1);
  });

  test("headers, then a stalled body: the timeout covers the body read", async () => {
    server.next({ kind: "stallBody" });
    const r = await outcome(client().sandboxes.get("sbx-fault0001", { timeout: 1 }));
    expect(r.error).toBeInstanceOf(Leap0TimeoutError);
    expect(r.error?.message).toContain("timed out after 1s");
    expect(r.ms).toBeGreaterThanOrEqual(950);
    expect(r.ms).toBeLessThan(1000 + MARGIN_MS);
    expect(server.received).toHaveLength(1);
    // The aborted request's connection is closed, not left half-read in a pool.
    expect(await server.requestConnectionClosed(0, 1000)).toBe(true);
  });

  test("slow headers past the timeout on a create: Leap0TimeoutError, one request, may have happened", async () => {
    server.next({ kind: "stallHeaders" });
    const r = await outcome(restore(client({ timeout: 1 })));
    expect(r.error).toBeInstanceOf(Leap0TimeoutError);
    expect(r.error?.mayHaveSucceeded).toBe(true);
    expect(r.ms).toBeLessThan(1000 + MARGIN_MS);
    expect(server.received).toHaveLength(1);
    expect(await server.requestConnectionClosed(0, 1000)).toBe(true);
  });
});

describe("refusals and server errors", () => {
  test("429 with Retry-After: 1 on a create: waits about a second, retries once, succeeds", async () => {
    server.next(fail(429, "organization sandbox limit reached", { "Retry-After": "1" }), ok(SANDBOX, 201));
    const r = await outcome(restore(client()));
    expect(r.value?.id).toBe("sbx-fault0001");
    expect(server.received).toHaveLength(2);
    expect(r.ms).toBeGreaterThanOrEqual(950);
    expect(r.ms).toBeLessThan(1000 + MARGIN_MS);
  });

  test("429 with an HTTP-date Retry-After: honoured, then succeeds", async () => {
    const at = new Date(Date.now() + 2000).toUTCString(); // second precision: a wait of 1–2 s
    server.next(fail(429, "limit", { "Retry-After": at }), ok(SANDBOX, 201));
    const r = await outcome(restore(client()));
    expect(r.value?.id).toBe("sbx-fault0001");
    expect(server.received).toHaveLength(2);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(2000 + MARGIN_MS);
  });

  test("429 whose Retry-After exceeds the remaining timeout: fails at once, no pointless wait", async () => {
    server.next(fail(429, "limit", { "Retry-After": "30" }));
    const r = await outcome(restore(client({ timeout: 3 })));
    expect(r.error).toBeInstanceOf(Leap0RateLimitError);
    expect(r.ms).toBeLessThan(MARGIN_MS);
    expect(server.received).toHaveLength(1);
  });

  test("503 then success on a create: a refusal, so retried", async () => {
    server.next(fail(503, "no runner capacity available"), ok(SANDBOX, 201));
    const r = await outcome(restore(client()));
    expect(r.value?.state).toBe("running");
    expect(server.received).toHaveLength(2);
  });

  test("500 on a GET then success: retried", async () => {
    server.next(fail(500, "boom"), ok(SNAPSHOT_PAGE));
    const r = await outcome(client().snapshots.list());
    expect(r.value?.items[0]?.id).toBe("snap-fault0001");
    expect(server.received).toHaveLength(2);
  });

  test("500 on a create: never retried, says the sandbox may exist", async () => {
    server.next(fail(500, "internal error"), ok(SANDBOX, 201));
    const r = await outcome(client().sandboxes.create());
    expect(r.error).toBeInstanceOf(Leap0ServerError);
    expect(r.error).toMatchObject({ status: 500, mayHaveSucceeded: true, operation: "createSandbox" });
    expect(r.error?.message).toContain("may have taken effect");
    expect(server.received).toHaveLength(1);
  });

  test.each([
    [403, "Leap0PermissionError"],
    [422, "Leap0BadRequestError"],
    [418, "Leap0APIError"],
  ])("HTTP %i maps to %s and is not retried", async (status, name) => {
    server.next({
      kind: "json",
      status,
      body: { message: "refused", errors: [{ field: "snapshot_name", error: "is not allowed" }] },
    });
    const r = await outcome(restore(client()));
    expect(r.error?.name).toBe(name);
    expect(r.error).toMatchObject({ status, fieldErrors: [{ field: "snapshot_name", error: "is not allowed" }] });
    expect(server.received).toHaveLength(1);
  });

  test("409 is never retried", async () => {
    server.next(fail(409, "snapshot name already exists"));
    const r = await outcome(client().snapshots.create("sbx-fault0001", { name: "warm" }));
    expect(r.error).toBeInstanceOf(Leap0ConflictError);
    expect(server.received).toHaveLength(1);
  });

  test("an HTML 502 page: Leap0ServerError that says so, after the GET's retries", async () => {
    const html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
    server.next({ kind: "raw", status: 502, body: html, headers: { "Content-Type": "text/html" } });
    const r = await outcome(client().sandboxes.get("sbx-fault0001"));
    expect(r.error).toBeInstanceOf(Leap0ServerError);
    expect(r.error?.message).toBe("getSandbox: HTTP 502: the server sent an HTML page instead of JSON");
    expect(server.received).toHaveLength(3);
  });
});

describe("malformed success responses become Leap0MalformedResponseError, never SyntaxError/TypeError", () => {
  test.each([
    [
      "truncated JSON",
      {
        kind: "raw",
        status: 201,
        body: '{"id":"sbx-fault0001","templ',
        headers: { "Content-Type": "application/json" },
      },
      "could not be parsed",
    ],
    [
      "invalid JSON",
      { kind: "raw", status: 201, body: "{id: sbx-fault0001}", headers: { "Content-Type": "application/json" } },
      "could not be parsed",
    ],
    [
      "wrong content type",
      { kind: "raw", status: 201, body: "<html>ok</html>", headers: { "Content-Type": "text/html" } },
      "content type text/html",
    ],
    [
      "a required field missing",
      { kind: "json", status: 201, body: { ...SANDBOX, state: undefined } },
      "state must be a string",
    ],
    ["204 where a body is expected", { kind: "raw", status: 204, body: "" }, "response was empty"],
  ] as const)("%s", async (_name, fault, says) => {
    server.next(fault as never);
    const r = await outcome(restore(client()));
    expect(r.error).toBeInstanceOf(Leap0MalformedResponseError);
    expect(r.error?.message).toContain("restoreSnapshot");
    expect(r.error?.message).toContain(says);
    expect(server.received).toHaveLength(1);
  });
});

describe("cancellation", () => {
  test("an abort during the wait between retries ends the call at once, with Leap0AbortError", async () => {
    server.next(fail(503, "busy", { "Retry-After": "5" }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await outcome(restore(client({ timeout: 30 }), { signal: controller.signal }));
    expect(r.error).toBeInstanceOf(Leap0AbortError);
    expect(r.error).not.toBeInstanceOf(Leap0TimeoutError);
    expect(r.ms).toBeLessThan(300 + MARGIN_MS);
    expect(server.received).toHaveLength(1);
  });

  test("an already-aborted signal sends nothing", async () => {
    const r = await outcome(client().sandboxes.list({}, { signal: AbortSignal.abort() }));
    expect(r.error).toBeInstanceOf(Leap0AbortError);
    expect(server.received).toHaveLength(0);
  });

  test("client.close() during a call aborts it with Leap0ClientClosedError (not a timeout)", async () => {
    server.next({ kind: "stallHeaders" });
    const c = client({ timeout: 30 });
    setTimeout(() => void c.close(), 300);
    const r = await outcome(c.sandboxes.get("sbx-fault0001"));
    expect(r.error).toBeInstanceOf(Leap0ClientClosedError);
    expect(r.error?.message).toContain("client was closed");
    expect(r.ms).toBeLessThan(300 + MARGIN_MS);
    expect(server.received).toHaveLength(1);
  });
});

test("every request the server saw carried the key only in the Authorization header", async () => {
  server.next(ok(SANDBOX, 201));
  await restore(client());
  expect(server.received[0]?.authorization).toBe(`Bearer ${API_KEY}`);
  expect(server.received[0]?.path).not.toContain(API_KEY);
  expect(server.received[0]?.body).not.toContain(API_KEY);
});
