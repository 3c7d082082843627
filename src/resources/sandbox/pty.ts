import {
  connectPtySession,
  createPtySession,
  deletePtySession,
  getPtySession,
  listPtySessions,
  resizePtySession,
} from "../../../generated/operations";
import type { PtyCreateRequestParams, PtyResizeRequestParams, PtySessionInfo } from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import { Leap0ValidationError } from "../../core/errors";
import { invoke } from "../../core/invoke";
import type { Pipeline } from "../../core/pipeline";
import { pathId } from "../../core/validate";
import {
  connectionSettings,
  WebSocketConnection,
  type WebSocketInit,
  type WebSocketOptions,
} from "../../core/websocket";

/** Seconds the background delete of a session that `open()` could not connect to may take. */
const OPEN_CLEANUP_SECONDS = 30;

export {
  DEFAULT_HANDSHAKE_TIMEOUT_SECONDS,
  DEFAULT_KEEPALIVE_SECONDS,
  DEFAULT_MAX_BUFFERED_BYTES,
  type RecvOptions,
  type WebSocketCloseInfo,
  type WebSocketCloseKind,
  WebSocketConnection,
  type WebSocketConstructor,
  type WebSocketLike,
  type WebSocketOptions,
} from "../../core/websocket";

/**
 * How to set up a terminal session. The guides name the id `id`, the reference `sessionId`:
 * either is accepted (not both with different values).
 */
export interface PtyCreateParams extends PtyCreateRequestParams {
  /** The session id, as the reference names it; same as `id`. */
  sessionId?: string;
}

/** A resize as the reference writes it: `resize({ sessionId, cols, rows })`. */
export interface PtyResizeParams extends PtyResizeRequestParams {
  /** The session to resize. */
  sessionId: string;
}

/** Options of {@link PtyClient.open}: the connection's options and the create call's timeout and retries. */
export interface PtyOpenOptions extends WebSocketOptions {
  /** Retries of the create call (it is never repeated once it may have reached the server). */
  maxRetries?: number;
}

/**
 * A connection to a terminal session: raw bytes both ways (keystrokes in, terminal output out).
 * See {@link WebSocketConnection} for reading, the buffer and how it ends. Closing it leaves
 * the session (and its shell) running: connect again to pick it up.
 */
export class PtyConnection extends WebSocketConnection {
  /** The session this connection is attached to. */
  readonly sessionId: string;

  /** @internal Made by {@link PtyClient.connect}. */
  constructor(init: WebSocketInit, url: URL, sessionId: string, options?: WebSocketOptions) {
    super(init, url, `PTY session ${sessionId}`, options);
    this.sessionId = sessionId;
  }
}

function sessionIdOf(params: PtyCreateParams): PtyCreateRequestParams {
  if (typeof params !== "object" || params === null) {
    throw new Leap0ValidationError("Invalid PTY create parameters: must be an object. Nothing was sent.", {
      fieldErrors: [{ field: "params", error: "must be an object" }],
    });
  }
  const { sessionId, ...rest } = params;
  if (sessionId === undefined) return rest;
  if (rest.id !== undefined && rest.id !== null && rest.id !== sessionId) {
    throw new Leap0ValidationError("Invalid PTY create parameters: id and sessionId differ. Nothing was sent.", {
      fieldErrors: [{ field: "sessionId", error: "differs from id (they name the same thing; pass one)" }],
    });
  }
  return { ...rest, id: sessionId };
}

