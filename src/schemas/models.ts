/**
 * Response bodies: what the SDK checks on the wire (snake_case) and the models it returns
 * (camelCase). Each wire shape must list exactly the generated type's fields (`satisfies
 * ShapeOf<…>`), so a field renamed or added in openapi.yaml stops the build here. Unknown extra
 * fields and enum values the SDK does not know yet pass through: a newer server must not break
 * an older client.
 */
import * as z from "zod/mini";
import type { components } from "../../generated/schema";
import { lazy } from "../core/validate";
import type { NetworkPolicyMode } from "./params";

type Schemas = components["schemas"];
/** A zod shape with exactly the keys of a generated wire type. */
type ShapeOf<T> = { [K in keyof T]-?: z.ZodMiniType };

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
} as const satisfies Record<string, Schemas["SandboxState"]>;
/** A known {@link SandboxState} value, or a newer one as a plain string. */
export type SandboxState = (typeof SandboxState)[keyof typeof SandboxState] | (string & {});

function buildWireSchemas() {
  const transformWire = z.looseObject({
    domain: z.string(),
    inject_headers: z.optional(z.record(z.string(), z.string())),
    strip_headers: z.optional(z.array(z.string())),
  } satisfies ShapeOf<Schemas["TransformRule"]>);

  const networkPolicyWire = z.looseObject({
    mode: z.string(),
    allow_domains: z.optional(z.array(z.string())),
    allow_cidrs: z.optional(z.array(z.string())),
    transforms: z.optional(z.array(transformWire)),
  } satisfies ShapeOf<Schemas["NetworkPolicy"]>);

  const mountWire = z.looseObject({
    id: z.string(),
    type: z.string(),
    bucket: z.string(),
    mount_path: z.string(),
    prefix: z.optional(z.string()),
    read_only: z.optional(z.boolean()),
  } satisfies ShapeOf<Schemas["Mount"]>);

  const sandboxFields = {
    id: z.string(),
    template_id: z.string(),
    mounts: z.optional(z.array(mountWire)),
    vcpu: z.number(),
    memory: z.number(),
    disk: z.number(),
    timeout: z.number(),
    state: z.string(),
    auto_pause: z.boolean(),
    created_at: z.string(),
  };

  /** Body of create/pause/stop/start/restore. */
  const sandboxWire = z.looseObject({
    ...sandboxFields,
    network_policy: z.optional(z.nullable(networkPolicyWire)),
  } satisfies ShapeOf<Schemas["SandboxCreateResponse"]>);

  /** Body of getSandbox: the same sandbox, but the contract returns no network policy here. */
  const sandboxStatusWire = z.looseObject(sandboxFields satisfies ShapeOf<Schemas["SandboxStatusResponse"]>);

  const snapshotWire = z.looseObject({
    id: z.string(),
    name: z.string(),
    template_id: z.string(),
    vcpu: z.number(),
    memory: z.number(),
    disk: z.number(),
    network_policy: z.optional(z.nullable(networkPolicyWire)),
    created_at: z.string(),
  } satisfies ShapeOf<Schemas["SnapshotCreateResponse"]>);

  const sandboxListItemWire = z.looseObject({
    id: z.string(),
    template_id: z.string(),
    pod_id: z.string(),
    state: z.string(),
    launch_time: z.optional(z.string()),
    state_change_time: z.optional(z.string()),
    timeout_at: z.optional(z.number()),
    created_at: z.string(),
  } satisfies ShapeOf<Schemas["SandboxListItem"]>);

  /** Body of listSandboxes. */
  const sandboxPageWire = z.looseObject({
    items: z.array(sandboxListItemWire),
    total_items: z.number(),
  } satisfies ShapeOf<Schemas["ListSandboxesResponse"]>);

  /** Body of listSnapshots. */
  const snapshotPageWire = z.looseObject({
    items: z.array(snapshotWire),
    total_items: z.number(),
  } satisfies ShapeOf<Schemas["ListSnapshotsResponse"]>);
  return { sandboxWire, sandboxStatusWire, snapshotWire, sandboxPageWire, snapshotPageWire };
}

/** The response checks, built on first use (see {@link lazy}). */
export const wireSchemas = lazy(buildWireSchemas);
type W = ReturnType<typeof buildWireSchemas>;
type NetworkPolicyWire = NonNullable<z.output<W["sandboxWire"]>["network_policy"]>;
type SandboxListItemWire = z.output<W["sandboxPageWire"]>["items"][number];

/** A per-domain request rewrite of a network policy. */
export interface TransformRule {
  /** The domain the rule applies to. */
  domain: string;
  /** Headers added to each matching request. */
  injectHeaders?: Record<string, string>;
  /** Header names removed from each matching request. */
  stripHeaders?: string[];
}

/** Which outbound traffic a sandbox may send. */
export interface NetworkPolicy {
  /** A {@link NetworkPolicyMode} value, or a newer mode as a plain string. */
  mode: NetworkPolicyMode | (string & {});
  /** Domains that may be reached (custom mode). */
  allowDomains?: string[];
  /** CIDR ranges that may be reached (custom mode). */
  allowCidrs?: string[];
  /** Request rewrites per domain. */
  transforms?: TransformRule[];
}

