import createClient, { type Client } from "openapi-fetch";
import type { Operation } from "../../generated/operations";
import { type AbortHook, BodyTooLarge, discardBody, raceAbort, readBody, UTF8 } from "./body";
import { type RequestOptions, type ResolvedConfig, resolveRequestOptions } from "./config";
import {
  apiErrorClass,
  type FieldError,
  Leap0AbortError,
  Leap0ClientClosedError,
  Leap0ConnectionError,
  Leap0Error,
  Leap0MalformedResponseError,
  Leap0RedirectError,
  Leap0ResponseTooLargeError,
  Leap0TimeoutError,
} from "./errors";
import type { SandboxHosts } from "./hosts";
import { LogSink } from "./logging";
import { scrubDeep, scrubError, scrubHeaders, scrubText, scrubValues } from "./redact";
import { backoffMs, parseRetryAfter, sleep } from "./retry";
import { secretsOf } from "./secrets";
import { type Abortable, followSignal, linkSignal } from "./signals";
import { Telemetry } from "./telemetry";
import { SDK_SOURCE, VERSION } from "./version";
import type { WebSocketConstructor, WebSocketInit } from "./websocket";

export type { RequestOptions } from "./config";

/** What the pipeline needs of an operation; every generated operation has it. */
export type OperationFacts = Pick<Operation, "name" | "method" | "path" | "retry" | "accept">;

/**
 * What {@link Pipeline.call} sends: one operation, its request parts under their wire names (see
 * invoke.ts), and how its answer is read. The pipeline hands these to openapi-fetch, which builds
 * the URL, headers and body; everything else about the call (deadline, retries, aborts, limits,
 * errors, redaction) is the pipeline's.
 */
export interface PipelineCall {
  /** The operation: its name, method, path template, retry class and response media types. */
  readonly op: OperationFacts;
  /** The path template's ids, by name, and the query, by wire name. */
  readonly params?: { readonly path?: Record<string, string>; readonly query?: Record<string, unknown> };
  /** The operation's own headers (wire names), `Content-Type` included: these win over the caller's `headers`. */
  readonly headers?: Record<string, string>;
  /** The request body: JSON-serialised unless `bodySerializer` says otherwise. */
  readonly body?: unknown;
  /** For a body sent as it is (bytes, a form): `(b) => b`. */
  readonly bodySerializer?: (body: unknown) => unknown;
  /** Where the operation is served, when not at the client's `baseUrl` (a sandbox's host). */
  readonly baseUrl?: string;
  /** A streamed request body: it is sent with `duplex: "half"` (and never retried: see invoke.ts). */
  readonly duplex?: "half";
  /** The caller's per-call options. */
  readonly options?: RequestOptions | null;
  /** How a success body is read; `"json"` unless said. */
  readonly readAs?: ReadAs;
  /** What a 404 was about (`sandbox "sbx-1"`), asked only when one comes. */
  readonly subject?: () => string | undefined;
  /** Credentials the request carries, scrubbed from whatever comes back like the API key. */
  readonly secrets?: readonly string[];
}

/** openapi-fetch's name for each method the operation table uses. */
const METHOD = {
  GET: "get",
  POST: "post",
  PUT: "put",
  PATCH: "patch",
  DELETE: "delete",
  HEAD: "head",
  OPTIONS: "options",
} as const satisfies Record<Operation["method"], string>;

/** The openapi-fetch client the pipeline sends through: one for every operation of the table. */
type Api = Client<LoosePaths>;
/** Any path, any method: the operation table (not the path type) says which exist. */
type LoosePaths = Record<
  string,
  Record<"get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace", LooseOperation>
>;
interface LooseOperation {
  parameters: { path?: Record<string, string>; query?: Record<string, unknown> };
  requestBody?: { content: { [media: string]: unknown } };
  responses: { [status: string]: unknown };
}

/**
 * How a success body is read: parsed JSON, text or bytes (buffered, under the size limit),
 * ignored, or handed over as a stream (see {@link StreamedResponse}).
 */
export type ReadAs = "json" | "text" | "bytes" | "none" | "stream";

/**
 * A success response whose body the caller reads. The call's deadline covered everything up to
 * the headers; from there the body is under an idle timeout (the call's `timeout`, counted
 * afresh from each chunk), and the caller's signal and `client.close()` still end it. The body
 * is pulled, never read ahead, so memory stays bounded whatever its size; not reading it to the
 * end must be followed by `body.cancel()` to release the connection.
 */
export interface StreamedResponse {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /**
   * The body, erroring with the SDK's typed errors (timeout, abort, closed, connection). Made on
   * first access: a reader that uses {@link StreamedResponse.read} instead pays for no stream.
   */
  readonly body: ReadableStream<Uint8Array>;
  /** The same body chunk by chunk, without a stream around it; use this or `body`, not both. */
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** Lets go of the body (what `body.cancel()` does). */
  cancel(reason?: unknown): Promise<void>;
}

