/**
 * Every error this SDK throws is a {@link Leap0Error}; one subclass per family, so callers can
 * branch with `instanceof` instead of parsing messages. None of them ever holds the API key,
 * the request headers, or the raw Request/Response objects (which could carry either).
 */
import type { LspJsonRpcError, ProcessExecuteResult } from "../../generated/types";

/** One field the API (or the SDK's own validation) refused, and why. */
export interface FieldError {
  /** Field name as the caller knows it (camelCase for SDK validation, wire name for API errors). */
  field: string;
  /** Why the value was refused. */
  error: string;
}

/** Extra facts an error may carry; all optional so each family sets only what it knows. */
export interface Leap0ErrorDetails {
  /** The API operation that failed, e.g. `restoreSnapshot`. */
  operation?: string;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Field errors from a validation response, or from the SDK's own parameter checks. */
  fieldErrors?: FieldError[];
  /**
   * True when a non-idempotent request may have reached the server before it failed, so the
   * sandbox or snapshot may exist even though the call threw. The SDK never retries such calls.
   */
  mayHaveSucceeded?: boolean;
  /** The underlying error (network failure, JSON syntax error, ...). */
  cause?: unknown;
  /** The response headers, when a response arrived. */
  headers?: Headers;
  /** The parsed response body (JSON, or text cut to a readable length), when there was one. */
  body?: unknown;
}

/** Base class of every error thrown by the SDK. */
export class Leap0Error extends Error {
  /**
   * The class's name. Every error class states its own as a string literal, so a minifier (ours
   * or the application's) cannot turn `Leap0NotFoundError` into `Ss` in logs, error trackers or
   * `err.name === "…"` checks.
   */
  override name = "Leap0Error";
  /** The API operation that failed, e.g. `restoreSnapshot`, when the error came from a call. */
  readonly operation: string | undefined;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** Field errors (from the API's validation response, or the SDK's own parameter checks). */
  readonly fieldErrors: FieldError[];
  /** True when the request may have taken effect on the server although this error was thrown. */
  readonly mayHaveSucceeded: boolean;

  /** Errors are made by the SDK; `details` carries what is known about the failed call. */
  constructor(message: string, details: Leap0ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.operation = details.operation;
    this.status = details.status;
    this.fieldErrors = details.fieldErrors ?? [];
    this.mayHaveSucceeded = details.mayHaveSucceeded ?? false;
  }
}

/** Parameters failed the SDK's checks; nothing was sent. `fieldErrors` names each field. */
export class Leap0ValidationError extends Leap0Error {
  override name = "Leap0ValidationError";
}

/** @internal Throws the {@link Leap0ValidationError} of one bad argument, named by its field. */
export function refuseField(field: string, problem: string): never {
  throw new Leap0ValidationError(`Invalid ${field}: ${problem}. Nothing was sent.`, {
    fieldErrors: [{ field, error: problem }],
  });
}

/**
 * The API answered with an error status. Subclasses name the family. `headers` and `body` are
 * the response's (the body parsed, at most 64 KiB read, the API key scrubbed from it), for
 * debugging and for fields the SDK does not know.
 */
export class Leap0APIError extends Leap0Error {
  override name = "Leap0APIError";
  /** The response headers. */
  readonly headers: Headers;
  /** The parsed response body: JSON, or text; `undefined` when empty. */
  readonly body: unknown;

  /** Errors are made by the SDK; `details` carries what is known about the failed call. */
  constructor(message: string, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.headers = details.headers ?? new Headers();
    this.body = details.body;
  }
}
/** 400 or 422: the request was malformed or refused field by field (see `fieldErrors`). */
export class Leap0BadRequestError extends Leap0APIError {
  override name = "Leap0BadRequestError";
}
/** 401: the API key is missing or not valid. */
export class Leap0AuthenticationError extends Leap0APIError {
  override name = "Leap0AuthenticationError";
}
/** 403: the key is valid but may not do this. */
export class Leap0PermissionError extends Leap0APIError {
  override name = "Leap0PermissionError";
}
/** 404: no such sandbox or snapshot in this organisation. */
export class Leap0NotFoundError extends Leap0APIError {
  override name = "Leap0NotFoundError";
}
/** 409: cannot succeed as sent (name taken, limit reached, wrong state, snapshot in use). */
export class Leap0ConflictError extends Leap0APIError {
  override name = "Leap0ConflictError";
}
/** 429: the organisation's limit or quota was reached. */
export class Leap0RateLimitError extends Leap0APIError {
  override name = "Leap0RateLimitError";
}
/** 5xx: the service failed or had no capacity. */
export class Leap0ServerError extends Leap0APIError {
  override name = "Leap0ServerError";
}

