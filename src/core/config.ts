import { Leap0Error } from "./errors";
import type { Logger, LogLevel } from "./logging";

/** Where the API lives unless `baseUrl` or `LEAP0_BASE_URL` says otherwise. */
export const DEFAULT_BASE_URL = "https://api.leap0.dev";
/** Seconds a call may take, retries included. Long on purpose: snapshotting a large sandbox is slow. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
/** How many times a failed call is retried when the failure is known to be safe to retry. */
export const DEFAULT_MAX_RETRIES = 2;

/** Options for {@link Leap0Client}. Every one has a default or an environment variable. */
export interface Leap0ClientOptions {
  /** API key; defaults to `LEAP0_API_KEY`. Sent only as `Authorization: Bearer …`. */
  apiKey?: string;
  /** API root; defaults to `LEAP0_BASE_URL`, then `https://api.leap0.dev`. */
  baseUrl?: string;
  /** Seconds one call may take in all (connect, headers, body, retries). Default 300. */
  timeout?: number;
  /** Retries of a failed call when it is safe to retry (see README). Default 2; 0 disables. */
  maxRetries?: number;
  /** A `fetch` to use instead of the global one (a proxy agent, a test double, another runtime's). */
  fetch?: typeof fetch;
  /**
   * Allow sending the key over plain `http://` to a host that is not loopback. Off by default,
   * because anyone on the path could read the key.
   */
  allowInsecureHttp?: boolean;
  /** Where log lines go (anything console-like). Defaults to `console` when a level is set. */
  logger?: Logger;
  /** How much to log; defaults to `LEAP0_LOG`, then `warn` with a logger, else `off`. */
  logLevel?: LogLevel;
}

/** The options after defaults and environment are applied and checked. */
export interface ResolvedConfig {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch | undefined;
  logger: Logger | undefined;
  logLevel: LogLevel | undefined;
}

/** Reads an environment variable where there is one (Node, Bun, Deno with --allow-env); never throws. */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name]?.trim();
    return value ? value : undefined;
  } catch {
    return undefined;
  }
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.endsWith(".localhost")
  );
}

/** Checks a timeout in seconds and returns milliseconds; `what` names it in the error. */
export function timeoutToMs(seconds: number, what: string): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new Leap0Error(`${what} must be a positive number of seconds, got ${String(seconds)}`);
  }
  // Timers overflow past 2^31-1 ms (~24.8 days) and would fire at once; cap instead.
  return Math.min(Math.ceil(seconds * 1000), 2_147_483_647);
}

/** Applies defaults and the environment, and refuses a configuration that cannot work. */
export function resolveConfig(options: Leap0ClientOptions = {}): ResolvedConfig {
  const apiKey = (options.apiKey ?? readEnv("LEAP0_API_KEY") ?? "").trim();
  if (!apiKey) {
    throw new Leap0Error(
      "No Leap0 API key: pass { apiKey } to new Leap0Client() or set the LEAP0_API_KEY environment variable.",
    );
  }
  // A key with spaces or control characters would be refused by Headers at the first call,
  // with an error that quotes the header value: refuse it here, without echoing it.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new Leap0Error(
      "The API key contains characters that cannot be sent in an HTTP header (spaces, line breaks or non-ASCII).",
    );
  }
  const rawBase = options.baseUrl ?? readEnv("LEAP0_BASE_URL") ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw new Leap0Error(`baseUrl is not a valid URL: ${JSON.stringify(rawBase)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Leap0Error(`baseUrl must use https:// (or http:// for loopback), got ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Leap0Error("baseUrl must not contain credentials, a query string or a fragment");
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !options.allowInsecureHttp) {
    throw new Leap0Error(
      `Refusing to send the API key over plain http:// to ${url.hostname}; use https://, or pass allowInsecureHttp: true if you really mean it.`,
    );
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new Leap0Error(`maxRetries must be a whole number ≥ 0, got ${String(maxRetries)}`);
  }
  return {
    apiKey,
    baseUrl: url.href.replace(/\/+$/, ""),
    timeoutMs: timeoutToMs(options.timeout ?? DEFAULT_TIMEOUT_SECONDS, "timeout"),
    maxRetries,
    fetch: options.fetch,
    logger: options.logger,
    logLevel: options.logLevel,
  };
}
