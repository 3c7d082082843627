import { API_SERVER } from "../../generated/operations";
import { envAccess, readEnv } from "./env";
import { Leap0ValidationError } from "./errors";
import { DEFAULT_SANDBOX_DOMAIN, type SandboxHosts } from "./hosts";
import { LOG_LEVELS, type Logger, type LogLevel } from "./logging";
import { unknownKeyProblem } from "./suggest";
import { otelEnabled } from "./telemetry";
import type { WebSocketConstructor } from "./websocket";

/** Where the API lives unless `baseUrl` or `LEAP0_BASE_URL` says otherwise (the spec's server). */
export const DEFAULT_BASE_URL: string = API_SERVER;
/** Seconds a call may take, retries included. Long on purpose: snapshotting a large sandbox is slow. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
/** How many times a failed call is retried when the failure is known to be safe to retry. */
export const DEFAULT_MAX_RETRIES = 2;
/**
 * Largest response body the SDK buffers, in bytes (16 MiB). The service caps its responses at
 * 10 MiB, so this leaves headroom; a larger body means a misbehaving server or proxy, and is
 * refused as soon as the limit is passed, without reading the rest.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

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
   * The WebSocket class for terminal connections (`sandbox.pty.connect`). It must send the
   * `Authorization` header: in Node pass `nodeWebSocket` from `leap0/node` (Node 20 has no
   * WebSocket) or the `ws` package's; Bun, Deno and Node 22+ have a global one that is used when
   * this is unset. Browsers' WebSocket cannot send the header and is refused.
   */
  webSocket?: WebSocketConstructor;
  /**
   * Allow sending the key over plain `http://` to a host that is not loopback. Off by default,
   * because anyone on the path could read the key.
   */
  allowInsecureHttp?: boolean;
  /** Where log lines go (anything console-like). Defaults to `console` when a level is set. */
  logger?: Logger;
  /** How much to log; defaults to `LEAP0_LOG`, then `warn` with a logger, else `off`. */
  logLevel?: LogLevel;
  /**
   * Largest response body buffered, in bytes; default {@link DEFAULT_MAX_RESPONSE_BYTES} (16 MiB).
   * A larger one fails with `Leap0ResponseTooLargeError` without being read to the end.
   */
  maxResponseBytes?: number;
  /**
   * Domain under which sandboxes serve their own APIs and ports (`https://{sandboxId}.{domain}`);
   * defaults to `LEAP0_SANDBOX_DOMAIN`, then `sandbox.leap0.dev`.
   */
  sandboxDomain?: string;
  /**
   * For tests and proxies: a URL template used instead of `https://{sandboxId}.{sandboxDomain}`.
   * `{sandboxId}` is replaced by the id and `{port}` by a port; without `{sandboxId}` every
   * sandbox is reached at that one URL (a local mock). Defaults to `LEAP0_SANDBOX_URL`.
   */
  sandboxUrl?: string;
  /**
   * Headers sent with every request (trace context, a tenant id). They cannot replace
   * `Authorization`; per-call `headers` win over them.
   */
  defaultHeaders?: Record<string, string>;
  /**
   * Extra `fetch` init passed to every request (for example `{ dispatcher }`, an undici proxy
   * agent, on both transports). Per-call `fetchOptions` are merged over them.
   */
  fetchOptions?: FetchOptions;
  /**
   * A span per call through `@opentelemetry/api` (install it; the SDK bundles no exporter).
   * Defaults to `LEAP0_SDK_OTEL_ENABLED`, else on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
   */
  sdkOtelEnabled?: boolean;
  /**
   * Allow the client in a web browser. Off by default: a key in a page is readable by anyone who
   * opens the developer tools. Turn it on only with a key meant to be public, behind your own
   * proxy or for a local tool.
   */
  dangerouslyAllowBrowser?: boolean;
}

/** Extra `RequestInit` fields for `fetch`, such as undici's `dispatcher`. */
export type FetchOptions = Record<string, unknown>;