/** The call did not finish within its `timeout`; the request was aborted. */
export class Leap0TimeoutError extends Leap0Error {
  override name = "Leap0TimeoutError";
}
/** The connection failed (refused, DNS, reset) before a complete response arrived. */
export class Leap0ConnectionError extends Leap0Error {
  override name = "Leap0ConnectionError";
}
/** The caller's `AbortSignal` fired; never retried. */
export class Leap0AbortError extends Leap0Error {
  override name = "Leap0AbortError";
}
/** The client was closed (`client.close()`) before or during the call. */
export class Leap0ClientClosedError extends Leap0AbortError {
  override name = "Leap0ClientClosedError";
}
/** A success status arrived with a body that is not what the contract promises. */
export class Leap0MalformedResponseError extends Leap0Error {
  override name = "Leap0MalformedResponseError";
}
/**
 * The response body was larger than the client's `maxResponseBytes`; the rest was not read.
 * The API caps its own responses at 10 MiB, so this means a misbehaving server or proxy.
 */
export class Leap0ResponseTooLargeError extends Leap0MalformedResponseError {
  override name = "Leap0ResponseTooLargeError";
  /** The limit in bytes that was passed. */
  readonly limit: number;
  /** @internal */
  constructor(message: string, limit: number, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.limit = limit;
  }
}
/**
 * The server answered with a redirect (3xx). The API never redirects, so the SDK never follows
 * one: following would re-send the request body (and its secrets) wherever `Location` points.
 */
export class Leap0RedirectError extends Leap0APIError {
  override name = "Leap0RedirectError";
  /** Where the redirect pointed (origin and path only; any query string is dropped), if it said. */
  readonly location: string | undefined;
  /** @internal */
  constructor(message: string, location: string | undefined, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.location = location;
  }
}

const BY_STATUS: Record<number, typeof Leap0APIError> = {
  400: Leap0BadRequestError,
  401: Leap0AuthenticationError,
  403: Leap0PermissionError,
  404: Leap0NotFoundError,
  409: Leap0ConflictError,
  422: Leap0BadRequestError,
  429: Leap0RateLimitError,
};

/** The error class for an HTTP error status. */
export function apiErrorClass(status: number): typeof Leap0APIError {
  return BY_STATUS[status] ?? (status >= 500 ? Leap0ServerError : Leap0APIError);
}

/**
 * A ranged read saw the file change between two ranges (its size or modification time, from
 * `stat`, moved), so the bytes read so far do not belong to one version of the file.
 */
export class Leap0FileChangedError extends Leap0Error {
  override name = "Leap0FileChangedError";
  /** The file. */
  readonly path: string;
  /** @internal */
  constructor(message: string, path: string, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.path = path;
  }
}

/**
 * A buffered read (text, bytes, blob) that would hold more than its `maxBytes`: nothing past
 * the range that showed it was fetched. Read it as a stream (`format: "stream"`), or raise
 * `maxBytes`. A limit the caller chose, not a fault of the server, so not a
 * `Leap0MalformedResponseError`.
 */
export class Leap0FileTooLargeError extends Leap0Error {
  override name = "Leap0FileTooLargeError";
  /** The file. */
  readonly path: string;
  /** The bound that was passed, in bytes. */
  readonly limit: number;
  /**
   * The bytes the read would bring (the file's size from `stat`, or the part of it that
   * `offset`/`limit` ask for), when known before the bound was passed.
   */
  readonly size: number | undefined;
  /** @internal */
  constructor(message: string, path: string, limit: number, size: number | undefined, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.path = path;
    this.limit = limit;
    this.size = size;
  }
}