/**
 * Marks a Request whose body the caller will stream; a registered symbol, so leap0/node can
 * read it without importing the core, and invisible to any other fetch.
 */
const STREAMED = Symbol.for("leap0.streamedResponse");
/**
 * Set (to true) by `leap0/node` on an error raised before the request was handed to the network
 * (its body could not be read, undici refused an argument): nothing was sent.
 */
const NOT_SENT = Symbol.for("leap0.notSent");
// Marks a `fetch` (leap0/node's) that takes the URL and init as they are: no `Request` is built
// for it, and a streamed call says so in the init (under STREAMED) instead of on a Request.
const TAKES_INIT = Symbol.for("leap0.takesInit");

// Why a call's controller was aborted; compared by identity.
const TIMED_OUT = { reason: "timeout" };
const CALLER_ABORTED = { reason: "abort" };
const CLIENT_CLOSED = { reason: "closed" };
const IDLE = { reason: "idle" };

function abortTimedOut(flight: Flight): void {
  flight.abort(TIMED_OUT);
}

/**
 * One call in flight: the controller whose signal the transport is handed, and the one slot for
 * what the call is waiting on now (see {@link AbortHook}). The caller's signal, the timer and
 * close() abort it through {@link Flight.abort}, which aborts the signal and then ends that wait;
 * no listener is added per call or per step.
 */
class Flight implements AbortHook, Abortable {
  readonly #ctl = new AbortController();
  readonly signal = this.#ctl.signal;
  onAbort: (() => void) | undefined = undefined;
  /**
   * The `Request` a configured `fetch` was handed, held while the call lives: undici follows its
   * signal through a WeakRef (nodejs/undici#4068), so once it is collected an abort no longer
   * reaches the copy `fetch` made of it, and the connection stays open.
   */
  request: Request | undefined = undefined;

  abort(reason?: unknown): void {
    if (this.signal.aborted) return;
    this.#ctl.abort(reason);
    const step = this.onAbort;
    this.onAbort = undefined;
    step?.();
  }
}

/** What the transport and the middleware need of the call an attempt belongs to. */
interface AttemptOf {
  readonly flight: Flight;
  /** The body will be handed over as a stream (leap0/node must not read it ahead). */
  readonly stream: boolean;
  readonly fetchOptions: Record<string, unknown> | undefined;
  readonly hidden: readonly string[];
  /** Set when an error body broke off while being read: the error then has no body. */
  errorBodyLost: boolean;
}

/** The init key the pipeline hands each attempt's {@link AttemptOf} through openapi-fetch with. */
const ATTEMPT = "leap0Attempt";

/**
 * What openapi-fetch builds each attempt's request as (its `Request` option): the URL and the
 * init it worked out, kept as they are. A `Request` built here would be built again by `fetch`,
 * body and signal included (its body is piped through a TransformStream to copy it); this way
 * the global `fetch` builds the only one, and a configured `fetch` gets one the pipeline builds.
 */
class Outgoing {
  readonly method: string;
  readonly signal: AbortSignal;
  readonly [ATTEMPT]: AttemptOf;

  constructor(
    readonly url: string,
    readonly init: RequestInit & { [ATTEMPT]: AttemptOf },
  ) {
    this.method = init.method as string;
    this.signal = init.signal as AbortSignal;
    this[ATTEMPT] = init[ATTEMPT];
  }
}

/**
 * `original` with `body` instead of its own (an error body cut to its limit, a redirect's
 * dropped), for openapi-fetch to read; status, headers and URL kept, a status the `Response`
 * constructor refuses (a broken server's 999) included.
 */
function withBody(original: Response, body: string | null): Response {
  const status = original.status;
  const valid = status >= 200 && status <= 599;
  const copy = new Response(body, { status: valid ? status : 599, headers: original.headers });
  Object.defineProperty(copy, "url", { value: original.url });
  if (!valid) {
    Object.defineProperty(copy, "status", { value: status });
    Object.defineProperty(copy, "ok", { value: false });
  }
  return copy;
}

/** At most this much of an error body is read: enough for any message, never a flood. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** Server-provided text in a message is cut to this many characters. */
const MESSAGE_LIMIT = 500;
/** At most this many field errors are kept from one error body. */
const FIELD_ERRORS_LIMIT = 50;
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
// Failures where the request was refused locally before any connection: never sent, and
// retrying cannot help (fetch's blocked ports, an unusable URL).
const REFUSED_LOCALLY = /^(bad port|invalid url|url scheme must be a http)/i;

type Outcome =
  | { ok: true; value: unknown; status: number; bytes: number }
  | { ok: false; error: Leap0Error; retry: boolean; retryAfterMs?: number; status?: number };

