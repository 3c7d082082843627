import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../../generated/schema";
import { type ResolvedConfig, timeoutToMs } from "./config";
import {
  apiErrorClass,
  type FieldError,
  Leap0AbortError,
  Leap0ClientClosedError,
  Leap0ConnectionError,
  Leap0Error,
  Leap0MalformedResponseError,
  Leap0TimeoutError,
  Leap0ValidationError,
} from "./errors";
import { LogSink } from "./logging";
import { VERSION } from "./version";

/** Per-call options; every facade method takes them as its last argument. */
export interface RequestOptions {
  /** Seconds this call may take in all, retries included; overrides the client's `timeout`. */
  timeout?: number;
  /** Cancels the call (and any wait between retries) when it fires. */
  signal?: AbortSignal;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
}

/**
 * What the pipeline knows of an operation: its name (for messages), its method (for the retry
 * rules) and its path template (for log lines). Resources declare one per endpoint with
 * {@link operation} and pass `op.path` to the typed call, so the path is written once.
 */
export interface Operation<P extends keyof paths = keyof paths> {
  readonly name: string;
  readonly method: "GET" | "POST" | "DELETE";
  readonly path: P;
}

/** Declares an operation; the path is checked against the generated bindings. */
export function operation<P extends keyof paths>(name: string, method: Operation["method"], path: P): Operation<P> {
  return { name, method, path };
}

/** The typed openapi-fetch client over our generated paths. */
export type Api = Client<paths, "application/json">;

/** What each attempt hands openapi-fetch: our signal, and "give us the stream, we read it". */
export interface AttemptInit {
  signal: AbortSignal;
  parseAs: "stream";
}

/** One attempt of an operation, written by a resource as a one-line typed openapi-fetch call. */
export type Send = (init: AttemptInit) => Promise<{ response: Response; error?: unknown }>;

// Why a call's controller was aborted; compared by identity.
const TIMED_OUT = { reason: "timeout" };
const CALLER_ABORTED = { reason: "abort" };
const CLIENT_CLOSED = { reason: "closed" };