/** The options after defaults and environment are applied and checked. */
export interface ResolvedConfig {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch | undefined;
  webSocket: WebSocketConstructor | undefined;
  logger: Logger | undefined;
  logLevel: LogLevel;
  maxResponseBytes: number;
  sandboxHosts: SandboxHosts;
  defaultHeaders: Record<string, string>;
  fetchOptions: FetchOptions | undefined;
  otel: boolean;
}

/**
 * Per-call options; every method that calls the API takes them as its last argument (`options`).
 *
 * What any such call can raise is said here once, not on each method (a method's own doc names
 * only what is particular to it):
 * - {@link Leap0ValidationError} when the arguments break the contract (the field is named;
 *   nothing is sent);
 * - {@link Leap0BadRequestError} when the service refuses the parameters (400), and the other
 *   {@link Leap0APIError} classes for what it answers: 401, 403, 404, 409, 429, 5xx;
 * - {@link Leap0TimeoutError} when `timeout` runs out, {@link Leap0AbortError} when `signal`
 *   fires or the client is closed, {@link Leap0ConnectionError} when the connection fails
 *   (with `mayHaveSucceeded` when a request that creates may have reached the service).
 */
export interface RequestOptions {
  /** Seconds this call may take in all, retries included; overrides the client's `timeout`. */
  timeout?: number;
  /** Cancels the call (and any wait between retries) when it fires. */
  signal?: AbortSignal;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Headers for this call only, over the client's `defaultHeaders`; never `Authorization`. */
  headers?: Record<string, string>;
  /** Extra `fetch` init for this call, merged over the client's `fetchOptions`. */
  fetchOptions?: FetchOptions;
}

/** Per-call options after checking. */
export interface ResolvedRequestOptions {
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  maxRetries: number | undefined;
  headers: Record<string, string> | undefined;
  fetchOptions: FetchOptions | undefined;
}

const CLIENT_OPTIONS: readonly (keyof Leap0ClientOptions)[] = [
  "apiKey",
  "baseUrl",
  "timeout",
  "maxRetries",
  "fetch",
  "webSocket",
  "allowInsecureHttp",
  "logger",
  "logLevel",
  "maxResponseBytes",
  "sandboxDomain",
  "sandboxUrl",
  "defaultHeaders",
  "fetchOptions",
  "sdkOtelEnabled",
  "dangerouslyAllowBrowser",
];
const REQUEST_OPTIONS: readonly (keyof RequestOptions)[] = [
  "timeout",
  "signal",
  "maxRetries",
  "headers",
  "fetchOptions",
];
// fetch init fields the pipeline owns: the caller's would break its promises.
const OWNED_INIT = ["signal", "redirect", "body", "method", "headers"];

function headersOption(kind: "client option" | "request option", name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw optionError(kind, name, "must be an object of header names to string values");
  const out: Record<string, string> = {};
  for (const [header, v] of Object.entries(value)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header))
      throw optionError(kind, name, "has a name that is not a valid header name");
    if (header.toLowerCase() === "authorization") {
      throw optionError(kind, name, "cannot set Authorization (the client sends the API key itself)");
    }
    if (typeof v !== "string" || /[\r\n\0]/.test(v)) {
      throw optionError(kind, `${name}.${header}`, "must be a string without line breaks");
    }
    out[header] = v;
  }
  return out;
}

function fetchOptionsOption(kind: "client option" | "request option", value: unknown): FetchOptions | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw optionError(kind, "fetchOptions", "must be an object");
  for (const key of OWNED_INIT) {
    if (key in value) throw optionError(kind, `fetchOptions.${key}`, "is set by the client for every request");
  }
  return value;
}

/**
 * The one error for a bad option, client-wide or per call. It names the option and says what is
 * wrong, and never echoes the value: a misplaced API key must not end up in a log.
 */
function optionError(kind: "client option" | "request option", name: string, problem: string): Leap0ValidationError {
  return new Leap0ValidationError(`Invalid ${kind} ${name}: ${problem}.`, {
    fieldErrors: [{ field: name, error: problem }],
  });
}