/** Interactive terminal sessions in the sandbox, over a WebSocket. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class PtyClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
  }

  /**
   * Every terminal session of the sandbox.
   *
   * @returns The sessions, with their size, directory and whether their shell runs.
   */
  async list(options?: RequestOptions): Promise<PtySessionInfo[]> {
    return (await invoke(this.#pipeline, listPtySessions, { ids: { sandboxID: this.#sandboxId } }, options)).items;
  }

  /**
   * Opens a terminal session. With `lazyStart` the shell starts only when the first connection
   * opens, so nothing it prints is missed (see {@link PtyClient.open}). Never retried once sent.
   *
   * @param params - the session's id (`id` or `sessionId`), size, directory, env and `lazyStart` (all optional)
   * @returns The new session.
   * @throws {@link Leap0ValidationError} when the params break the contract, or `id` and `sessionId` differ (nothing is sent).
   */
  async create(params: PtyCreateParams = {}, options?: RequestOptions): Promise<PtySessionInfo> {
    return invoke(
      this.#pipeline,
      createPtySession,
      { ids: { sandboxID: this.#sandboxId }, params: sessionIdOf(params), what: "PTY create parameters" },
      options,
    );
  }

  /**
   * One session's size, directory and whether its shell runs.
   *
   * @param sessionId - the session's id
   * @returns The session.
   * @throws {@link Leap0ValidationError} when `sessionId` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the session does not exist.
   */
  get(sessionId: string, options?: RequestOptions): Promise<PtySessionInfo> {
    return invoke(
      this.#pipeline,
      getPtySession,
      { ids: { sandboxID: this.#sandboxId, sessionID: sessionId } },
      options,
    );
  }

  /**
   * Kills the session's shell and forgets the session.
   *
   * @param sessionId - the session's id
   * @returns Resolves once the session is gone.
   * @throws {@link Leap0ValidationError} when `sessionId` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the session does not exist.
   */
  delete(sessionId: string, options?: RequestOptions): Promise<void> {
    return invoke(
      this.#pipeline,
      deletePtySession,
      { ids: { sandboxID: this.#sandboxId, sessionID: sessionId } },
      options,
    );
  }

  /**
   * Sets the terminal's size: `resize("shell", 200, 50)`.
   *
   * @param sessionId - the session's id
   * @param cols - width in columns
   * @param rows - height in rows
   * @returns The session with its new size.
   * @throws {@link Leap0ValidationError} when `sessionId` is not a usable id or the size is out of range (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the session does not exist.
   */
  resize(sessionId: string, cols: number, rows: number, options?: RequestOptions): Promise<PtySessionInfo>;
  /**
   * Sets the terminal's size: `resize({ sessionId: "shell", cols: 200, rows: 50 })`.
   */
  resize(params: PtyResizeParams, options?: RequestOptions): Promise<PtySessionInfo>;
  async resize(
    first: string | PtyResizeParams,
    colsOrOptions?: number | RequestOptions,
    rows?: number,
    options?: RequestOptions,
  ): Promise<PtySessionInfo> {
    let sessionId: unknown;
    let params: { cols: unknown; rows: unknown };
    let opts: RequestOptions | undefined;
    if (typeof first === "object" && first !== null) {
      ({ sessionId, ...params } = first);
      opts = colsOrOptions as RequestOptions | undefined;
    } else {
      sessionId = first;
      params = { cols: colsOrOptions, rows };
      opts = options;
    }
    return invoke(
      this.#pipeline,
      resizePtySession,
      {
        ids: { sandboxID: this.#sandboxId, sessionID: pathId(sessionId, "sessionId") },
        params,
        what: "PTY resize parameters",
      },
      opts,
    );
  }

  /**
   * The WebSocket URL of a session (`wss://…/v1/sandbox/{id}/pty/{session}/connect` on the API
   * host), for connecting by hand; it needs the `Authorization: Bearer` header.
   *
   * @param sessionId - the session's id
   * @returns The URL; nothing is requested.
   * @throws {@link Leap0ValidationError} when `sessionId` is not a usable id.
   */
  websocketUrl(sessionId: string): string {
    const url = this.#url(sessionId);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  /**
   * Attaches to a session and returns the connection at once: `send` may be called on the next
   * line (it is queued until the handshake is done), and output is kept from the first frame.
   * Await `connection.ready` to see the handshake's outcome. The service drops a connection
   * idle for 5 minutes: keepalive pings prevent it where the WebSocket class can send them;
   * otherwise connect again (the session keeps running).
   *
   * @param sessionId - the session's id
   * @param options - the connection's options: handshake `timeout` (seconds), `signal`, output buffer cap and keepalive
   * @returns The connection, at once (its `ready` settles with the handshake: a refusal or unknown session rejects it with {@link Leap0WebSocketError}).
   * @throws {@link Leap0ValidationError} when `sessionId` is not a usable id or an option is unusable.
   * @throws {@link Leap0ClientClosedError} when the client was closed.
   * @throws {@link Leap0WebSocketUnsupportedError} when no WebSocket class is available (pass the client's `webSocket` option).
   */
  connect(sessionId: string, options?: WebSocketOptions): PtyConnection {
    const id = pathId(sessionId, "sessionId");
    return new PtyConnection(this.#pipeline.webSocketInit(), this.#url(id), id, options);
  }

  /**
   * Creates a lazily started session and connects to it, so the shell starts only once the
   * connection is there and none of its first output is lost. Resolves when connected; if the
   * connection fails, the new session is deleted again (in the background, so a signal or
   * timeout that ended the call is not held up by the cleanup). Options and the WebSocket class
   * are checked first: a bad option creates nothing.
   *
   * @param params - the session's settings, as for {@link PtyClient.create} (`lazyStart` is set for you)
   * @param options - the connection's options, plus `timeout`, `signal` and `maxRetries` for the create call
   * @returns The open connection, its handshake done.
   * @throws {@link Leap0ValidationError} when the params or options are unusable (nothing is sent).
   * @throws {@link Leap0WebSocketError} when the handshake is refused or fails (the session is deleted again).
   * @throws {@link Leap0TimeoutError} / {@link Leap0AbortError} / {@link Leap0ConnectionError} when the timeout runs out, the signal fires, or the connection fails.
   */
  async open(params: PtyCreateParams = {}, options: PtyOpenOptions = {}): Promise<PtyConnection> {
    const { maxRetries, ...wsOptions } = options;
    const call: RequestOptions = {};
    if (options.timeout !== undefined) call.timeout = options.timeout;
    if (options.signal !== undefined) call.signal = options.signal;
    if (maxRetries !== undefined) call.maxRetries = maxRetries;
    // The connection's options and a WebSocket class are checked before the session is created:
    // a bad option or a runtime without WebSocket sends nothing and leaves no session behind.
    connectionSettings(this.#pipeline.webSocketInit(), "PTY session", wsOptions);
    const session = await this.create({ ...params, lazyStart: true }, call);
    try {
      const connection = this.connect(session.id, wsOptions);
      await connection.ready;
      return connection;
    } catch (e) {
      // Deleted in the background, under its own bound: the caller's signal or timeout has
      // just ended open(), and must not be held up by the cleanup (nor cancel it).
      this.delete(session.id, { timeout: OPEN_CLEANUP_SECONDS }).catch(() => {});
      throw e;
    }
  }

  #url(sessionId: string): URL {
    const path = connectPtySession.path
      .replace("{sandboxID}", encodeURIComponent(pathId(this.#sandboxId, "sandbox id")))
      .replace("{sessionID}", encodeURIComponent(pathId(sessionId, "sessionId")));
    const base = new URL(this.#pipeline.webSocketInit().baseUrl);
    // The API root may have a base path (a proxy): keep it, as every HTTP call does.
    return new URL(`${base.pathname.replace(/\/+$/, "")}${path}`, base);
  }
}