/**
 * The one request pipeline: auth, timeout over the whole call (body included), cancellation,
 * retries by the operation's retry class, bounded body reads, and status → typed error.
 * Resources never see any of it; they go through `invoke()`.
 */
export class Pipeline {
  /** openapi-fetch over every operation: it builds each attempt's request and reads nothing unbounded. */
  readonly #api: Api;
  /** Where in-sandbox APIs and ports are served. */
  readonly hosts: SandboxHosts;
  readonly #customFetch: typeof fetch | undefined;
  readonly #defaultHeaders: Record<string, string>;
  readonly #fetchOptions: Record<string, unknown> | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #maxBytes: number;
  readonly #apiKey: string;
  /** What server text is scrubbed of for every call: the key (and its URL-encoded form). */
  readonly #keyForms: readonly string[];
  #closed = false;
  readonly #baseUrl: string;
  readonly #webSocket: WebSocketConstructor | undefined;
  // The calls (and tracked controllers) in flight, aborted by close(). A set rather than one
  // listener per call on a shared signal: hundreds of concurrent calls must not trip Node's
  // listener-leak warning.
  readonly #inflight = new Set<Abortable>();
  readonly #log: LogSink;
  readonly #telemetry: Telemetry | undefined;

  constructor(config: ResolvedConfig) {
    this.#customFetch = config.fetch;
    this.#defaultHeaders = config.defaultHeaders;
    this.#fetchOptions = config.fetchOptions;
    this.#api = createClient<LoosePaths>({
      baseUrl: config.baseUrl,
      headers: {
        Authorization: `Bearer ${config.apiKey}`,
        "User-Agent": `leap0-js/${VERSION}`,
        "Leap0-Source": SDK_SOURCE,
        Accept: "application/json",
      },
      // Never follow a redirect (see Leap0RedirectError): the answer is the 3xx itself.
      redirect: "manual",
      // openapi-fetch's request, kept as URL + init (see Outgoing), and sent by #transport.
      Request: Outgoing as unknown as typeof Request,
      fetch: (request) => this.#transport(request as unknown as Outgoing),
    });
    // An error body is read by openapi-fetch whole: it gets one cut to ERROR_BODY_LIMIT instead.
    this.#api.use({ onResponse: ({ request, response }) => this.#boundErrorBody(request, response) });
    this.#timeoutMs = config.timeoutMs;
    this.#maxRetries = config.maxRetries;
    this.#maxBytes = config.maxResponseBytes;
    this.#apiKey = config.apiKey;
    this.#keyForms = secretsOf(config.apiKey);
    this.#log = new LogSink(config.logger, config.logLevel);
    const logger = config.logger ?? globalThis.console;
    this.#telemetry = config.otel ? new Telemetry(VERSION, (line) => logger?.warn?.(line)) : undefined;
    this.hosts = config.sandboxHosts;
    this.#baseUrl = config.baseUrl;
    this.#webSocket = config.webSocket;
  }

  /**
   * @internal What a WebSocket connection needs of the client (see core/websocket.ts): the API
   * root, the handshake's auth headers, the configured class, the timeout, and registration
   * with close(), which ends every open connection as it aborts every call.
   */
  webSocketInit(): WebSocketInit {
    return {
      baseUrl: this.#baseUrl,
      // The same headers as every HTTP call: the client's defaultHeaders (trace context) included.
      headers: {
        "User-Agent": `leap0-js/${VERSION}`,
        "Leap0-Source": SDK_SOURCE,
        ...this.#defaultHeaders,
        Authorization: `Bearer ${this.#apiKey}`,
      },
      WebSocket: this.#webSocket,
      timeoutMs: this.#timeoutMs,
      closed: this.#closed,
      track: (ctl) => this.track(ctl),
      redact: (text) => this.redact(text),
    };
  }

  /**
   * @internal Registers a controller that close() aborts (reason {@link Pipeline.closedReason}),
   * for work between calls, such as a poll's sleep; returns the function that unregisters it.
   */
  track(ctl: AbortController): () => void {
    if (this.#closed) ctl.abort(CLIENT_CLOSED);
    this.#inflight.add(ctl);
    return () => this.#inflight.delete(ctl);
  }

  /**
   * @internal Waits `ms` between calls (a poll's pause), ended early by the caller's signal
   * (`Leap0AbortError`) and by close() (`Leap0ClientClosedError`), as a call would be.
   */
  async pause(ms: number, signal: AbortSignal | undefined, operation: string): Promise<void> {
    const { ctl, unlink } = followSignal(signal, CALLER_ABORTED);
    const untrack = this.track(ctl);
    try {
      await sleep(ms, ctl.signal);
    } catch (reason) {
      throw reason === CLIENT_CLOSED
        ? new Leap0ClientClosedError(`${operation}: the client was closed.`, { operation })
        : new Leap0AbortError(`${operation}: aborted by the caller's signal.`, { operation });
    } finally {
      unlink();
      untrack();
    }
  }

  /** @internal How many calls (and tracked controllers) are in flight: what close() would abort. */
  get inflight(): number {
    return this.#inflight.size;
  }

  /** @internal The reason close() aborts a tracked controller with (compared by identity). */
  get closedReason(): unknown {
    return CLIENT_CLOSED;
  }

  /** The client's `maxRetries`: for a caller that retries a streamed read itself (a range of a file). */
  get maxRetries(): number {
    return this.#maxRetries;
  }

  /** The client's `maxResponseBytes`: the most a caller that buffers a streamed body should hold. */
  get maxResponseBytes(): number {
    return this.#maxBytes;
  }

  /**
   * Server-provided text with the API key scrubbed, for messages built outside the pipeline from
   * a body it handed over (an event stream's error event): a proxy may echo the key back.
   */
  redact(text: string): string {
    return scrubText(text, this.#keyForms);
  }

  /** {@link Pipeline.redact} over every string of a JSON-like value (a payload a server sent). */
  redactDeep<T>(value: T): T {
    return scrubValues(value, this.#keyForms) as T;
  }

  /** True once {@link Pipeline.close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Aborts every call in flight and refuses new ones. */
  close(): void {
    this.#closed = true;
    for (const flight of this.#inflight) flight.abort(CLIENT_CLOSED);
  }

  /**
   * Runs one operation: sends it, retries what is safe to retry, and returns the body read as
   * `readAs` (`undefined` for an empty one). Throws a {@link Leap0Error} subclass otherwise.
   */
  async call(input: PipelineCall): Promise<unknown> {
    const { op, secrets } = input;
    const readAs = input.readAs ?? "json";
    const checked = resolveRequestOptions(input.options);
    if (this.#closed) throw stopped(op, CLIENT_CLOSED, 0);
    const { signal } = checked;
    if (signal?.aborted) throw stopped(op, CALLER_ABORTED, 0);
    const timeoutMs = checked.timeoutMs ?? this.#timeoutMs;
    const maxRetries = checked.maxRetries ?? this.#maxRetries;

    // What server text is scrubbed of before it is cut or put into an error: the key, and the
    // call's own credentials (scrubbing after the cut would miss one that straddles it).
    const hidden = secrets?.length ? [...this.#keyForms, ...secrets] : this.#keyForms;
    const endSpan = this.#telemetry?.start(op.name, op.method, op.path);
    const flight = new Flight();
    const unlink = signal ? linkSignal(signal, flight, CALLER_ABORTED) : undefined;
    this.#inflight.add(flight);
    const deadline = Date.now() + timeoutMs;
    const timer = setTimeout(abortTimedOut, timeoutMs, flight);
    const fetchOptions =
      checked.fetchOptions || this.#fetchOptions ? { ...this.#fetchOptions, ...checked.fetchOptions } : undefined;
    const attemptOf: AttemptOf = { flight, stream: readAs === "stream", fetchOptions, hidden, errorBodyLost: false };
    const headers = {
      // Errors come as JSON whatever the success type is, so JSON is always acceptable too.
      Accept: /json|\*\/\*/.test(op.accept) ? op.accept : `${op.accept}, application/json;q=0.9`,
      ...this.#defaultHeaders,
      ...checked.headers,
      ...input.headers,
    };
    let attempt = 0;
    let handedOver = false;
    let lastStatus: number | undefined;
    try {
      for (;;) {
        attempt++;
        const started = this.#log.enabled("info") ? Date.now() : 0;
        if (started) this.#log.write("debug", `${op.method} ${op.path} attempt ${attempt} started (${op.name})`);
        attemptOf.errorBodyLost = false;
        const outcome = await this.#attempt(input, readAs, headers, attemptOf);
        lastStatus = outcome.status;
        if (started) {
          const result = outcome.ok ? "ok" : outcome.error.name;
          this.#log.write(
            "info",
            `${op.method} ${op.path} ${outcome.status ?? "-"} ${result} ${Date.now() - started}ms attempt ${attempt} (${op.name})`,
          );
          if (outcome.ok) this.#log.write("debug", `${op.name}: response body ${outcome.bytes} bytes`);
        }
        if (outcome.ok) {
          endSpan?.({ status: lastStatus, attempts: attempt });
          if (readAs === "stream") {
            clearTimeout(timer);
            handedOver = true;
            return this.#handOver(op, outcome.value as Response, flight, timeoutMs, () => {
              unlink?.();
              this.#inflight.delete(flight);
            });
          }
          return outcome.value;
        }
        if (!outcome.retry || attempt > maxRetries) {
          this.#log.write(
            "debug",
            `${op.name}: not retrying (${outcome.retry ? `attempt ${attempt} of ${maxRetries + 1}` : "not safe to repeat or not transient"})`,
          );
          throw outcome.error;
        }
        const delay = backoffMs(attempt, outcome.retryAfterMs);
        if (Date.now() + delay >= deadline) {
          this.#log.write("debug", `${op.name}: not retrying (a wait of ${delay}ms would pass the timeout)`);
          throw outcome.error;
        }
        this.#log.write("warn", `${op.name}: ${outcome.error.name} on attempt ${attempt}; retrying in ${delay}ms`);
        await sleep(delay, flight.signal);
      }
    } catch (e) {
      const error =
        flight.signal.aborted && (e === flight.signal.reason || !(e instanceof Leap0Error))
          ? stopped(op, flight.signal.reason, timeoutMs, e)
          : e;
      if (secrets?.length && error instanceof Leap0Error) scrubError(error, secrets);
      this.#log.write("error", `${op.name} failed after ${attempt} attempt(s): ${(error as Error).message}`);
      endSpan?.({ status: lastStatus, attempts: attempt, error: error as Error });
      throw error;
    } finally {
      if (!handedOver) {
        clearTimeout(timer);
        unlink?.();
        this.#inflight.delete(flight);
      }
    }
  }

  /** Wraps a streamed body: idle timeout, the call's abort, typed errors, cleanup once. */
  #handOver(
    op: OperationFacts,
    response: Response,
    flight: Flight,
    idleMs: number,
    release: () => void,
  ): StreamedResponse {
    const source = response.body;
    const reader = source?.getReader();
    // The idle timeout, without a timer per chunk: one timer checks when the current wait
    // started and re-arms for what is left; none runs while the caller is not reading.
    let waitingSince = 0;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      idle = undefined;
      if (!waitingSince) return;
      const left = waitingSince + idleMs - Date.now();
      if (left <= 0) flight.abort(IDLE);
      else idle = setTimeout(check, left);
    };
    let done = false;
    const cleanups: (() => void)[] = [];
    const finish = () => {
      if (done) return;
      done = true;
      waitingSince = 0;
      clearTimeout(idle);
      if (flight.onAbort === onAbort) flight.onAbort = undefined;
      for (const fn of cleanups) fn();
      release();
    };
    let failed: Leap0Error | undefined;
    // An abort (the caller's signal, close(), the idle timer) ends the body at once, and the
    // call is done with: its controller leaves the in-flight set now, not at a read that may
    // never come (a caller who aborts and drops the stream would otherwise leak it).
    const onAbort = () => {
      failed ??= stopped(op, flight.signal.reason, idleMs);
      reader?.cancel(flight.signal.reason).catch(() => {});
      finish();
    };
    // From here the call waits only on its body: an abort ends that (see Flight).
    flight.onAbort = onAbort;
    // An abort that landed between the response and this would never run it.
    if (flight.signal.aborted) onAbort();
    if (!reader) finish();
    const read = async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
      if (failed) throw failed;
      if (!reader || done) return { done: true, value: undefined };
      waitingSince = Date.now();
      idle ??= setTimeout(check, idleMs);
      try {
        const result = await reader.read();
        waitingSince = 0;
        if (flight.signal.aborted) throw flight.signal.reason;
        if (result.done) finish();
        return result;
      } catch (e) {
        waitingSince = 0;
        const error = flight.signal.aborted
          ? stopped(op, flight.signal.reason, idleMs, e)
          : new Leap0ConnectionError(
              `${op.name}: the connection broke while streaming the response${describeCause(e)}.`,
              {
                operation: op.name,
                cause: e,
              },
            );
        failed = error;
        finish();
        throw error;
      }
    };
    const cancel = async (reason?: unknown): Promise<void> => {
      finish();
      // Letting go never fails: a body that already broke rejects cancel() with the
      // transport's raw error, which would replace the typed one the caller already has.
      await reader?.cancel(reason).catch(() => {});
    };
    const handle = new StreamHandle(response.status, response.headers, read, cancel);
    // A stream the caller drops unread is let go of when it is collected, as fetch's own would
    // be: its connection closes and the call leaves the in-flight set, not at close(). Nothing
    // here may refer to `handle` (or its body stream), or it would never be collected.
    const token = {};
    DROPPED?.register(handle, () => void cancel(), token);
    cleanups.push(() => DROPPED?.unregister(token));
    return handle;
  }

  /**
   * The transport under openapi-fetch (its `fetch` option): the global `fetch` (bound late, so
   * one installed after construction is used) with the request's URL and init, or the configured
   * `fetch` with a `Request` built here; raced against the call's abort either way.
   */
  #transport(out: Outgoing): Promise<Response> {
    const { flight, stream, fetchOptions } = out[ATTEMPT];
    const { method, headers, body, redirect, duplex } = out.init as RequestInit & { duplex?: string };
    const init = { method, headers, body, signal: flight.signal, redirect, duplex, ...fetchOptions } as RequestInit;
    const custom = this.#customFetch;
    if (!custom) return raceAbort(globalThis.fetch(out.url, init), flight);
    if ((custom as unknown as Record<symbol, unknown>)[TAKES_INIT] === true) {
      if (stream) (init as Record<symbol, unknown>)[STREAMED] = true;
      return raceAbort(custom(out.url, init), flight);
    }
    const request = new Request(out.url, init);
    flight.request = request;
    // Tells leap0/node (which sees this very Request) not to read a small body whole before
    // answering: a streamed body is under the idle timeout, not the call's.
    if (stream) Object.defineProperty(request, STREAMED, { value: true });
    return raceAbort(fetchOptions ? custom(request, fetchOptions) : custom(request), flight);
  }

  /**
   * openapi-fetch's `onResponse`: an error answer's body is read here, at most ERROR_BODY_LIMIT
   * bytes under the call's abort, and handed on in place of the whole one (which openapi-fetch
   * would read unbounded); a redirect's is dropped. Success answers pass untouched (their body is
   * handed over unread: `parseAs: "stream"`).
   */
  #boundErrorBody(request: Request, response: Response): Response | Promise<Response> | undefined {
    if (response.ok || !response.body) return undefined;
    if (isRedirect(response)) {
      discardBody(response.body);
      return withBody(response, null);
    }
    return this.#cutErrorBody((request as unknown as Outgoing)[ATTEMPT], response);
  }

  async #cutErrorBody(attempt: AttemptOf, response: Response): Promise<Response> {
    try {
      const bytes = await readBody(response.body, ERROR_BODY_LIMIT, attempt.flight, true);
      let text = UTF8.decode(bytes);
      // Cut off at the limit, the text may end in the first part of a secret: drop that too.
      if (bytes.byteLength >= ERROR_BODY_LIMIT) text = withoutSecretStart(text, attempt.hidden);
      return withBody(response, text);
    } catch (e) {
      // The status is what matters; a body that broke off only costs the message.
      if (attempt.flight.signal.aborted) throw e;
      attempt.errorBodyLost = true;
      return withBody(response, null);
    }
  }

  async #attempt(
    call: PipelineCall,
    readAs: ReadAs,
    headers: Record<string, string>,
    attemptOf: AttemptOf,
  ): Promise<Outcome> {
    const { op } = call;
    const { signal } = attemptOf.flight;
    const hidden = attemptOf.hidden;
    const idempotent = op.retry === "idempotent";
    let sent: { error?: unknown; response: Response };
    try {
      sent = await this.#api.request(METHOD[op.method], op.path, {
        params: call.params,
        body: call.body,
        bodySerializer: call.bodySerializer,
        baseUrl: call.baseUrl,
        headers,
        parseAs: "stream",
        signal,
        duplex: call.duplex,
        [ATTEMPT]: attemptOf,
      });
    } catch (e) {
      if (signal.aborted) throw e;
      const notSent = neverSent(e);
      const local = refusedLocally(e);
      const mayHaveSucceeded = !notSent && !local && !idempotent;
      return {
        ok: false,
        retry: !local && (notSent || idempotent),
        error: new Leap0ConnectionError(
          `${op.name}: connection failed${describeCause(e)}.${mayHaveSucceeded ? MAY_HAVE_HAPPENED : ""}`,
          { operation: op.name, cause: e, mayHaveSucceeded },
        ),
      };
    }
    const { response } = sent;
    const status = response.status;

    if (isRedirect(response)) return redirected(op, response, idempotent, hidden);
    if (!response.ok) {
      const body = attemptOf.errorBodyLost ? undefined : sent.error;
      return httpError(op, response, body, idempotent, call.subject, hidden);
    }

    const wrongType = readAs === "json" || readAs === "none" ? undefined : unexpectedType(op, response.headers);
    if (wrongType) {
      discardBody(response.body);
      return malformed(op, status, cut(scrubText(wrongType, hidden), 200));
    }
    if (readAs === "stream") return { ok: true, value: response, status, bytes: 0 };
    let bytes: Uint8Array;
    try {
      const announced = Number(response.headers.get("content-length"));
      if (announced > this.#maxBytes) throw new BodyTooLarge(this.#maxBytes, announced);
      bytes = await readBody(response.body, this.#maxBytes, attemptOf.flight);
    } catch (e) {
      if (signal.aborted) throw e;
      discardBody(response.body);
      if (e instanceof BodyTooLarge) {
        return {
          ok: false,
          retry: false,
          status,
          error: new Leap0ResponseTooLargeError(
            `${op.name}: the response body (HTTP ${status}) is larger than maxResponseBytes (${e.limit} bytes); the rest was not read.${idempotent ? "" : MAY_HAVE_HAPPENED.replace(" it was not retried", " it was not repeated")}`,
            e.limit,
            { operation: op.name, status, mayHaveSucceeded: !idempotent },
          ),
        };
      }
      return {
        ok: false,
        retry: idempotent,
        status,
        error: new Leap0ConnectionError(
          `${op.name}: the connection broke while reading the response (HTTP ${status})${describeCause(e)}.${idempotent ? "" : MAY_HAVE_HAPPENED}`,
          { operation: op.name, status, cause: e, mayHaveSucceeded: !idempotent },
        ),
      };
    }
    if (readAs === "none") return { ok: true, value: undefined, status, bytes: bytes.byteLength };
    if (readAs === "bytes") return { ok: true, value: bytes, status, bytes: bytes.byteLength };
    if (readAs === "text") return { ok: true, value: UTF8.decode(bytes), status, bytes: bytes.byteLength };
    if (bytes.byteLength === 0) return { ok: true, value: undefined, status, bytes: 0 };
    const type = response.headers.get("content-type") ?? "";
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
      return malformed(
        op,
        status,
        `expected a JSON body but got ${type ? `content type ${cut(scrubText(type, hidden), 100)}` : "no content type"}`,
      );
    }
    try {
      const text = UTF8.decode(bytes);
      const value: unknown = JSON.parse(text);
      // A server may echo the key or a credential the call sent (git output, a JSON-RPC error):
      // such an answer is scrubbed like an error's. One substring search each when it is not.
      const echoed = hidden.some((secret) => text.includes(secret));
      return { ok: true, value: echoed ? scrubValues(value, hidden) : value, status, bytes: bytes.byteLength };
    } catch (e) {
      return malformed(
        op,
        status,
        `the JSON body could not be parsed (${cut(scrubText((e as Error).message, hidden), 200)}; ${bytes.byteLength} bytes)`,
      );
    }
  }
}