function abortTimedOut(ctl: AbortController): void {
  ctl.abort(TIMED_OUT);
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 60_000;
const MAY_HAVE_HAPPENED =
  " The request may have reached the server, so the operation may have taken effect; it was not retried, to avoid doing it twice.";
// Failures where the request certainly never left this machine, so any method may be retried.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

type Outcome =
  | { ok: true; value: unknown; status: number }
  | { ok: false; error: Leap0Error; retry: boolean; retryAfterMs?: number; status?: number };

/**
 * The one request pipeline: auth, timeout over the whole call (body included), cancellation,
 * retries with backoff, and status → typed error. Resources never see any of it.
 */
export class Transport {
  /** Typed bindings; resources call `api.GET("/v1/...")` inside {@link Transport.call}. */
  readonly api: Api;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  #closed = false;
  // Controllers of the calls in flight, aborted by close(). A set rather than one listener per
  // call on a shared signal: hundreds of concurrent calls must not trip Node's listener-leak warning.
  readonly #inflight = new Set<AbortController>();
  readonly #log: LogSink;

  constructor(config: ResolvedConfig) {
    const customFetch = config.fetch;
    this.api = createClient<paths>({
      baseUrl: config.baseUrl,
      // Bound late so a fetch installed after construction (polyfill, test server) is used.
      fetch: customFetch ?? ((input: Request) => globalThis.fetch(input)),
      headers: {
        Authorization: `Bearer ${config.apiKey}`,
        "User-Agent": `leap0-js/${VERSION}`,
        Accept: "application/json",
      },
    });
    this.#timeoutMs = config.timeoutMs;
    this.#maxRetries = config.maxRetries;
    this.#log = new LogSink(config.logger, config.logLevel);
  }

  /** True once {@link Transport.close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Aborts every call in flight and refuses new ones. */
  close(): void {
    this.#closed = true;
    for (const ctl of this.#inflight) ctl.abort(CLIENT_CLOSED);
  }

  /**
   * Runs one operation: attempts `send`, retries what is safe to retry, and returns the parsed
   * JSON body (or `undefined` for an empty one). Throws a {@link Leap0Error} subclass otherwise.
   */
  async call(op: Operation, send: Send, options: RequestOptions = {}): Promise<unknown> {
    if (this.#closed) throw stopped(op, CLIENT_CLOSED, 0);
    const { signal } = options;
    if (signal?.aborted) throw stopped(op, CALLER_ABORTED, 0);
    const timeoutMs = options.timeout === undefined ? this.#timeoutMs : timeoutToMs(options.timeout, "timeout");
    const maxRetries = options.maxRetries ?? this.#maxRetries;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new Leap0ValidationError(`maxRetries must be a whole number ≥ 0, got ${String(maxRetries)}`, {
        operation: op.name,
        fieldErrors: [{ field: "maxRetries", error: "must be a whole number ≥ 0" }],
      });
    }

    const ctl = new AbortController();
    const onCaller = signal ? () => ctl.abort(CALLER_ABORTED) : undefined;
    if (onCaller) signal?.addEventListener("abort", onCaller, { once: true });
    this.#inflight.add(ctl);
    const deadline = Date.now() + timeoutMs;
    const timer = setTimeout(abortTimedOut, timeoutMs, ctl);
    let attempt = 0;
    try {
      for (;;) {
        attempt++;
        const started = this.#log.enabled("info") ? Date.now() : 0;
        const outcome = await this.#attempt(op, send, ctl.signal);
        if (started) {
          const result = outcome.ok ? "ok" : outcome.error.name;
          this.#log.write(
            "info",
            `${op.method} ${op.path} ${outcome.status ?? "-"} ${result} ${Date.now() - started}ms attempt ${attempt} (${op.name})`,
          );
        }
        if (outcome.ok) return outcome.value;
        if (!outcome.retry || attempt > maxRetries) throw outcome.error;
        const delay = backoffMs(attempt, outcome.retryAfterMs);
        if (Date.now() + delay >= deadline) throw outcome.error;
        this.#log.write("warn", `${op.name}: ${outcome.error.name} on attempt ${attempt}; retrying in ${delay}ms`);
        await sleep(delay, ctl.signal);
      }
    } catch (e) {
      const error =
        ctl.signal.aborted && (e === ctl.signal.reason || !(e instanceof Leap0Error))
          ? stopped(op, ctl.signal.reason, timeoutMs, e)
          : e;
      this.#log.write("error", `${op.name} failed after ${attempt} attempt(s): ${(error as Error).message}`);
      throw error;
    } finally {
      clearTimeout(timer);
      if (onCaller) signal?.removeEventListener("abort", onCaller);
      this.#inflight.delete(ctl);
    }
  }

  async #attempt(op: Operation, send: Send, signal: AbortSignal): Promise<Outcome> {
    const idempotent = op.method !== "POST";
    let response: Response;
    let errorBody: unknown;
    try {
      ({ response, error: errorBody } = await send({ signal, parseAs: "stream" }));
    } catch (e) {
      if (signal.aborted) throw e;
      const notSent = neverSent(e);
      return {
        ok: false,
        retry: notSent || idempotent,
        error: new Leap0ConnectionError(
          `${op.name}: connection failed${describeCause(e)}.${!notSent && !idempotent ? MAY_HAVE_HAPPENED : ""}`,
          { operation: op.name, cause: e, mayHaveSucceeded: !notSent && !idempotent },
        ),
      };
    }

    if (!response.ok) return httpError(op, response, errorBody, idempotent);

    let text: string;
    try {
      text = response.body ? await response.text() : "";
    } catch (e) {
      if (signal.aborted) throw e;
      return {
        ok: false,
        retry: idempotent,
        status: response.status,
        error: new Leap0ConnectionError(
          `${op.name}: the connection broke while reading the response (HTTP ${response.status})${describeCause(e)}.${idempotent ? "" : MAY_HAVE_HAPPENED}`,
          { operation: op.name, status: response.status, cause: e, mayHaveSucceeded: !idempotent },
        ),
      };
    }
    if (text === "") return { ok: true, value: undefined, status: response.status };
    const type = response.headers.get("content-type") ?? "";
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
      return malformed(
        op,
        response.status,
        `expected a JSON body but got ${type ? `content type ${type}` : "no content type"}`,
      );
    }
    try {
      return { ok: true, value: JSON.parse(text), status: response.status };
    } catch (e) {
      return malformed(
        op,
        response.status,
        `the JSON body could not be parsed (${(e as Error).message}; ${text.length} bytes)`,
        e,
      );
    }
  }
}