function checkKeys(kind: "client option" | "request option", options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    // A key that does not look like an option name may be a secret pasted in the wrong place.
    const shown = /^[A-Za-z_$][\w$]{0,39}$/.test(key) ? key : "(a key that is not an identifier)";
    throw optionError(kind, shown, unknownKeyProblem(shown, allowed));
  }
}

/** Checks a timeout in seconds and returns milliseconds. */
function timeoutMs(kind: "client option" | "request option", seconds: unknown): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
    throw optionError(kind, "timeout", "must be a positive number of seconds");
  }
  // Timers overflow past 2^31-1 ms (~24.8 days) and would fire at once; cap instead.
  return Math.min(Math.ceil(seconds * 1000), 2_147_483_647);
}

function retries(kind: "client option" | "request option", value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw optionError(kind, "maxRetries", "must be a whole number ≥ 0");
  }
  return value;
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.endsWith(".localhost")
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Applies defaults and the environment, and refuses a configuration that cannot work. */
export function resolveConfig(options: Leap0ClientOptions | undefined | null = {}): ResolvedConfig {
  const o: Leap0ClientOptions = options ?? {};
  const kind = "client option";
  if (!isPlainObject(o)) throw optionError(kind, "options", "must be an object");
  checkKeys(kind, o, CLIENT_OPTIONS);
  if (o.apiKey !== undefined && typeof o.apiKey !== "string") throw optionError(kind, "apiKey", "must be a string");
  if (inBrowser() && booleanOption(kind, "dangerouslyAllowBrowser", o.dangerouslyAllowBrowser) !== true) {
    throw new Leap0ValidationError(
      "Refusing to run in a web browser: the API key would be readable by anyone who opens the page's developer tools. Call Leap0 from your server, or pass dangerouslyAllowBrowser: true if the key is meant to be public.",
      { fieldErrors: [{ field: "dangerouslyAllowBrowser", error: "must be true to use the client in a browser" }] },
    );
  }
  const apiKey = (o.apiKey ?? readEnv("LEAP0_API_KEY") ?? "").trim();
  if (!apiKey) {
    const access = envAccess();
    const how =
      access === "ok"
        ? "pass { apiKey } to new Leap0Client() or set the LEAP0_API_KEY environment variable"
        : access === "denied"
          ? "pass { apiKey } to new Leap0Client() (LEAP0_API_KEY could not be read: this runtime denies access to the environment, e.g. Deno without --allow-env)"
          : "pass { apiKey } to new Leap0Client() (this runtime has no environment variables, e.g. a Worker or a browser, so LEAP0_API_KEY cannot be read)";
    throw new Leap0ValidationError(`No Leap0 API key: ${how}.`, {
      fieldErrors: [{ field: "apiKey", error: "is required" }],
    });
  }
  // A key with spaces or control characters would be refused by Headers at the first call,
  // with an error that quotes the header value: refuse it here, without echoing it.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw optionError(
      kind,
      "apiKey",
      "contains characters that cannot be sent in an HTTP header (spaces, line breaks or non-ASCII)",
    );
  }
  if (o.baseUrl !== undefined && typeof o.baseUrl !== "string") throw optionError(kind, "baseUrl", "must be a string");
  const rawBase = o.baseUrl ?? readEnv("LEAP0_BASE_URL") ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw optionError(kind, "baseUrl", "is not a valid absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw optionError(kind, "baseUrl", "must use https:// (or http:// for loopback)");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw optionError(kind, "baseUrl", "must not contain credentials, a query string or a fragment");
  }
  if (o.allowInsecureHttp !== undefined && typeof o.allowInsecureHttp !== "boolean") {
    throw optionError(kind, "allowInsecureHttp", "must be true or false");
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !o.allowInsecureHttp) {
    throw new Leap0ValidationError(
      `Refusing to send the API key over plain http:// to ${url.hostname}; use https://, or pass allowInsecureHttp: true if you really mean it.`,
      { fieldErrors: [{ field: "baseUrl", error: "must use https:// unless the host is loopback" }] },
    );
  }
  if (o.fetch !== undefined && typeof (o.fetch as unknown) !== "function") {
    throw optionError(kind, "fetch", "must be a function");
  }
  if (o.webSocket !== undefined && typeof (o.webSocket as unknown) !== "function") {
    throw optionError(kind, "webSocket", "must be a WebSocket class");
  }
  if (o.logger !== undefined && (typeof o.logger !== "object" || o.logger === null)) {
    throw optionError(kind, "logger", "must be an object with debug/info/warn/error methods (such as console)");
  }
  const maxResponseBytes = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (typeof maxResponseBytes !== "number" || !Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) {
    throw optionError(kind, "maxResponseBytes", "must be a whole number of bytes ≥ 1");
  }
  const timeout = timeoutMs(kind, o.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  if (timeout > 3_600_000) warnLongTimeout(o.logger);
  return {
    apiKey,
    sandboxHosts: resolveSandboxHosts(o, kind, apiKey),
    baseUrl: url.href.replace(/\/+$/, ""),
    timeoutMs: timeout,
    maxRetries: retries(kind, o.maxRetries ?? DEFAULT_MAX_RETRIES),
    fetch: o.fetch as typeof fetch | undefined,
    webSocket: o.webSocket as WebSocketConstructor | undefined,
    logger: o.logger,
    logLevel: resolveLogLevel(o.logLevel, o.logger, apiKey),
    maxResponseBytes,
    defaultHeaders: headersOption(kind, "defaultHeaders", o.defaultHeaders),
    fetchOptions: fetchOptionsOption(kind, o.fetchOptions),
    otel: otelEnabled(booleanOption(kind, "sdkOtelEnabled", o.sdkOtelEnabled)),
  };
}