/** An error answer (4xx, 5xx; its body already cut to ERROR_BODY_LIMIT and parsed) → a typed error. */
function httpError(
  op: OperationFacts,
  response: Response,
  received: unknown,
  idempotent: boolean,
  subject: (() => string | undefined) | undefined,
  hidden: readonly string[],
): Outcome {
  const status = response.status;
  const body = scrubDeep(received, hidden);
  let { message, fieldErrors } = describeErrorBody(body, hidden);
  const about = status === 404 ? subject?.() : undefined;
  if (about) message = `no such ${about} (or not in this organisation)${message ? `: ${message}` : ""}`;
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
      {
        operation: op.name,
        status,
        fieldErrors,
        mayHaveSucceeded,
        body,
        headers: scrubHeaders(response.headers, hidden),
      },
    ),
  };
}

/** `text` without a trailing start (4 characters or more) of any secret: what a cut left of it. */
function withoutSecretStart(text: string, hidden: readonly string[]): string {
  let out = text;
  for (const secret of hidden) {
    for (let n = Math.min(secret.length - 1, out.length); n >= 4; n--) {
      if (out.endsWith(secret.slice(0, n))) {
        out = out.slice(0, -n);
        break;
      }
    }
  }
  return out;
}

function isRedirect(response: Response): boolean {
  return (response.status >= 300 && response.status < 400) || response.type === "opaqueredirect";
}