function malformed(op: Operation, status: number, what: string, cause?: unknown): Outcome {
  return {
    ok: false,
    retry: false,
    status,
    error: new Leap0MalformedResponseError(`${op.name}: malformed response (HTTP ${status}): ${what}.`, {
      operation: op.name,
      status,
      cause,
    }),
  };
}

function httpError(op: Operation, response: Response, body: unknown, idempotent: boolean): Outcome {
  const status = response.status;
  const { message, fieldErrors } = describeErrorBody(body);
  const transient = status === 408 || status === 500 || status === 502 || status === 504;
  const refused = status === 429 || status === 503;
  const mayHaveSucceeded = transient && !idempotent;
  const fields = fieldErrors.length ? ` (${fieldErrors.map((f) => `${f.field}: ${f.error}`).join("; ")})` : "";
  const ErrorClass = apiErrorClass(status);
  return {
    ok: false,
    status,
    retry: refused || (transient && idempotent),
    retryAfterMs: refused || transient ? parseRetryAfter(response.headers.get("retry-after")) : undefined,
    error: new ErrorClass(
      `${op.name}: HTTP ${status}${message ? `: ${message}` : ""}${fields}${mayHaveSucceeded ? `.${MAY_HAVE_HAPPENED}` : ""}`,
      { operation: op.name, status, fieldErrors, mayHaveSucceeded },
    ),
  };
}

/** Pulls the API's message and field errors out of an error body, whatever shape it has. */
function describeErrorBody(body: unknown): { message: string; fieldErrors: FieldError[] } {
  if (body && typeof body === "object") {
    const b = body as { message?: unknown; errors?: unknown };
    const fieldErrors = Array.isArray(b.errors)
      ? b.errors
          .filter((e): e is FieldError => !!e && typeof e.field === "string" && typeof e.error === "string")
          .map((e) => ({ field: e.field, error: e.error }))
      : [];
    return { message: typeof b.message === "string" ? b.message : "", fieldErrors };
  }
  if (typeof body === "string" && body.trim()) {
    const text = body.trim();
    if (/^<(!doctype|html)/i.test(text))
      return { message: "the server sent an HTML page instead of JSON", fieldErrors: [] };
    return { message: text.length > 200 ? `${text.slice(0, 200)}…` : text, fieldErrors: [] };
  }
  return { message: "", fieldErrors: [] };
}

/** The error for a call ended by its timeout, its caller, or `client.close()`. */
function stopped(op: Operation, reason: unknown, timeoutMs: number, cause?: unknown): Leap0Error {
  if (reason === TIMED_OUT) {
    const maybe = op.method === "POST";
    return new Leap0TimeoutError(
      `${op.name}: timed out after ${timeoutMs / 1000}s; the request was aborted.${maybe ? MAY_HAVE_HAPPENED : ""}`,
      { operation: op.name, mayHaveSucceeded: maybe },
    );
  }
  if (reason === CLIENT_CLOSED) {
    return new Leap0ClientClosedError(`${op.name}: the client was closed (client.close()).`, { operation: op.name });
  }
  return new Leap0AbortError(`${op.name}: aborted by the caller's signal.`, {
    operation: op.name,
    cause: cause === CALLER_ABORTED ? undefined : cause,
  });
}

/** True when the failure happened before any byte of the request could reach the server. */
function neverSent(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
  }
  return false;
}

function describeCause(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string") return ` (${code})`;
    if (c instanceof Error && c.message && depth > 0) parts.push(c.message);
  }
  return parts.length ? ` (${parts[parts.length - 1]})` : "";
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unusable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, RETRY_AFTER_CAP_MS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - now, 0), RETRY_AFTER_CAP_MS);
}

/** Exponential backoff with jitter, capped; the server's `Retry-After` wins when it gave one. */
function backoffMs(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