/** An object storage mount attached to a sandbox (credentials are never returned). */
export interface Mount {
  /** The mount's id. */
  id: string;
  /** The kind of mount (`object-storage`). */
  type: string;
  /** Bucket name. */
  bucket: string;
  /** Where the bucket appears in the sandbox. */
  mountPath: string;
  /** The key prefix exposed, if any. */
  prefix?: string;
  /** Whether it is read-only. */
  readOnly?: boolean;
}

/** What the API last said about one sandbox. */
export interface SandboxInfo {
  /** The sandbox's id. */
  id: string;
  /** The template it was booted from. */
  templateId: string;
  /** Its lifecycle state; see {@link SandboxState}. */
  state: SandboxState;
  /** Virtual CPUs. */
  vcpu: number;
  /** MiB. */
  memory: number;
  /** Writable disk, MiB. */
  disk: number;
  /** Lifetime in seconds. */
  timeout: number;
  /** Whether it pauses rather than terminates at its timeout. */
  autoPause: boolean;
  /** `null` when the sandbox has none (everything allowed); `undefined` when the response did not say. */
  networkPolicy: NetworkPolicy | null | undefined;
  /** Attached object storage mounts, when the response listed them. */
  mounts: Mount[] | undefined;
  /** ISO 8601 timestamp. */
  createdAt: string;
}

/** A stored snapshot. Restore it by `name`; delete it by `id`. */
export interface Snapshot {
  /** The snapshot's id (what `snapshots.delete()` takes). */
  id: string;
  /** The snapshot's name (what `snapshots.restore()` takes). */
  name: string;
  /** The template of the sandbox it was taken from. */
  templateId: string;
  /** Virtual CPUs a restored sandbox gets. */
  vcpu: number;
  /** Memory in MiB a restored sandbox gets. */
  memory: number;
  /** Writable disk in MiB a restored sandbox gets. */
  disk: number;
  /** The network policy stored with it; `null` for none. */
  networkPolicy: NetworkPolicy | null | undefined;
  /** ISO 8601 timestamp. */
  createdAt: string;
}

/** A sandbox as `sandboxes.list()` summarises it. */
export interface SandboxSummary {
  /** The sandbox's id. */
  id: string;
  /** The template it was booted from. */
  templateId: string;
  /** The runner hosting it; empty until one is assigned. */
  podId: string;
  /** Its lifecycle state. */
  state: SandboxState;
  /** When its VM was launched (ISO 8601). */
  launchTime: string | undefined;
  /** When its state last changed (ISO 8601). */
  stateChangeTime: string | undefined;
  /** Unix seconds at which it times out. */
  timeoutAt: number | undefined;
  /** When it was created (ISO 8601). */
  createdAt: string;
}

/** One page of a list, with the total number of matches over all pages. */
export interface Page<T> {
  /** This page's items. */
  items: T[];
  /** How many items matched, over all pages. */
  totalItems: number;
}

function toNetworkPolicy(w: NetworkPolicyWire | null | undefined): NetworkPolicy | null | undefined {
  if (!w) return w;
  // Optional fields the API left out stay out, so a printed policy shows only what was said.
  const policy: NetworkPolicy = { mode: w.mode };
  if (w.allow_domains) policy.allowDomains = w.allow_domains;
  if (w.allow_cidrs) policy.allowCidrs = w.allow_cidrs;
  if (w.transforms) {
    policy.transforms = w.transforms.map((t) => {
      const rule: TransformRule = { domain: t.domain };
      if (t.inject_headers) rule.injectHeaders = t.inject_headers;
      if (t.strip_headers) rule.stripHeaders = t.strip_headers;
      return rule;
    });
  }
  return policy;
}

/**
 * Maps a sandbox body to the model. A getSandbox body has no network policy; pass it with
 * `network_policy: undefined` and the model says "not known" rather than "none".
 */
export function toSandboxInfo(w: z.output<W["sandboxWire"]>): SandboxInfo {
  return {
    id: w.id,
    templateId: w.template_id,
    state: w.state,
    vcpu: w.vcpu,
    memory: w.memory,
    disk: w.disk,
    timeout: w.timeout,
    autoPause: w.auto_pause,
    networkPolicy: toNetworkPolicy(w.network_policy),
    mounts: w.mounts?.map((m) => {
      const mount: Mount = { id: m.id, type: m.type, bucket: m.bucket, mountPath: m.mount_path };
      if (m.prefix !== undefined) mount.prefix = m.prefix;
      if (m.read_only !== undefined) mount.readOnly = m.read_only;
      return mount;
    }),
    createdAt: w.created_at,
  };
}

/** Maps a snapshot body to the model. */
export function toSnapshot(w: z.output<W["snapshotWire"]>): Snapshot {
  return {
    id: w.id,
    name: w.name,
    templateId: w.template_id,
    vcpu: w.vcpu,
    memory: w.memory,
    disk: w.disk,
    networkPolicy: toNetworkPolicy(w.network_policy),
    createdAt: w.created_at,
  };
}

/** Maps a list item to the summary model. */
export function toSandboxSummary(w: SandboxListItemWire): SandboxSummary {
  return {
    id: w.id,
    templateId: w.template_id,
    podId: w.pod_id,
    state: w.state,
    launchTime: w.launch_time,
    stateChangeTime: w.state_change_time,
    timeoutAt: w.timeout_at,
    createdAt: w.created_at,
  };
}
