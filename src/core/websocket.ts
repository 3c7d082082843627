/**
 * One WebSocket connection with the SDK's rules: authenticated with the client's
 * `Authorization: Bearer` header (never unauthenticated), usable at once (sends wait for the
 * handshake), output kept from the first frame in a bounded buffer and never dropped between
 * reads, a handshake bounded by a timeout and the caller's signal, and a close that says whether
 * the far side ended the session or the connection was lost. Nothing here names an endpoint.
 */
import {
  Leap0AbortError,
  Leap0ClientClosedError,
  Leap0ConnectionDroppedError,
  Leap0Error,
  Leap0OutputOverflowError,
  Leap0SessionExitedError,
  Leap0TimeoutError,
  Leap0ValidationError,
  Leap0WebSocketError,
  Leap0WebSocketUnsupportedError,
} from "./errors";

/**
 * The part of a WebSocket the SDK uses. undici's `WebSocket` (see `nodeWebSocket` in
 * `leap0/node`), the `ws` package's, and the global one of Node 22+, Bun and Deno all have it.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Set to `"arraybuffer"` by the SDK. */
  binaryType: string;
  /** Bytes sent but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Sends one binary message. */
  send(data: Uint8Array): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** DOM-style events: `open`, `message`, `error`, `close`. */
  // biome-ignore lint/suspicious/noExplicitAny: each implementation has its own event types.
  addEventListener(type: "open" | "message" | "error" | "close", listener: (event: any) => void): void;
  /** Sends a ping frame, where the implementation can (`ws`, `nodeWebSocket`); used to keep an idle connection alive. */
  ping?(): void;
  /**
   * Destroys the connection at once, without waiting for the far side's close frame (`ws`,
   * `nodeWebSocket`). Used when a server ignores the close frame or a handshake never finishes.
   */
  terminate?(): void;
}

/**
 * A WebSocket class the SDK calls as `new WebSocket(url, { headers, maxPayload })`. It must send
 * those headers with the handshake (they carry the API key): undici's and `ws`'s do; a browser's
 * cannot, so the SDK refuses it rather than connect without the key. `maxPayload` is the most
 * bytes one message may have (`ws` and `nodeWebSocket` close the connection past it; others
 * ignore it).
 */
export type WebSocketConstructor = new (url: string, ...rest: never[]) => WebSocketLike;

/** @internal What a connection needs from the client; built by the pipeline. */
export interface WebSocketInit {
  /** The API root, e.g. `https://api.leap0.dev` (a base path is kept). */
  readonly baseUrl: string;
  /** Headers of the handshake (auth, user agent). */
  readonly headers: Readonly<Record<string, string>>;
  /** The client's `webSocket` option. */
  readonly WebSocket: WebSocketConstructor | undefined;
  /** The client's timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Whether the client was closed. */
  readonly closed: boolean;
  /** Registers a controller that the client's close() aborts; returns the unregister function. */
  track(ctl: AbortController): () => void;
  /** Scrubs the API key from server text (a close reason may echo the handshake's headers). */
  redact(text: string): string;
}

/** Options of a WebSocket connection (`sandbox.pty.connect(id, options)`). */
export interface WebSocketOptions {
  /** Seconds the handshake may take; default the client's timeout, at most 30 s. */
  timeout?: number;
  /** Aborts the handshake, or closes the open connection, when it fires. */
  signal?: AbortSignal;
  /**
   * Most bytes of output kept unread (default {@link DEFAULT_MAX_BUFFERED_BYTES}). A WebSocket
   * cannot slow its sender down, so when unread output passes this the SDK closes the
   * connection instead of dropping bytes: what was buffered can still be read, then reads fail
   * with {@link Leap0OutputOverflowError}. The session keeps running; connect again.
   */
  maxBufferedBytes?: number;
  /**
   * Seconds between keepalives while connected (default 60; 0 turns them off): the service drops
   * a WebSocket idle for 5 minutes. A ping frame where the WebSocket class can send one
   * (`nodeWebSocket` from `leap0/node`, `ws`); otherwise (the global WebSocket of Node 22+, Bun,
   * Deno) an empty binary message, zero bytes of terminal input.
   */
  keepAlive?: number;
}