/** A 3xx: never followed (see {@link Leap0RedirectError}); names where it pointed, without its query. */
function redirected(op: OperationFacts, response: Response, idempotent: boolean, hidden: readonly string[]): Outcome {
  const raw = response.headers.get("location");
  let location: string | undefined;
  if (raw) {
    try {
      const url = new URL(raw, response.url || "http://invalid.invalid");
      location = response.url || /^[a-z][a-z\d+.-]*:/i.test(raw) ? `${url.origin}${url.pathname}` : url.pathname;
    } catch {
      location = undefined;
    }
  }
  if (location) location = cut(scrubText(location, hidden), 200);
  const status = response.status || undefined;
  const mayHaveSucceeded = !idempotent;
  return {
    ok: false,
    retry: false,
    status,
    error: new Leap0RedirectError(
      `${op.name}: the server answered with a redirect${status ? ` (HTTP ${status})` : ""}${location ? ` to ${location}` : ""}; the Leap0 API never redirects, so it was not followed (check baseUrl and any proxy).${mayHaveSucceeded ? MAY_HAVE_HAPPENED : ""}`,
      location,
      { operation: op.name, status, mayHaveSucceeded },
    ),
  };
}

/**
 * Why a success answer is not of a media type the operation declares (its `accept`), or nothing
 * when it is. Without this, a JSON error or a proxy's HTML page sent with 200 reads as a file's
 * bytes or as an empty event stream. A byte body without any content type is taken as bytes (as
 * HTTP allows); an event stream or a multipart answer must say what it is.
 */
