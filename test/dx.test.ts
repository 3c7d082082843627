/**
 * What a user notices around the calls: their own headers and fetch options reach the wire on
 * both transports (but never replace the key), and errors carry what is needed to debug them.
 */
import { Agent, type Dispatcher } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  Leap0BadRequestError,
  Leap0Client,
  type Leap0ClientOptions,
  Leap0ConflictError,
  Leap0NotFoundError,
  Leap0ValidationError,
} from "../src";
import { FaultServer, ok, SANDBOX } from "./support/fault-server";
import { API_KEY, TRANSPORT, transportFetch } from "./support/helpers";

const server = new FaultServer();
beforeAll(() => server.start());
afterEach(() => server.reset());
afterAll(() => server.stop());

function client(options: Leap0ClientOptions = {}): Leap0Client {
  return new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, timeout: 5, fetch: transportFetch, ...options });
}

async function caught(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe(`headers and fetch options (${TRANSPORT})`, () => {
  test("defaultHeaders on every request, per-call headers over them", async () => {
    server.next(ok(SANDBOX), ok(SANDBOX));
    const c = client({ defaultHeaders: { traceparent: "00-abc-def-01", "x-tenant": "a" } });
    await c.sandboxes.get("sbx-a1");
    await c.sandboxes.get("sbx-a1", { headers: { "x-tenant": "b", "x-request-id": "r1" } });
    expect(server.received[0]?.headers).toMatchObject({ traceparent: "00-abc-def-01", "x-tenant": "a" });
    expect(server.received[1]?.headers).toMatchObject({
      traceparent: "00-abc-def-01",
      "x-tenant": "b",
      "x-request-id": "r1",
    });
    for (const r of server.received) expect(r.authorization).toBe(`Bearer ${API_KEY}`);
  });

  test("no header option can replace Authorization", async () => {
    expect(() => client({ defaultHeaders: { Authorization: "Bearer other" } })).toThrow(Leap0ValidationError);
    const e = await caught(client().sandboxes.get("sbx-a1", { headers: { authorization: "Bearer other" } }));
    expect(e).toBeInstanceOf(Leap0ValidationError);
    expect(server.received).toHaveLength(0);
  });

  test("fetchOptions carry an undici dispatcher to the request, client-wide and per call", async () => {
    const used: string[] = [];
    const tracking = (name: string): Dispatcher => {
      const agent = new Agent();
      return new Proxy(agent, {
        get(target, prop, receiver) {
          if (prop === "dispatch") used.push(name);
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    server.next(ok(SANDBOX), ok(SANDBOX));
    const c = client({ fetchOptions: { dispatcher: tracking("client") } });
    await c.sandboxes.get("sbx-a1");
    await c.sandboxes.get("sbx-a1", { fetchOptions: { dispatcher: tracking("call") } });
    expect(used).toEqual(["client", "call"]);
  });

  test("fetchOptions cannot take over what the pipeline owns", () => {
    expect(() => client({ fetchOptions: { redirect: "follow" } })).toThrow(/fetchOptions.redirect/);
    expect(() => client({ fetchOptions: { signal: AbortSignal.abort() } })).toThrow(/fetchOptions.signal/);
  });
});

describe(`errors a person can debug (${TRANSPORT})`, () => {
  test("an API error carries the response headers and the parsed body", async () => {
    server.next({
      kind: "json",
      status: 409,
      body: { message: "snapshot name already exists", code: "NAME_TAKEN" },
      headers: { "x-request-id": "req-123" },
    });
    const e = (await caught(client().snapshots.create("sbx-a1", { name: "warm" }))) as Leap0ConflictError;
    expect(e).toBeInstanceOf(Leap0ConflictError);
    expect(e.headers.get("x-request-id")).toBe("req-123");
    expect(e.body).toEqual({ message: "snapshot name already exists", code: "NAME_TAKEN" });
  });

  test("RFC 7807 title and detail reach the message", async () => {
    server.next({
      kind: "json",
      status: 400,
      body: { type: "about:blank", title: "Bad Request", detail: "timeout is out of range" },
    });
    const e = (await caught(client().snapshots.restore({ snapshotName: "warm" }))) as Error;
    expect(e).toBeInstanceOf(Leap0BadRequestError);
    expect(e.message).toContain("Bad Request: timeout is out of range");
  });

  test("a 404 names what was not found", async () => {
    server.next({ kind: "json", status: 404, body: { message: "not found" } });
    const e = (await caught(client().sandboxes.get("sbx-missing"))) as Error;
    expect(e).toBeInstanceOf(Leap0NotFoundError);
    expect(e.message).toContain('no such sandbox "sbx-missing"');
  });
});

describe("validation messages", () => {
  test('a missing required parameter "is required"', async () => {
    const e = (await caught(client().snapshots.restore({} as never))) as Leap0ValidationError;
    expect(e.fieldErrors).toEqual([{ field: "snapshotName", error: "is required" }]);
    expect(e.message).toContain("snapshotName is required");
  });

  test("an unknown key lists the allowed keys, with a did-you-mean", async () => {
    const e = (await caught(client().snapshots.restore({ snapshotname: "warm" } as never))) as Leap0ValidationError;
    const unknown = e.fieldErrors.find((f) => f.field === "snapshotname");
    expect(unknown?.error).toContain("allowed: snapshotName, timeout, autoPause, networkPolicy");
    expect(unknown?.error).toContain("did you mean snapshotName?");
    expect(server.received).toHaveLength(0);
  });

  test("an unknown nested key names its path", async () => {
    const e = (await caught(
      client().sandboxes.create({ networkPolicy: { mode: "custom", allowDomain: ["a.com"] } as never }),
    )) as Leap0ValidationError;
    expect(e.fieldErrors[0]?.field).toBe("networkPolicy.allowDomain");
    expect(e.fieldErrors[0]?.error).toContain("did you mean allowDomains?");
  });

  test("a client timeout over an hour warns once that timeouts are seconds", () => {
    const lines: string[] = [];
    const logger = { warn: (l: string) => lines.push(l) };
    client({ timeout: 30_000, logger });
    client({ timeout: 30_000, logger });
    expect(lines.filter((l) => l.includes("Timeouts are in seconds"))).toHaveLength(1);
  });

  test("where the environment cannot be read, the missing-key error says so", () => {
    const env = process.env;
    try {
      process.env = new Proxy({} as NodeJS.ProcessEnv, {
        get() {
          throw new Error("Requires env access");
        },
      });
      expect(() => new Leap0Client()).toThrow(/denies access to the environment/);
    } finally {
      process.env = env;
    }
    const saved = process.env.LEAP0_API_KEY;
    delete process.env.LEAP0_API_KEY;
    try {
      expect(() => new Leap0Client()).toThrow(/set the LEAP0_API_KEY environment variable/);
    } finally {
      if (saved !== undefined) process.env.LEAP0_API_KEY = saved;
    }
  });
});

describe("in a web browser", () => {
  test("a client is refused unless dangerouslyAllowBrowser: true", () => {
    const g = globalThis as Record<string, unknown>;
    const saved = { window: g.window, document: g.document, process: g.process };
    try {
      g.window = {};
      g.document = {};
      // A page has no Node `process`; the check must not mistake a server runtime for one.
      g.process = { env: {} };
      expect(() => new Leap0Client({ apiKey: API_KEY, baseUrl: server.url })).toThrow(/developer tools/);
      expect(
        () => new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, dangerouslyAllowBrowser: true }),
      ).not.toThrow();
    } finally {
      g.window = saved.window;
      g.document = saved.document;
      g.process = saved.process;
    }
    expect(() => new Leap0Client({ apiKey: API_KEY, baseUrl: server.url })).not.toThrow();
  });
});
