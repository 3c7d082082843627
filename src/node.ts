/**
 * `leap0/node`: an opt-in transport for Node.js on undici's `request` API, which skips the
 * WHATWG streams machinery of the global `fetch` and is markedly faster per call. It plugs into
 * the client's `fetch` option, so every rule of the standard path — timeouts over the whole
 * call, cancellation, retries, typed errors, redaction — applies unchanged.
 *
 * Needs the `undici` package (`npm install undici`). Browsers, workers and bundles of the main
 * entry never load this file.
 *
 * @example
 * import { Leap0Client } from "leap0";
 * import { nodeFetch } from "leap0/node";
 * const client = new Leap0Client({ fetch: nodeFetch() });
 * @packageDocumentation
 */
import { Agent, type Dispatcher, request } from "undici";

/** Options of {@link nodeFetch}. */
export interface NodeFetchOptions {
  /** Most sockets kept per origin (default 64). */
  connections?: number;
  /** Milliseconds an idle keep-alive socket is kept (default 4000, under most servers' 5 s). */
  keepAliveTimeout?: number;
  /** An undici dispatcher to use instead of the one this function creates (proxy, mock, shared pool). */
  dispatcher?: Dispatcher;
}

// The client's mark on a Request whose body it streams (src/core/pipeline.ts).
const STREAMED = Symbol.for("leap0.streamedResponse");
// Tells the client's pipeline that this fetch takes its URL and init as they are (no Request).
const TAKES_INIT = Symbol.for("leap0.takesInit");
// Marks an error raised before anything was handed to the network (the client's pipeline reads it).
const NOT_SENT = Symbol.for("leap0.notSent");

/** `e`, marked as raised before the request left: the client then never says it may have arrived. */
function notSent(e: unknown): unknown {
  if (e && typeof e === "object") Object.defineProperty(e, NOT_SENT, { value: true });
  return e;
}

// Bodies up to this size, when declared by Content-Length, are read eagerly (see nodeFetch).
const EAGER_BODY_BYTES = 256 * 1024;

// Statuses whose responses must not carry a body in a `Response`.
const NULL_BODY = new Set([101, 204, 205, 304]);

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.append(name, value);
  }
  return headers;
}

/**
 * A `Response` for any status the server sent. The `Response` constructor only takes 200–599;
 * a status outside that range (a broken server's 999) is kept as the server sent it instead of
 * turning into an exception, so both transports report it the same way.
 */
function toResponse(status: number, headers: Headers, body: BodyInit | null): Response {
  if (status >= 200 && status <= 599) return new Response(NULL_BODY.has(status) ? null : body, { status, headers });
  const response = new Response(body, { status: 599, headers });
  Object.defineProperty(response, "status", { value: status });
  Object.defineProperty(response, "ok", { value: false });
  return response;
}

/**
 * A request body as one Buffer, read chunk by chunk: `Request.arrayBuffer()` in Node 20's
 * undici measured several times slower for a 10 MiB upload. A body of one chunk (a buffered
 * upload: the Request already holds its own copy) is used as it is, without another copy.
 */
async function readAll(req: Request): Promise<Buffer> {
  // As Request.arrayBuffer() would: a body already read from is not sent in part.
  if (req.bodyUsed) throw new TypeError("The request body was already read; it cannot be sent.");
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError("A request body stream must yield Uint8Array chunks.");
    chunks.push(value);
    size += value.byteLength;
  }
  const only = chunks.length === 1 ? chunks[0] : undefined;
  return only ? Buffer.from(only.buffer, only.byteOffset, only.byteLength) : Buffer.concat(chunks, size);
}

/**
 * A web stream over undici's body, fed by its 'data' events: the socket is paused whenever the
 * web stream holds a chunk nobody has asked for and resumed on the next pull, so memory stays at
 * about one chunk (an async iterator costs several promise hops more per chunk). Cancelling
 * destroys the socket; a body that closes before its end errors the stream.
 */