function unexpectedType(op: OperationFacts, headers: Headers): string | undefined {
  const declared = op.accept.split(",").map((t) => t.trim().toLowerCase());
  if (declared.includes("*/*")) return undefined;
  const raw = headers.get("content-type");
  const type = raw?.split(";")[0]?.trim().toLowerCase();
  if (!type) {
    const mustSay = declared.some((t) => t === "text/event-stream" || t.startsWith("multipart/"));
    return mustSay ? `expected ${op.accept} but the answer has no content type` : undefined;
  }
  return declared.includes(type) ? undefined : `expected ${op.accept} but got content type ${raw}`;
}

function malformed(op: OperationFacts, status: number, what: string): Outcome {
  return {
    ok: false,
    retry: false,
    status,
    error: new Leap0MalformedResponseError(`${op.name}: malformed response (HTTP ${status}): ${what}.`, {
      operation: op.name,
      status,
    }),
  };
}

/** Lets go of streamed bodies whose handles were collected unread (where the runtime has it). */
const DROPPED: FinalizationRegistry<() => void> | undefined =
  typeof FinalizationRegistry === "function"
    ? /* @__PURE__ */ new FinalizationRegistry((letGo: () => void) => letGo())
    : undefined;

/**
 * What {@link Pipeline.call} hands over for a streamed body. Its `body` stream refers back to it,
 * so a caller who keeps only the stream keeps the handle (and the connection) alive.
 */
