/**
 * The harness around documented snippets: `new Leap0Client()` (no options, as the docs write it)
 * reaches the Prism mock through the environment, every request is recorded with Prism's
 * verdict, and `console.log` is captured. Registers its own beforeEach/afterEach hooks.
 */
import { afterEach, beforeEach, expect, inject, vi } from "vitest";

/** One request a snippet made, and what Prism said of it. */
export interface SnippetRequest {
  method: string;
  path: string;
  status: number;
  violations: string | null;
  body: string;
}

/** The key the snippets' client reads from LEAP0_API_KEY (a front that checks it needs the same). */
export const SNIPPET_API_KEY = "sk-snippet-test-key-0123456789";

export interface SnippetHarnessOptions {
  /**
   * Env vars to stub over the defaults (LEAP0_API_KEY, LEAP0_BASE_URL = Prism). A function, read
   * before each test, because a server started in beforeAll has no URL when the file loads.
   */
  env?: () => Record<string, string>;
  /** Globals to stub before each test (e.g. a WebSocket Node 20 lacks); unstubbed after it. */
  globals?: Record<string, unknown>;
}

/** Installs the hooks; the returned arrays are emptied before each test, never replaced. */
export function snippetHarness(options: SnippetHarnessOptions = {}): {
  sent: SnippetRequest[];
  logged: unknown[][];
  /** Every request the snippet made was valid and succeeded; returns "METHOD route" lines (ids cut). */
  calls: () => string[];
} {
  const realFetch = globalThis.fetch;
  const sent: SnippetRequest[] = [];
  const logged: unknown[][] = [];
  // Snippets that set OTEL_* themselves (the telemetry guide) must not leak them to later tests.
  const savedOtel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_HEADERS: process.env.OTEL_EXPORTER_OTLP_HEADERS,
  };

  beforeEach(() => {
    sent.length = 0;
    logged.length = 0;
    const env = { LEAP0_API_KEY: SNIPPET_API_KEY, LEAP0_BASE_URL: inject("prismUrl"), ...options.env?.() };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    for (const [k, v] of Object.entries(options.globals ?? {})) vi.stubGlobal(k, v);
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const body = request.body ? await request.clone().text() : "";
      const response = await realFetch(request);
      sent.push({
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        violations: response.headers.get("sl-violations"),
        body,
      });
      return response;
    };
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
  });

  afterEach(() => {
    globalThis.fetch = realFetch;
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    for (const [k, v] of Object.entries(savedOtel)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const calls = () => {
    expect(sent.map((s) => s.violations).filter(Boolean)).toEqual([]);
    expect(sent.every((s) => s.status < 300)).toBe(true);
    return sent.map((s) => `${s.method} ${s.path.replace(/^\/v1\/sandbox\/[^/]+\//, "/v1/sandbox/{id}/")}`);
  };
  return { sent, logged, calls };
}