function webBody(stream: Dispatcher.ResponseData["body"]): ReadableStream<Uint8Array> {
  // Once the web stream is closed, errored or cancelled, nothing more reaches it.
  let settled = false;
  const settle = (end: () => void) => {
    if (settled) return;
    settled = true;
    end();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream.pause();
        const onData = (chunk: Buffer) => {
          // A resume() scheduled by a pull can still emit a buffered chunk after a cancel in
          // the same tick: an enqueue into the closed stream would throw from a nextTick
          // callback, taking the process down.
          if (settled) return;
          try {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          } catch (e) {
            settled = true;
            stream.off("data", onData);
            stream.destroy(e instanceof Error ? e : undefined);
            return;
          }
          if ((controller.desiredSize ?? 0) <= 0) stream.pause();
        };
        stream.on("data", onData);
        stream.once("end", () => settle(() => controller.close()));
        stream.once("error", (e) => settle(() => controller.error(e)));
        stream.once("close", () =>
          settle(() => controller.error(new Error("The response body closed before its end."))),
        );
      },
      pull() {
        stream.resume();
      },
      cancel(reason) {
        settled = true;
        stream.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * A `fetch` for the client's `fetch` option, built on `undici.request` with a keep-alive
 * pool. The response body is streamed, byte for byte, to whoever reads it: the client reads it
 * under the call's deadline and size limit, and cancelling the body destroys the connection.
 * Redirects are never followed (the client refuses them, on every transport).
 */
export function nodeFetch(options: NodeFetchOptions = {}): typeof fetch {
  // undici's own headers and body timeouts (300 s each) are off: the client times every call
  // itself (up to its `timeout`, which may be longer), with typed errors; undici's would cut a
  // longer call short as a connection error.
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: options.keepAliveTimeout ?? 4000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });

  async function leap0NodeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let url: string;
    let method: string;
    let headers: Record<string, string>;
    let body: string | Uint8Array | undefined;
    let signal: AbortSignal | null | undefined;
    const direct = directInit(input, init);
    if (direct) {
      // The client's own calls: URL and init as the pipeline built them, no Request in between
      // (building one cost about a tenth of a call's CPU).
      ({ url, method, headers, body } = direct);
      signal = init?.signal;
    } else {
      // The client calls with a ready Request and, at most, a dispatcher; anything else is merged.
      const onlyDispatcher = init === undefined || Object.keys(init).every((k) => k === "dispatcher");
      const req = input instanceof Request && onlyDispatcher ? input : new Request(input, init);
      url = req.url;
      method = req.method;
      headers = headerRecord(req.headers);
      // The whole body is read before anything is sent, so a body that fails to read sent nothing.
      body = req.body ? await readAll(req).catch((e: unknown) => Promise.reject(notSent(e))) : undefined;
      // The signal the copy was made with, not the copy's own: undici's copy follows it through a
      // WeakRef (nodejs/undici#4068), so an abort would be lost once the copy is collected.
      signal = init?.signal !== undefined ? init.signal : input instanceof Request ? input.signal : undefined;
    }
    // A per-request dispatcher (the client's `fetchOptions: { dispatcher }`, e.g. a proxy agent) wins.
    const chosen = (init as { dispatcher?: Dispatcher } | undefined)?.dispatcher ?? dispatcher;
    const res = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      signal: signal ?? undefined,
      dispatcher: chosen,
    }).catch((e: unknown) =>
      // undici refused an argument (a header value, the URL) before connecting: nothing left.
      Promise.reject((e as { code?: unknown })?.code === "UND_ERR_INVALID_ARG" ? notSent(e) : e),
    );
    const stream = res.body;
    const headersOut = toHeaders(res.headers);
    if (NULL_BODY.has(res.statusCode)) return toResponse(res.statusCode, headersOut, null);
    // A small body whose size the server declared is read here at once: bounded by its
    // Content-Length, still under the request's signal, and much cheaper than a pull stream.
    const declared = Number(res.headers["content-length"]);
    // Not for a body the client streams (it marks the Request): that one is read chunk by chunk
    // under the idle timeout, and its first chunk must not wait for its last.
    const streamed =
      (input as unknown as Record<symbol, unknown>)[STREAMED] === true ||
      (init as Record<symbol, unknown> | undefined)?.[STREAMED] === true;
    if (!streamed && declared >= 0 && declared <= EAGER_BODY_BYTES) {
      return toResponse(res.statusCode, headersOut, new Uint8Array(await stream.arrayBuffer()));
    }
    return toResponse(res.statusCode, headersOut, webBody(stream));
  }
  Object.defineProperty(leap0NodeFetch, TAKES_INIT, { value: true });
  return leap0NodeFetch as typeof fetch;
}

/** Headers as undici's `request` takes them: lower-case names, one string each. */
function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/**
 * The request's parts, read from `init` when `input` is a URL string and the body is one a
 * Request would send as it is (none, a string, bytes); `undefined` otherwise, and the caller
 * builds a Request (a stream, Blob or FormData body, a Request input).
 */
function directInit(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): { url: string; method: string; headers: Record<string, string>; body: string | Uint8Array | undefined } | undefined {
  if (typeof input !== "string" || !init) return undefined;
  const raw = init.body;
  if (raw != null && typeof raw !== "string" && !(raw instanceof Uint8Array)) return undefined;
  const headers = headerRecord(new Headers(init.headers));
  // As a Request would: a string body without a type is text.
  if (typeof raw === "string" && headers["content-type"] === undefined) {
    headers["content-type"] = "text/plain;charset=UTF-8";
  }
  const method = (init.method ?? "GET").toUpperCase();
  return { url: input, method, headers, body: raw ?? undefined };
}

// The WebSocket for terminal connections (sandbox.pty), from undici as well.
export { nodeWebSocket } from "./node-websocket";