class StreamHandle implements StreamedResponse {
  #body: ReadableStream<Uint8Array> | undefined;

  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly read: () => Promise<ReadableStreamReadResult<Uint8Array>>,
    readonly cancel: (reason?: unknown) => Promise<void>,
  ) {}

  get body(): ReadableStream<Uint8Array> {
    this.#body ??= new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            const { done, value } = await this.read();
            if (done) controller.close();
            else controller.enqueue(value);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: (reason) => this.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return this.#body;
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** Pulls the API's message and field errors out of an error body, whatever shape it has. */
function describeErrorBody(body: unknown, hidden: readonly string[]): { message: string; fieldErrors: FieldError[] } {
  const clean = (text: string, max: number) => cut(scrubText(text, hidden), max);
  if (body && typeof body === "object") {
    const b = body as { message?: unknown; errors?: unknown; title?: unknown; detail?: unknown };
    const fieldErrors = Array.isArray(b.errors)
      ? b.errors
          .filter((e): e is FieldError => !!e && typeof e.field === "string" && typeof e.error === "string")
          .slice(0, FIELD_ERRORS_LIMIT)
          .map((e) => ({ field: clean(e.field, 100), error: clean(e.error, 200) }))
      : [];
    // The API's own `message`, else RFC 7807 problem details (`title`, `detail`).
    const problem = [b.title, b.detail].filter((t): t is string => typeof t === "string" && t.trim() !== "");
    const message = typeof b.message === "string" ? b.message : problem.join(": ");
    return { message: clean(message, MESSAGE_LIMIT), fieldErrors };
  }
  if (typeof body === "string" && body.trim()) {
    const text = body.trim();
    if (/^<(!doctype|html)/i.test(text))
      return { message: "the server sent an HTML page instead of JSON", fieldErrors: [] };
    return { message: clean(text, 200), fieldErrors: [] };
  }
  return { message: "", fieldErrors: [] };
}

/** The error for a call ended by its timeout, its caller, or `client.close()`. */
function stopped(op: OperationFacts, reason: unknown, timeoutMs: number, cause?: unknown): Leap0Error {
  if (reason === TIMED_OUT) {
    const maybe = op.retry !== "idempotent";
    return new Leap0TimeoutError(
      `${op.name}: timed out after ${timeoutMs / 1000}s; the request was aborted.${maybe ? MAY_HAVE_HAPPENED : ""}`,
      { operation: op.name, mayHaveSucceeded: maybe },
    );
  }
  if (reason === IDLE) {
    return new Leap0TimeoutError(
      `${op.name}: no data arrived for ${timeoutMs / 1000}s while streaming the response (idle timeout); the stream was closed.`,
      { operation: op.name },
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
  return refusedLocally(e);
}

/** True when the fetch implementation refused the request itself, before connecting. */
function refusedLocally(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    if ((c as Record<symbol, unknown>)[NOT_SENT] === true) return true;
    if (c instanceof Error && depth > 0 && REFUSED_LOCALLY.test(c.message)) return true;
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
  return parts.length ? ` (${cut(parts[parts.length - 1] as string, 200)})` : "";
}
