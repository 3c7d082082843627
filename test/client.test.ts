import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { afterEach, describe, expect, inject, test, vi } from "vitest";
import { Leap0Client, Leap0ClientClosedError, Leap0Error, VERSION } from "../src";
import { API_KEY, mockClient, TRANSPORT } from "./support/helpers";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("configuration", () => {
  test("a missing or blank key is a clear error at construction", () => {
    vi.stubEnv("LEAP0_API_KEY", "");
    expect(() => new Leap0Client()).toThrow(Leap0Error);
    expect(() => new Leap0Client()).toThrow(/LEAP0_API_KEY/);
    expect(() => new Leap0Client({ apiKey: "   " })).toThrow(/No Leap0 API key/);
  });

  test("LEAP0_API_KEY and LEAP0_BASE_URL are read from the environment", async () => {
    vi.stubEnv("LEAP0_API_KEY", API_KEY);
    vi.stubEnv("LEAP0_BASE_URL", inject("prismUrl"));
    const client = new Leap0Client();
    const page = await client.snapshots.list();
    expect(page.totalItems).toBe(1);
  });

  test("every request carries the bearer key, a leap0-js User-Agent and no key elsewhere", async () => {
    const { client, rec } = mockClient();
    await client.sandboxes.list();
    const headers = rec.sent[0]!.headers;
    expect(headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(headers.get("user-agent")).toBe(`leap0-js/${VERSION}`);
    // As Leap0's own JavaScript SDK identifies itself.
    expect(headers.get("leap0-source")).toBe("sdk-ts");
    expect(rec.sent[0]!.query.toString()).not.toContain(API_KEY);
  });

  test("VERSION matches package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  test("plain http:// to a non-loopback host is refused unless explicitly allowed", () => {
    expect(() => new Leap0Client({ apiKey: API_KEY, baseUrl: "http://api.example.com" })).toThrow(/plain http/);
    expect(
      () => new Leap0Client({ apiKey: API_KEY, baseUrl: "http://api.example.com", allowInsecureHttp: true }),
    ).not.toThrow();
    expect(() => new Leap0Client({ apiKey: API_KEY, baseUrl: "http://127.0.0.1:4010" })).not.toThrow();
    expect(() => new Leap0Client({ apiKey: API_KEY, baseUrl: "http://localhost:4010" })).not.toThrow();
    expect(() => new Leap0Client({ apiKey: API_KEY, baseUrl: "not a url" })).toThrow(
      /baseUrl: is not a valid absolute URL/,
    );
  });

  test("a key that cannot be a header value is refused at construction, without echoing it", () => {
    for (const apiKey of ["sk-live secret", "sk-live\nsecret", "sk-livé"]) {
      const error = (() => {
        try {
          new Leap0Client({ apiKey });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(Leap0Error);
      expect(error?.message).toContain("cannot be sent in an HTTP header");
      expect(error?.message).not.toContain("secret");
    }
  });

  test("a timeout beyond what timers can hold is capped, not turned into an instant timeout", async () => {
    const { client } = mockClient({ timeout: 10 ** 9 });
    await expect(client.snapshots.list()).resolves.toMatchObject({ totalItems: 1 });
  });

  test("timeout and maxRetries are checked at construction", () => {
    expect(() => new Leap0Client({ apiKey: API_KEY, timeout: 0 })).toThrow(/timeout/);
    expect(() => new Leap0Client({ apiKey: API_KEY, maxRetries: -1 })).toThrow(/maxRetries/);
  });
});

describe("close()", () => {
  test("later calls fail with Leap0ClientClosedError and send nothing", async () => {
    const { client, rec } = mockClient();
    await client.close();
    expect(client.closed).toBe(true);
    const error = await client.sandboxes.create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Leap0ClientClosedError);
    expect((error as Error).message).toContain("client was closed");
    expect(rec.sent).toHaveLength(0);
  });
});

describe("the API key never leaks", () => {
  test("not in console.log / JSON.stringify of a client, a sandbox, or an error", async () => {
    const { client } = mockClient({ headers: { Prefer: "code=404" } });
    const sandbox = await mockClient().client.sandboxes.create();
    const error = await client.sandboxes.get("sbx-x").catch((e: unknown) => e);
    for (const value of [client, sandbox, error]) {
      expect(inspect(value, { depth: 20, showHidden: true })).not.toContain(API_KEY);
      expect(JSON.stringify(value)).not.toContain(API_KEY);
    }
    expect(JSON.parse(JSON.stringify(sandbox))).toMatchObject({ id: "sbx-7f3k2m9q4d", state: "starting" });
  });

  test("log lines at every level name the call but never the key", async () => {
    const lines: string[] = [];
    const logger = {
      debug: (m: string) => lines.push(m),
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    };
    const { client } = mockClient({ logger, logLevel: "debug", headers: { Prefer: "code=404" } });
    await client.sandboxes.get("sbx-x").catch(() => undefined);
    expect(lines.some((l) => l.includes("GET /v1/sandbox/{sandboxID}/ 404") && l.includes("attempt 1"))).toBe(true);
    expect(lines.join("\n")).not.toContain(API_KEY);
  });
});

describe("LEAP0_LOG", () => {
  test("turns logging on without code changes, through the given logger", async () => {
    vi.stubEnv("LEAP0_LOG", "info");
    const lines: string[] = [];
    const { client } = mockClient({ logger: { info: (m: string) => lines.push(m) } });
    await client.snapshots.list();
    expect(lines).toEqual([
      expect.stringMatching(/^\[leap0\] GET \/v1\/snapshots 200 ok \d+ms attempt 1 \(listSnapshots\)$/),
    ]);
  });

  test("an unknown level is a clear error", () => {
    expect(() => mockClient({ logLevel: "loud" as never })).toThrow(/logLevel: must be one of/);
  });
});

describe("transport", () => {
  test(`this project's calls really go over the ${TRANSPORT} transport`, async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    try {
      const { client } = mockClient();
      await client.snapshots.list();
      expect(spy).toHaveBeenCalledTimes(TRANSPORT === "undici" ? 0 : 1);
    } finally {
      spy.mockRestore();
    }
  });
});

test("many concurrent calls on one client raise no listener-leak warning", async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on("warning", onWarning);
  try {
    const { client } = mockClient();
    await Promise.all(Array.from({ length: 40 }, () => client.snapshots.list()));
    await new Promise((r) => setTimeout(r, 50)); // warnings are emitted on the next tick
  } finally {
    process.off("warning", onWarning);
  }
  expect(warnings.filter((w) => w === "MaxListenersExceededWarning")).toEqual([]);
});
