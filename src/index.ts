/**
 * leap0: the TypeScript SDK for the Leap0 API (cloud sandboxes for AI agents).
 * What is exported here is the public API.
 * @packageDocumentation
 */
// Every camelCase param and result type generated from openapi.yaml; the names below win where
// the SDK adds to a generated type (defaults, the state constant).
export type * from "../generated/types";
export { Leap0Client } from "./client";
export type { FetchOptions, Leap0ClientOptions, RequestOptions } from "./core/config";
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_SECONDS,
} from "./core/config";
export {
  type FieldError,
  Leap0AbortError,
  Leap0APIError,
  Leap0AuthenticationError,
  Leap0BadRequestError,
  Leap0ClientClosedError,
  Leap0CommandError,
  Leap0ConflictError,
  Leap0ConnectionDroppedError,
  Leap0ConnectionError,
  Leap0Error,
  type Leap0ErrorDetails,
  Leap0FileChangedError,
  Leap0FilesMissingError,
  Leap0FileTooLargeError,
  Leap0LspError,
  Leap0MalformedResponseError,
  Leap0NotFoundError,
  Leap0OutputOverflowError,
  Leap0PermissionError,
  Leap0RateLimitError,
  Leap0RedirectError,
  Leap0ResponseTooLargeError,
  Leap0SandboxStateError,
  Leap0ServerError,
  Leap0SessionExitedError,
  Leap0TimeoutError,
  Leap0ValidationError,
  Leap0WebSocketError,
  type Leap0WebSocketErrorDetails,
  Leap0WebSocketUnsupportedError,
} from "./core/errors";
export { DEFAULT_SANDBOX_DOMAIN } from "./core/hosts";
export type { Logger, LogLevel } from "./core/logging";
export { VERSION } from "./core/version";
export {
  type CreateSandboxParams,
  DEFAULT_TEMPLATE_NAME,
  type MountParams,
  NetworkPolicyMode,
  type Page,
  type Ref,
  type SandboxInfo,
  SandboxState,
  type SandboxSummary,
  type Snapshot,
} from "./models";
// The areas a sandbox loads on first use: their classes and types are types here (a value import
// would load them with the SDK); the classes as values are in "leap0/areas", the constants below.
export type * from "./resources/sandbox/code-interpreter";
// Names an area states over a generated one (the facade's shape, or a name that says its API).
export type {
  CodeInterpreterExecuteParams,
  CodeInterpreterExecuteStreamParams,
  ExecuteParams,
  ExecuteStreamParams,
} from "./resources/sandbox/code-interpreter";
export * from "./resources/sandbox/defaults";
export type * from "./resources/sandbox/desktop";
export type * from "./resources/sandbox/filesystem";
export type * from "./resources/sandbox/git";
export { type PresignedUrl, Sandbox } from "./resources/sandbox/handle";
export type * from "./resources/sandbox/lsp";
export type * from "./resources/sandbox/process";
export type { ProcessExecuteParams } from "./resources/sandbox/process";
// Terminals and SSH are not loaded lazily: `pty.connect()` answers synchronously with a connection.
export * from "./resources/sandbox/pty";
export * from "./resources/sandbox/ssh";
export type { SandboxesClient } from "./resources/sandboxes";
export type { SnapshotsClient } from "./resources/snapshots";
/** @deprecated The class is {@link SandboxesClient}, as Leap0's reference names it; this name goes in 1.0. */
export type Sandboxes = import("./resources/sandboxes").SandboxesClient;
/** @deprecated The class is {@link SnapshotsClient}, as Leap0's reference names it; this name goes in 1.0. */
export type Snapshots = import("./resources/snapshots").SnapshotsClient;
export * from "./resources/ssh";
export * from "./resources/templates";
export {
  DEFAULT_WAIT_SECONDS,
  type LifecycleOptions,
  type WaitOption,
  type WaitOptions,
} from "./resources/wait";

declare global {
  interface SymbolConstructor {
    /**
     * `await using` support (`Sandbox`, `Leap0Client`, PTY connections) for projects whose `lib`
     * predates it; the same declaration as TypeScript's `esnext.disposable` and `@types/node`.
     */
    readonly asyncDispose: unique symbol;
  }
}