/** Unread output kept per connection unless `maxBufferedBytes` says otherwise (16 MiB). */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Upper bound of the default handshake timeout, in seconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 30;
/** Seconds between keepalive pings by default: well inside the service's 5-minute idle limit. */
export const DEFAULT_KEEPALIVE_SECONDS = 60;
/**
 * Milliseconds a closing connection waits for the far side's close frame before the socket is
 * destroyed (where the WebSocket class can: `terminate()`), so a server that ignores the close
 * cannot keep it, or the process, alive.
 */
export const CLOSE_HANDSHAKE_MS = 2_000;

/**
 * How a connection ended: `exited` (the far side closed it normally: the session ended),
 * `dropped` (lost without a normal close: network, idle limit, server error; the session may
 * still run), `closed` (this side closed it, or the signal or client did), `overflow` (closed by
 * the SDK because unread output passed `maxBufferedBytes`), `failed` (the handshake never completed).
 */
export type WebSocketCloseKind = "exited" | "dropped" | "closed" | "overflow" | "failed";

/** What {@link WebSocketConnection.closed} resolves to. */
export interface WebSocketCloseInfo {
  /** Why it ended. */
  kind: WebSocketCloseKind;
  /** The WebSocket close code (1000 normal, 1006 no close frame, ...). */
  code: number;
  /** The close reason the far side gave, if any. */
  reason: string;
}

interface Waiter {
  resolve(chunk: Uint8Array): void;
  reject(error: Error): void;
}

/** Options of one read. */
export interface RecvOptions {
  /** Seconds to wait for output; on timeout the read fails with `Leap0TimeoutError` and nothing is lost. */
  timeout?: number;
  /** Stops waiting when it fires (`Leap0AbortError`); the connection stays open. */
  signal?: AbortSignal;
}

const encoder = /* @__PURE__ */ new TextEncoder();
/** The keepalive message of a WebSocket class that cannot ping: zero bytes of input. */
const EMPTY = /* @__PURE__ */ new Uint8Array(0);

function optionError(name: string, problem: string): Leap0ValidationError {
  return new Leap0ValidationError(`Invalid WebSocket option ${name}: ${problem}.`, {
    fieldErrors: [{ field: name, error: problem }],
  });
}

function seconds(name: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw optionError(name, allowZero ? "must be a number of seconds ≥ 0" : "must be a positive number of seconds");
  }
  return Math.min(Math.ceil(value * 1000), 2_147_483_647);
}

function isServerRuntime(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; Bun?: unknown; Deno?: unknown };
  return typeof g.process?.versions?.node === "string" || g.Bun !== undefined || g.Deno !== undefined;
}

/** The constructor to use, or a clear error instead of an unauthenticated connection. */
function pickConstructor(configured: WebSocketConstructor | undefined): WebSocketConstructor {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  const server = isServerRuntime();
  const ctor = configured ?? (server ? global : undefined);
  if (ctor && (server || ctor !== global)) return ctor;
  if (global && !server) {
    throw new Leap0WebSocketUnsupportedError(
      "This runtime's WebSocket cannot send the Authorization header, so the API key cannot be sent; " +
        "connect from a server (Node, Bun, Deno), or pass a WebSocket class that sends headers as the client's webSocket option.",
    );
  }
  throw new Leap0WebSocketUnsupportedError(
    "No WebSocket is available in this runtime (Node 20 has none): pass one that can send headers, " +
      'e.g. new Leap0Client({ webSocket: nodeWebSocket }) with nodeWebSocket from "leap0/node" (needs undici), or the ws package\'s WebSocket.',
  );
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) {
    // `ws` with binaryType "fragments".
    const parts = data.map(toBytes).filter((p): p is Uint8Array => p !== undefined);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
  return undefined;
}

/**
 * @internal Everything a connection checks before it connects: its options, the client, and a
 * WebSocket class to connect with. Exposed so that a facade which must create something first
 * (`pty.open()` creates the session) can fail before sending anything.
 */
