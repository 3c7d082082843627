/**
 * Test helpers: a client pointed at the run's Prism mock, and a recording `fetch` that
 * forwards every request to Prism for real while remembering what was sent and whether Prism
 * found a contract violation in it (`sl-violations`).
 */
import { afterEach, expect, inject } from "vitest";
import { Leap0Client, type Leap0ClientOptions, type Sandbox } from "../../src";
import { nodeFetch } from "../../src/node";

/**
 * The transport under test: the global fetch, or the `leap0/node` undici transport when the
 * vitest project sets LEAP0_TEST_TRANSPORT=undici. The same tests run over both.
 */
export const TRANSPORT = process.env.LEAP0_TEST_TRANSPORT === "undici" ? "undici" : "fetch";
export const transportFetch: typeof fetch =
  TRANSPORT === "undici" ? nodeFetch() : (input, init) => globalThis.fetch(input, init);

export const API_KEY = "sk-test-4f9a1c77e2b04d1aa0c3-do-not-leak";

export interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
  status: number;
  violations: string | null;
}

export interface Recorder {
  fetch: typeof fetch;
  sent: Sent[];
  /** Every violation Prism reported for what we sent. */
  violations(): string[];
}

/** A fetch that records each request and adds `extraHeaders` (e.g. `Prefer: code=404`). */
export function recorder(extraHeaders: Record<string, string> = {}): Recorder {
  const sent: Sent[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    for (const [k, v] of Object.entries(extraHeaders)) request.headers.set(k, v);
    const text = request.body ? await request.clone().text() : "";
    const url = new URL(request.url);
    const response = await transportFetch(request);
    sent.push({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text && /json/i.test(request.headers.get("content-type") ?? "") ? JSON.parse(text) : text || undefined,
      status: response.status,
      violations: response.headers.get("sl-violations"),
    });
    return response;
  };
  return {
    fetch: fetchImpl as typeof fetch,
    sent,
    violations: () => sent.flatMap((s) => (s.violations ? [`${s.method} ${s.path}: ${s.violations}`] : [])),
  };
}

/** A client on the Prism mock, recording what it sends. */
export function mockClient(options: Leap0ClientOptions & { headers?: Record<string, string> } = {}): {
  client: Leap0Client;
  rec: Recorder;
} {
  const { headers, ...rest } = options;
  const rec = recorder(headers);
  const client = new Leap0Client({ apiKey: API_KEY, baseUrl: inject("prismUrl"), fetch: rec.fetch, ...rest });
  return { client, rec };
}

/**
 * For an in-sandbox service's tests: returns a maker of sandbox "sbx-a1" on the Prism mock, and
 * fails each test whose requests Prism found in violation of openapi.yaml (an afterEach hook).
 */
export function sandboxOnPrism(): (headers?: Record<string, string>) => { sandbox: Sandbox; rec: Recorder } {
  const recs: Recorder[] = [];
  afterEach(() => {
    const violations = recs.flatMap((r) => r.violations());
    recs.length = 0;
    expect(violations).toEqual([]);
  });
  return (headers) => {
    const { client, rec } = mockClient({ sandboxUrl: inject("prismUrl"), headers });
    recs.push(rec);
    return { sandbox: client.sandboxes.connect("sbx-a1"), rec };
  };
}

/** A client on `baseUrl` logging at debug level into `lines`, to check what the log lines carry. */
export function loggingClient(baseUrl: string): { client: Leap0Client; lines: string[] } {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const client = new Leap0Client({
    apiKey: API_KEY,
    baseUrl,
    logLevel: "debug",
    logger: { debug: log, info: log, warn: log, error: log },
  });
  return { client, lines };
}