/**
 * `readFiles`/`readFilesBytes`: some requested paths did not come back. `files` holds the ones
 * that did, `missing` the ones that did not.
 */
export class Leap0FilesMissingError extends Leap0Error {
  override name = "Leap0FilesMissingError";
  /** Requested paths absent from the answer. */
  readonly missing: string[];
  /** What did come back, keyed by path (bytes). */
  readonly files: Record<string, Uint8Array>;
  /** @internal */
  constructor(message: string, missing: string[], files: Record<string, Uint8Array>, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.missing = missing;
    this.files = files;
  }
}

// ── Errors of one area (terminals, language servers, commands, waiting) ──

/** Details of a {@link Leap0WebSocketError}. */
export interface Leap0WebSocketErrorDetails extends Leap0ErrorDetails {
  /** The WebSocket close code, when the connection closed. */
  closeCode?: number;
  /** The close reason, when one was given. */
  closeReason?: string;
}

/**
 * A WebSocket failed: the handshake was refused, or the connection is closed. The subclasses
 * tell a session that ended from a connection that was lost.
 */
export class Leap0WebSocketError extends Leap0Error {
  override name = "Leap0WebSocketError";
  /** The WebSocket close code, when the connection closed. */
  readonly closeCode: number | undefined;
  /** The close reason, when one was given. */
  readonly closeReason: string | undefined;

  /** Errors are made by the SDK; `details` carries what is known. */
  constructor(message: string, details: Leap0WebSocketErrorDetails = {}) {
    super(message, details);
    this.closeCode = details.closeCode;
    this.closeReason = details.closeReason;
  }
}
/**
 * No WebSocket that can send the `Authorization` header is available: Node 20 has none (pass
 * `webSocket: nodeWebSocket` from `leap0/node`), and a browser's cannot send headers.
 */
export class Leap0WebSocketUnsupportedError extends Leap0WebSocketError {
  override name = "Leap0WebSocketUnsupportedError";
}
/** The far side closed the connection normally: the session (e.g. the shell) ended. */
export class Leap0SessionExitedError extends Leap0WebSocketError {
  override name = "Leap0SessionExitedError";
}
/**
 * The connection was lost without a normal close (network, the service's idle limit, a server
 * error). The session may still be running: connect to it again.
 */
export class Leap0ConnectionDroppedError extends Leap0WebSocketError {
  override name = "Leap0ConnectionDroppedError";
}
/** Unread output passed `maxBufferedBytes`, so the SDK closed the connection rather than drop bytes. */
export class Leap0OutputOverflowError extends Leap0WebSocketError {
  override name = "Leap0OutputOverflowError";
}

/** The language server answered a request with a JSON-RPC error (inside an HTTP 200). */
export class Leap0LspError extends Leap0Error {
  override name = "Leap0LspError";
  /** The JSON-RPC error code, e.g. -32602 for bad parameters. */
  readonly code: number;
  /** Any further detail the server gave. */
  readonly data: unknown;

  /** @internal */
  constructor(message: string, error: LspJsonRpcError, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.code = error.code;
    this.data = error.data;
  }
}

/**
 * A command run with `check: true` exited non-zero. The message names only the exit code (a
 * command line or its output may hold secrets); `result` has the full output.
 */
export class Leap0CommandError extends Leap0Error {
  override name = "Leap0CommandError";
  /** The command's exit code and output. */
  readonly result: ProcessExecuteResult;

  /** @internal */
  constructor(result: ProcessExecuteResult, details: Leap0ErrorDetails = {}) {
    super(`The command exited with code ${result.exitCode} (see error.result for its stdout and stderr).`, details);
    this.result = result;
  }
}

/**
 * The sandbox reached a state from which it will not become `running` by itself (stopped,
 * paused, deleting, deleted). `state` says which.
 */
export class Leap0SandboxStateError extends Leap0Error {
  override name = "Leap0SandboxStateError";
  /** The state the sandbox was found in. */
  readonly state: string;
  /** The sandbox's id. */
  readonly sandboxId: string;

  /** @internal */
  constructor(message: string, sandboxId: string, state: string) {
    super(message, { operation: "waitUntilRunning" });
    this.sandboxId = sandboxId;
    this.state = state;
  }
}