export function connectionSettings(
  init: WebSocketInit,
  what: string,
  options: WebSocketOptions = {},
): { handshakeMs: number; keepAliveMs: number; max: number; Ctor: WebSocketConstructor } {
  if (typeof options !== "object" || options === null) throw optionError("options", "must be an object");
  const handshakeMs =
    options.timeout === undefined
      ? Math.min(init.timeoutMs, DEFAULT_HANDSHAKE_TIMEOUT_SECONDS * 1000)
      : seconds("timeout", options.timeout, false);
  const keepAliveMs = seconds("keepAlive", options.keepAlive ?? DEFAULT_KEEPALIVE_SECONDS, true);
  const max = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1) {
    throw optionError("maxBufferedBytes", "must be a whole number of bytes ≥ 1");
  }
  if (init.closed) throw new Leap0ClientClosedError(`${what}: the client was closed.`);
  return { handshakeMs, keepAliveMs, max, Ctor: pickConstructor(init.WebSocket) };
}

/**
 * A live WebSocket connection, returned at once: {@link send} queues until the handshake is
 * done, and output is buffered from the first frame until read with {@link recv},
 * `for await`, {@link texts} / {@link recvText}, or handed to {@link onData} listeners.
 * Close it with {@link close} or `await using`.
 */
export class WebSocketConnection implements AsyncIterable<Uint8Array> {
  /**
   * Resolves when the handshake is done. Rejects with `Leap0TimeoutError` (handshake timeout),
   * `Leap0AbortError` (the signal), `Leap0ClientClosedError`, or {@link Leap0WebSocketError}
   * (refused: wrong key, unknown session, connection failed).
   */
  readonly ready: Promise<void>;
  /** Resolves once, when the connection has ended, saying how; never rejects. */
  readonly closed: Promise<WebSocketCloseInfo>;

  readonly #what: string;
  readonly #redact: (text: string) => string;
  readonly #max: number;
  #socket: WebSocketLike | undefined;
  #open = false;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #chunks: Uint8Array[] = [];
  #bufferedBytes = 0;
  #waiters: Waiter[] = [];
  #listeners = new Set<(chunk: Uint8Array) => void>();
  #end: { info: WebSocketCloseInfo; error: Leap0Error } | undefined;
  #decoder = new TextDecoder();
  #resolveReady!: () => void;
  #rejectReady!: (e: Error) => void;
  #resolveClosed!: (info: WebSocketCloseInfo) => void;
  #cleanup: (() => void)[] = [];
  /** The socket's own close event fired: nothing of it is left to destroy. */
  #socketGone = false;
  /** The WebSocket class closed the connection because one message was larger than `maxPayload`. */
  #messageTooBig = false;

