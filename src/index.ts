/**
 * leap0: the TypeScript SDK for the Leap0 API (cloud sandboxes for AI agents).
 * What is exported here is the public API.
 * @packageDocumentation
 */
export { Leap0Client } from "./client";
export type { Leap0ClientOptions } from "./core/config";
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
  Leap0ConflictError,
  Leap0ConnectionError,
  Leap0Error,
  type Leap0ErrorDetails,
  Leap0MalformedResponseError,
  Leap0NotFoundError,
  Leap0PermissionError,
  Leap0RateLimitError,
  Leap0RedirectError,
  Leap0ResponseTooLargeError,
  Leap0ServerError,
  Leap0TimeoutError,
  Leap0ValidationError,
} from "./core/errors";
export type { Logger, LogLevel } from "./core/logging";
export type { RequestOptions } from "./core/transport";
export { VERSION } from "./core/version";
export { Sandbox } from "./resources/sandbox";
export type { Sandboxes } from "./resources/sandboxes";
export type { Snapshots } from "./resources/snapshots";
export {
  type Mount,
  type NetworkPolicy,
  type Page,
  type SandboxInfo,
  SandboxState,
  type SandboxSummary,
  type Snapshot,
  type TransformRule,
} from "./schemas/models";
export {
  type CreateSandboxParams,
  type CreateSnapshotParams,
  DEFAULT_TEMPLATE_NAME,
  type ListSandboxesParams,
  type ListSnapshotsParams,
  type MountParams,
  NetworkPolicyMode,
  type NetworkPolicyParams,
  type Ref,
  type RestoreSnapshotParams,
  type TransformRuleParams,
} from "./schemas/params";