/** A web page: a window with a document, and none of the server runtimes' globals. */
function inBrowser(): boolean {
  const g = globalThis as {
    window?: unknown;
    document?: unknown;
    process?: { versions?: { node?: string } };
    Deno?: unknown;
  };
  return typeof g.window !== "undefined" && typeof g.document !== "undefined" && !g.process?.versions?.node && !g.Deno;
}

function booleanOption(kind: "client option", name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") throw optionError(kind, name, "must be true or false");
  return value;
}

let warnedLongTimeout = false;

/** Timeouts are seconds; a client timeout over an hour is most likely milliseconds by mistake. */
function warnLongTimeout(logger: Logger | undefined): void {
  if (warnedLongTimeout) return;
  warnedLongTimeout = true;
  const line =
    "[leap0] The client timeout is over 3600 seconds. Timeouts are in seconds: 30_000 is 8.3 hours. Pass { timeout: 30 } for 30 seconds.";
  (logger?.warn ?? globalThis.console?.warn)?.call(logger ?? globalThis.console, line);
}

function resolveSandboxHosts(o: Leap0ClientOptions, kind: "client option", apiKey: string): SandboxHosts {
  if (o.sandboxDomain !== undefined && typeof o.sandboxDomain !== "string") {
    throw optionError(kind, "sandboxDomain", "must be a string");
  }
  const domain = (o.sandboxDomain ?? readEnv("LEAP0_SANDBOX_DOMAIN") ?? DEFAULT_SANDBOX_DOMAIN)
    .trim()
    .replace(/\.$/, "");
  if (
    !/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d{1,5})?$/.test(
      domain,
    )
  ) {
    throw optionError(kind, "sandboxDomain", "must be a domain name such as sandbox.leap0.dev (no scheme, no path)");
  }
  // The domain becomes part of every sandbox host name, which DNS resolvers and proxies see in
  // the clear: a key pasted here by mistake must not leave the process that way.
  const host = domain.replace(/:\d+$/, "");
  if ((apiKey && domain.includes(apiKey)) || (!host.includes(".") && host.toLowerCase() !== "localhost")) {
    throw optionError(
      kind,
      "sandboxDomain",
      "must be a domain name with a dot, such as sandbox.leap0.dev; this value looks like a key, not a domain",
    );
  }
  if (host.split(".").some((label) => label.length > 63)) {
    throw optionError(kind, "sandboxDomain", "has a label longer than 63 characters, so it is no domain name");
  }
  if (o.sandboxUrl !== undefined && typeof o.sandboxUrl !== "string") {
    throw optionError(kind, "sandboxUrl", "must be a string");
  }
  const template = (o.sandboxUrl ?? readEnv("LEAP0_SANDBOX_URL"))?.trim() || undefined;
  if (template) {
    let url: URL;
    try {
      url = new URL(
        template
          .split("{sandboxId}")
          .join("sandbox")
          .replace(/\{port\}/g, "1"),
      );
    } catch {
      throw optionError(kind, "sandboxUrl", "is not a valid absolute URL (with {sandboxId} and {port} placeholders)");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw optionError(kind, "sandboxUrl", "must use https:// (or http:// for loopback)");
    }
    if (url.username || url.password || url.search || url.hash) {
      throw optionError(kind, "sandboxUrl", "must not contain credentials, a query string or a fragment");
    }
    if (url.protocol === "http:" && !isLoopback(url.hostname) && !o.allowInsecureHttp) {
      throw optionError(
        kind,
        "sandboxUrl",
        "must use https:// unless the host is loopback (or allowInsecureHttp is set)",
      );
    }
  }
  return { domain, template };
}