  /** @internal Made by the facades (e.g. `sandbox.pty.connect`). */
  constructor(init: WebSocketInit, url: URL, what: string, options: WebSocketOptions = {}) {
    this.#what = what;
    this.#redact = init.redact;
    const { handshakeMs, keepAliveMs, max, Ctor } = connectionSettings(init, what, options);
    this.#max = max;
    const { signal } = options;

    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // A caller who never awaits `ready` must not get an unhandled rejection; awaiting still throws.
    this.ready.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });

    const wsUrl = new URL(url.href);
    wsUrl.protocol = wsUrl.protocol === "https:" ? "wss:" : "ws:";

    if (signal?.aborted) {
      this.#finish({ kind: "failed", code: 1006, reason: "" }, new Leap0AbortError(`${what}: aborted.`));
      return;
    }
    const clientCtl = new AbortController();
    const untrack = init.track(clientCtl);
    this.#cleanup.push(untrack);
    clientCtl.signal.addEventListener("abort", () =>
      this.#stop(new Leap0ClientClosedError(`${what}: the client was closed.`)),
    );
    if (signal) {
      const onAbort = () => this.#stop(new Leap0AbortError(`${what}: aborted.`));
      signal.addEventListener("abort", onAbort, { once: true });
      this.#cleanup.push(() => signal.removeEventListener("abort", onAbort));
    }
    const timer = setTimeout(() => {
      if (!this.#open) {
        this.#stop(new Leap0TimeoutError(`${what}: the WebSocket handshake took longer than ${handshakeMs / 1000} s.`));
      }
    }, handshakeMs);
    this.#cleanup.push(() => clearTimeout(timer));

    let socket: WebSocketLike;
    try {
      socket = new (Ctor as unknown as new (u: string, o: object) => WebSocketLike)(wsUrl.href, {
        headers: { ...init.headers },
        // One message may not cost more than the whole unread buffer may hold.
        maxPayload: max,
      });
    } catch (e) {
      this.#finish(
        { kind: "failed", code: 1006, reason: "" },
        new Leap0WebSocketError(`${what}: could not open the WebSocket (${(e as Error)?.message ?? e}).`, { cause: e }),
      );
      return;
    }
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", () => {
      if (this.#end) return;
      this.#open = true;
      clearTimeout(timer);
      for (const chunk of this.#pending) socket.send(chunk);
      this.#pending = [];
      this.#pendingBytes = 0;
      if (keepAliveMs > 0) {
        // A ping where the class can send one (`ws`, `nodeWebSocket`). Others (the global
        // WebSocket of Node 22+, Bun, Deno) cannot, so they send an empty binary message: input
        // of zero bytes, which writes nothing to the terminal but is traffic all the same.
        const beat = typeof socket.ping === "function" ? () => socket.ping?.() : () => socket.send(EMPTY);
        const timer = setInterval(() => {
          try {
            beat();
          } catch {
            // A keepalive on a closing socket; the close event follows.
          }
        }, keepAliveMs);
        (timer as { unref?: () => void }).unref?.();
        this.#cleanup.push(() => clearInterval(timer));
      }
      this.#resolveReady();
    });
    socket.addEventListener("message", (event: { data?: unknown }) => {
      const chunk = toBytes(event.data);
      if (chunk) this.#deliver(chunk);
    });
    socket.addEventListener("close", (event: { code?: number; reason?: string; wasClean?: boolean }) => {
      this.#socketGone = true;
      this.#onClose(event.code ?? 1006, event.reason ?? "", event.wasClean === true);
    });
    // "error" is always followed by "close", which says what happened; `ws` says here that it
    // closed the connection because one message passed `maxPayload` (its close event says 1006).
    socket.addEventListener("error", (event: { message?: string; error?: { code?: string } }) => {
      if (event?.error?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") this.#messageTooBig = true;
    });
  }

  /** Bytes queued to send: waiting for the handshake, or not yet written to the network. */
  get bufferedAmount(): number {
    return this.#pendingBytes + (this.#socket?.bufferedAmount ?? 0);
  }

  /** Bytes of output received and not yet read. */
  get unreadBytes(): number {
    return this.#bufferedBytes;
  }

  /**
   * Sends bytes (a string is sent as UTF-8) as one binary message; before the handshake is done
   * they are queued, in order. Throws the close error once the connection has ended.
   *
   * @param data - a string (sent as UTF-8) or bytes
   * @returns Nothing; the bytes are sent or queued.
   * @throws {@link Leap0ValidationError} when `data` is neither a string nor bytes.
   * @throws {@link Leap0OutputOverflowError} when more than `maxBufferedBytes` would be queued before the connection opens.
   * @throws {@link Leap0WebSocketError} (the close error) once the connection has ended.
   */
  send(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    if (this.#end) throw this.#end.error;
    let bytes: Uint8Array;
    if (typeof data === "string") bytes = encoder.encode(data);
    else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data.slice(0));
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    else throw new Leap0ValidationError(`${this.#what}: send() takes a string or bytes.`);
    if (this.#open && this.#socket) {
      this.#socket.send(bytes);
      return;
    }
    if (this.#pendingBytes + bytes.byteLength > this.#max) {
      throw new Leap0OutputOverflowError(
        `${this.#what}: more than ${this.#max} bytes queued before the connection opened.`,
      );
    }
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.byteLength;
  }

  /**
   * The next message of output, as bytes. Output received before the call is returned first;
   * nothing is dropped between calls. After the end, rejects with the close error:
   * {@link Leap0SessionExitedError}, {@link Leap0ConnectionDroppedError}, ...
   *
   * @param options - `timeout` (seconds to wait for output) and `signal` (stops waiting; the connection stays open)
   * @returns The next message's bytes.
   * @throws {@link Leap0ValidationError} when `timeout` is not a positive number.
   * @throws {@link Leap0TimeoutError} / {@link Leap0AbortError} when no output comes within `timeout`, or `signal` fires (nothing is lost; the connection stays open).
   * @throws {@link Leap0Error} when `onData()` listeners are attached (output goes to them).
   * @throws {@link Leap0SessionExitedError} / {@link Leap0ConnectionDroppedError} / {@link Leap0WebSocketError} once the connection has ended and its output is read (the close error).
   */
  recv(options: RecvOptions = {}): Promise<Uint8Array> {
    const chunk = this.#chunks.shift();
    if (chunk) {
      this.#bufferedBytes -= chunk.byteLength;
      return Promise.resolve(chunk);
    }
    if (this.#end) return Promise.reject(this.#end.error);
    if (this.#listeners.size) {
      return Promise.reject(new Leap0Error(`${this.#what}: output goes to onData() listeners; remove them to recv().`));
    }
    const { signal } = options;
    const ms = options.timeout === undefined ? undefined : seconds("timeout", options.timeout, false);
    if (signal?.aborted) return Promise.reject(new Leap0AbortError(`${this.#what}: recv() aborted.`));
    return new Promise<Uint8Array>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        resolve: (c) => {
          done();
          resolve(c);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      const onAbort = () => waiter.reject(new Leap0AbortError(`${this.#what}: recv() aborted.`));
      if (ms !== undefined) {
        timer = setTimeout(
          () => waiter.reject(new Leap0TimeoutError(`${this.#what}: no output within ${ms / 1000} s.`)),
          ms,
        );
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /**
   * The next output as text (UTF-8). A character split across messages is held back until its
   * last byte arrives, never turned into a replacement character. Don't mix with {@link recv}.
   *
   * @param options - `timeout` (seconds to wait for output) and `signal` (stops waiting; the connection stays open)
   * @returns The next piece of text (never empty).
   * @throws {@link Leap0ValidationError} when `timeout` is not a positive number.
   * @throws {@link Leap0TimeoutError} / {@link Leap0AbortError} when no output comes within `timeout`, or `signal` fires (nothing is lost; the connection stays open).
   * @throws {@link Leap0SessionExitedError} / {@link Leap0ConnectionDroppedError} / {@link Leap0WebSocketError} once the connection has ended and its output is read (the close error).
   */
  async recvText(options: RecvOptions = {}): Promise<string> {
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = await this.recv(options);
      } catch (e) {
        const rest = this.#end ? this.#decoder.decode() : "";
        if (rest) return rest;
        throw e;
      }
      const text = this.#decoder.decode(chunk, { stream: true });
      if (text) return text;
    }
  }

  /**
   * Output until the session ends, as bytes: `for await (const chunk of connection)`. Ends when
   * the session exits or this side closes; throws when the connection drops.
   *
   * @returns An async iterator of output messages; it ends when the session exits or this side closes.
   * @throws {@link Leap0ConnectionDroppedError} when the connection drops; {@link Leap0WebSocketError} when the handshake failed.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      try {
        yield await this.recv();
      } catch (e) {
        const kind = this.#end?.info.kind;
        if (kind === "exited" || kind === "closed") return;
        throw e;
      }
    }
  }

  /**
   * Output as text, decoded without splitting characters across messages; ends like `for await`.
   *
   * @returns An async generator of text pieces; it ends when the session exits or this side closes.
   * @throws {@link Leap0ConnectionDroppedError} when the connection drops; {@link Leap0WebSocketError} when the handshake failed.
   */
  async *texts(): AsyncGenerator<string, void, undefined> {
    const decoder = new TextDecoder();
    for await (const chunk of this) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }

  /**
   * Hands every message of output to `listener` as it arrives (output buffered so far first).
   * While a listener is attached, output is not buffered for {@link recv}. Returns the function
   * that removes it. An exception in the listener is rethrown outside the connection.
   *
   * @param listener - called with each message's bytes
   * @returns The function that removes the listener.
   * @throws {@link Leap0ValidationError} when `listener` is not a function.
   */
  onData(listener: (chunk: Uint8Array) => void): () => void {
    if (typeof listener !== "function") throw new Leap0ValidationError(`${this.#what}: onData() takes a function.`);
    this.#listeners.add(listener);
    const buffered = this.#chunks;
    this.#chunks = [];
    this.#bufferedBytes = 0;
    for (const chunk of buffered) this.#emit(chunk);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Closes the connection (the session itself keeps running; delete it to end it). Output
   * already received can still be read; then reads fail with a {@link Leap0WebSocketError}.
   *
   * @param code - the WebSocket close code (1000, normal, when omitted; an invalid one is replaced by 1000)
   * @param reason - the close reason sent to the server (empty when omitted)
   * @returns Nothing; `closed` resolves once the connection has ended.
   * @throws Nothing: closing an ended connection does nothing.
   */
  close(code = 1000, reason = ""): void {
    if (this.#end) return;
    this.#stop(new Leap0WebSocketError(`${this.#what}: the connection was closed by this side.`), { code, reason });
  }

  /**
   * `await using connection = …` closes it at the end of the block.
   *
   * @returns Resolves once the connection has ended.
   * @throws Nothing: it never rejects.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.closed;
  }

  #emit(chunk: Uint8Array): void {
    for (const listener of this.#listeners) {
      try {
        listener(chunk);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  #deliver(chunk: Uint8Array): void {
    if (this.#end) return;
    if (this.#listeners.size) {
      this.#emit(chunk);
      return;
    }
    const waiter = this.#waiters[0];
    if (waiter) {
      waiter.resolve(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#bufferedBytes += chunk.byteLength;
    if (this.#bufferedBytes > this.#max && !this.#end) {
      this.#stop(
        new Leap0OutputOverflowError(
          `${this.#what}: more than ${this.#max} bytes of output were left unread, so the connection was closed ` +
            "(the session keeps running; read faster, raise maxBufferedBytes, or connect again).",
        ),
        { code: 1000, reason: "output buffer full" },
        "overflow",
      );
    }
  }

  /** Ends the connection from this side (close, abort, timeout, client close, overflow). */
  #stop(error: Leap0Error, close = { code: 1000, reason: "" }, kind?: WebSocketCloseKind): void {
    if (this.#end) return;
    const resolved: WebSocketCloseKind = kind ?? (this.#open ? "closed" : "failed");
    // Settle first: some implementations fire "close" from inside close().
    this.#finish({ kind: resolved, code: close.code, reason: close.reason }, error);
    const socket = this.#socket;
    if (!socket) return;
    try {
      socket.close(close.code, close.reason);
    } catch {
      // An invalid code from the caller: close normally instead.
      socket.close();
    }
    // A handshake that never finished has nobody to say goodbye to; an open socket gets a
    // bounded wait for the far side's close frame. Either way the socket does not outlive it.
    const terminate = () => {
      if (this.#socketGone) return;
      try {
        socket.terminate?.();
      } catch {
        // Already gone.
      }
    };
    if (!this.#open) terminate();
    else if (!this.#socketGone) {
      const timer = setTimeout(terminate, CLOSE_HANDSHAKE_MS);
      (timer as { unref?: () => void }).unref?.();
      socket.addEventListener("close", () => clearTimeout(timer));
    }
  }

  #onClose(code: number, rawReason: string, wasClean: boolean): void {
    if (this.#end) return;
    const reason = this.#redact(rawReason);
    const details = { closeCode: code, closeReason: reason };
    const said = reason ? ` (${code}: ${reason.slice(0, 200)})` : ` (${code})`;
    if (this.#open && this.#messageTooBig) {
      this.#finish(
        { kind: "overflow", code: 1009, reason },
        new Leap0OutputOverflowError(
          `${this.#what}: one message of output was larger than maxBufferedBytes (${this.#max} bytes), so the connection was closed before it was buffered (the session keeps running; raise maxBufferedBytes or connect again).`,
          { closeCode: 1009, closeReason: reason },
        ),
      );
    } else if (!this.#open) {
      this.#finish(
        { kind: "failed", code, reason },
        new Leap0WebSocketError(
          `${this.#what}: the WebSocket handshake failed${said}: the server refused it (wrong API key, unknown session) or could not be reached.`,
          details,
        ),
      );
    } else if (wasClean && (code === 1000 || code === 1005)) {
      this.#finish(
        { kind: "exited", code, reason },
        new Leap0SessionExitedError(`${this.#what}: the session ended${said}.`, details),
      );
    } else {
      this.#finish(
        { kind: "dropped", code, reason },
        new Leap0ConnectionDroppedError(
          `${this.#what}: the connection was lost${said}; the session may still be running: connect again.`,
          details,
        ),
      );
    }
  }

  #finish(info: WebSocketCloseInfo, error: Leap0Error): void {
    if (this.#end) return;
    this.#end = { info, error };
    for (const fn of this.#cleanup) fn();
    this.#cleanup = [];
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!this.#open) this.#rejectReady(error);
    for (const waiter of this.#waiters.slice()) waiter.reject(error);
    this.#resolveClosed(info);
  }
}
