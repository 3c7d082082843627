/**
 * The public shapes of sandboxes and snapshots. Every field is generated from openapi.yaml
 * (generated/types.ts, camelCase, with the spec's descriptions); this file only gives them the
 * names users know and adds the SDK's own constants.
 */
import type {
  SandboxState as GeneratedSandboxState,
  MountRequestParams,
  NetworkPolicyParams,
  SandboxCreateRequestParams,
  SandboxCreateResponse,
  SandboxListItem,
  SnapshotCreateResponse,
} from "../generated/types";

/** Template used when `sandboxes.create()` is called without `templateName` (as in Leap0's other SDKs). */
export const DEFAULT_TEMPLATE_NAME = "system/debian:bookworm";

/** Sandbox lifecycle states; `state` may also hold a state added to the API after this release. */
export const SandboxState = {
  /** Booting; not yet ready for work. */
  STARTING: "starting",
  /** Shutting down towards `stopped`. */
  STOPPING: "stopping",
  /** Up and usable. */
  RUNNING: "running",
  /** Being captured into a snapshot. */
  SNAPSHOTTING: "snapshotting",
  /** Saved (memory and disk) with no VM running. */
  PAUSED: "paused",
  /** Coming back from `paused`. */
  UNPAUSING: "unpausing",
  /** Disk kept, memory dropped, no VM running; `start()` boots it again. */
  STOPPED: "stopped",
  /** Being removed. */
  DELETING: "deleting",
  /** Gone. */
  DELETED: "deleted",
} as const satisfies Record<string, GeneratedSandboxState>;
/** A known {@link SandboxState} value, or a newer one as a plain string. */
export type SandboxState = GeneratedSandboxState;

/** Network egress modes; `CUSTOM` applies the allow lists and transforms. */
export const NetworkPolicyMode = {
  /** All outbound traffic is allowed (the default). */
  ALLOW_ALL: "allow-all",
  /** No outbound traffic at all. */
  DENY_ALL: "deny-all",
  /** Only `allowDomains` and `allowCidrs`, with `transforms` applied. */
  CUSTOM: "custom",
} as const satisfies Record<string, NetworkPolicyParams["mode"]>;
/** One of {@link NetworkPolicyMode}'s values. */
export type NetworkPolicyMode = (typeof NetworkPolicyMode)[keyof typeof NetworkPolicyMode];

/** What the API last said about one sandbox (`networkPolicy` is absent when the answer did not say). */
export type SandboxInfo = SandboxCreateResponse;
/** A stored snapshot. Restore it by `name`; delete it by `id`. */
export type Snapshot = SnapshotCreateResponse;
/** A sandbox as `sandboxes.list()` summarises it. */
export type SandboxSummary = SandboxListItem;

/** One page of a list, with the total number of matches over all pages. */
export interface Page<T> {
  /** This page's items. */
  items: T[];
  /** How many items matched, over all pages. */
  totalItems: number;
}

/**
 * Parameters of `sandboxes.create()`; every field is optional (`templateName` defaults to
 * {@link DEFAULT_TEMPLATE_NAME}, a mount's `type` to `object-storage`, the only kind).
 */
export type CreateSandboxParams = Omit<SandboxCreateRequestParams, "templateName" | "mounts"> & {
  /** Template to boot; default `system/debian:bookworm`. Trimmed; must not be blank. */
  templateName?: string;
  /** Buckets to attach before boot; at most 8. */
  mounts?: MountParams[];
  /**
   * Forward the sandbox's own telemetry where this process sends its own: copies the local
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (required) and `OTEL_EXPORTER_OTLP_HEADERS` into the sandbox's
   * `envVars` (an explicit `envVars` entry wins). SDK-only: not sent as such.
   */
  otelExport?: boolean;
};
/** A read-only S3-compatible bucket to attach at creation. Leave out the keys for a public bucket. */
export type MountParams = Omit<MountRequestParams, "type"> & {
  /** The only kind today; filled in when omitted. */
  type?: MountRequestParams["type"];
};

/** An id, or anything with one (a `Sandbox`, a `Snapshot`, a list item). */
export type Ref =
  | string
  | {
      /** The id that is used. */
      readonly id: string;
    };