function resolveLogLevel(option: unknown, logger: Logger | undefined, apiKey: string): LogLevel {
  if (option !== undefined) {
    if (typeof option === "string" && (LOG_LEVELS as readonly string[]).includes(option.toLowerCase())) {
      return option.toLowerCase() as LogLevel;
    }
    throw optionError("client option", "logLevel", `must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const env = readEnv("LEAP0_LOG");
  if (env !== undefined) {
    if ((LOG_LEVELS as readonly string[]).includes(env.toLowerCase())) return env.toLowerCase() as LogLevel;
    // Name the value so the mistake is visible, unless it could be a secret pasted in the wrong place.
    const shown = env !== apiKey && /^[a-z]{1,12}$/i.test(env) ? ` (got ${JSON.stringify(env)})` : "";
    throw new Leap0ValidationError(
      `Invalid environment variable LEAP0_LOG${shown}: must be one of ${LOG_LEVELS.join(", ")}.`,
      { fieldErrors: [{ field: "LEAP0_LOG", error: `must be one of ${LOG_LEVELS.join(", ")}` }] },
    );
  }
  return logger ? "warn" : "off";
}

/** Checks a call's options in the same way as the client's; `null` and `undefined` mean none. */
export function resolveRequestOptions(options: RequestOptions | undefined | null): ResolvedRequestOptions {
  if (options === undefined || options === null) {
    return {
      timeoutMs: undefined,
      signal: undefined,
      maxRetries: undefined,
      headers: undefined,
      fetchOptions: undefined,
    };
  }
  const kind = "request option";
  if (!isPlainObject(options)) throw optionError(kind, "options", "must be an object");
  checkKeys(kind, options, REQUEST_OPTIONS);
  const { signal } = options;
  if (signal !== undefined && !isAbortSignal(signal)) throw optionError(kind, "signal", "must be an AbortSignal");
  return {
    timeoutMs: options.timeout === undefined ? undefined : timeoutMs(kind, options.timeout),
    signal,
    maxRetries: options.maxRetries === undefined ? undefined : retries(kind, options.maxRetries),
    headers: options.headers === undefined ? undefined : headersOption(kind, "headers", options.headers),
    fetchOptions: fetchOptionsOption(kind, options.fetchOptions),
  };
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function" &&
    typeof (value as AbortSignal).removeEventListener === "function"
  );
}
