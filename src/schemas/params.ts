/**
 * The public parameter objects (camelCase), their checks, and their wire bodies (snake_case).
 * Bounds are the contract's (openapi.yaml); test/bounds.test.ts fails if the two drift apart.
 * Schemas are built once at import, never per call.
 */
import * as z from "zod/mini";
import { parseParams } from "../core/validate";
import type { components, operations } from "../../generated/schema";

type Schemas = components["schemas"];

/** Template used when `sandboxes.create()` is called without `templateName` (as in Leap0's other SDKs). */
export const DEFAULT_TEMPLATE_NAME = "system/debian:bookworm";

/** Network egress modes; `CUSTOM` applies the allow lists and transforms. */
export const NetworkPolicyMode = {
  ALLOW_ALL: "allow-all",
  DENY_ALL: "deny-all",
  CUSTOM: "custom",
} as const;
/** One of {@link NetworkPolicyMode}'s values. */
export type NetworkPolicyMode = (typeof NetworkPolicyMode)[keyof typeof NetworkPolicyMode];

const seconds = z.int().check(z.minimum(1), z.maximum(28800));
// Names are trimmed first, so "  warm " and "warm" are the same snapshot and "   " is refused.
const snapshotName = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));
const orderBy = z.enum(["asc", "desc"]);
const page = z.int().check(z.minimum(1));
const pageSize = z.int().check(z.minimum(1), z.maximum(100));

const transformRule = z.strictObject({
  domain: z.string(),
  injectHeaders: z.optional(z.record(z.string(), z.string())),
  stripHeaders: z.optional(z.array(z.string())),
});

const networkPolicy = z.strictObject({
  mode: z.enum([NetworkPolicyMode.ALLOW_ALL, NetworkPolicyMode.DENY_ALL, NetworkPolicyMode.CUSTOM]),
  allowDomains: z.optional(z.array(z.string()).check(z.maxLength(50))),
  allowCidrs: z.optional(z.array(z.union([z.cidrv4(), z.cidrv6()])).check(z.maxLength(10))),
  transforms: z.optional(z.array(transformRule).check(z.maxLength(20))),
});

const mount = z.strictObject({
  type: z.optional(z.literal("object-storage")),
  bucket: z.string(),
  mountPath: z.string(),
  endpoint: z.url(),
  prefix: z.optional(z.string()),
  readOnly: z.optional(z.boolean()),
  accessKeyId: z.optional(z.string()),
  secretAccessKey: z.optional(z.string()),
});

/** Checks for `sandboxes.create()`. */
export const createSandboxParams = z.strictObject({
  templateName: z.optional(z.string().check(z.trim(), z.minLength(1))),
  vcpu: z.optional(z.int().check(z.minimum(1), z.maximum(8))),
  memory: z.optional(
    z.int().check(
      z.minimum(512),
      z.maximum(8192),
      // The contract's prose requires an even number of MiB; the server refuses odd ones.
      z.refine((n) => n % 2 === 0, "must be an even number of MiB"),
    ),
  ),
  timeout: z.optional(seconds),
  autoPause: z.optional(z.boolean()),
  envVars: z.optional(z.record(z.string(), z.string())),
  networkPolicy: z.optional(z.nullable(networkPolicy)),
  mounts: z.optional(z.array(mount).check(z.maxLength(8))),
});

/** Checks for `sandbox.createSnapshot()`. */
export const createSnapshotParams = z.strictObject({
  name: z.optional(snapshotName),
  killSandboxAfter: z.optional(z.boolean()),
});

/** Checks for `snapshots.restore()`. */
export const restoreSnapshotParams = z.strictObject({
  snapshotName,
  timeout: z.optional(seconds),
  autoPause: z.optional(z.boolean()),
  networkPolicy: z.optional(z.nullable(networkPolicy)),
});

/** Checks for `sandboxes.list()`. */
export const listSandboxesParams = z.strictObject({
  state: z.optional(
    z.enum(["starting", "stopping", "snapshotting", "running", "paused", "unpausing", "stopped", "deleting"]),
  ),
  sort: z.optional(z.enum(["created_at", "state"])),
  orderBy: z.optional(orderBy),
  page: z.optional(page),
  pageSize: z.optional(pageSize),
});

/** Checks for `snapshots.list()`. */
export const listSnapshotsParams = z.strictObject({
  query: z.optional(z.string().check(z.maxLength(64))),
  sort: z.optional(z.enum(["created_at", "template_id"])),
  orderBy: z.optional(orderBy),
  page: z.optional(page),
  pageSize: z.optional(pageSize),
});

/** An id, or anything with one (a `Sandbox`, a `Snapshot`, a list item). */
export type Ref = string | { readonly id: string };

// "." and ".." would be resolved away by URL parsing (even percent-encoded), changing the path;
// every other character is percent-encoded by openapi-fetch.
const idSchema = z.string().check(
  z.trim(),
  z.minLength(1),
  z.refine((s) => s !== "." && s !== "..", "must not be . or .."),
);

/** Parameters of `sandboxes.create()`; every field is optional. */
export type CreateSandboxParams = z.input<typeof createSandboxParams>;
/** Parameters of `sandbox.createSnapshot()`. */
export type CreateSnapshotParams = z.input<typeof createSnapshotParams>;
/** Parameters of `snapshots.restore()`; `snapshotName` is required. */
export type RestoreSnapshotParams = z.input<typeof restoreSnapshotParams>;
/** Filters, order and page of `sandboxes.list()`. */
export type ListSandboxesParams = z.input<typeof listSandboxesParams>;
/** Filters, order and page of `snapshots.list()`. */
export type ListSnapshotsParams = z.input<typeof listSnapshotsParams>;
/** A network policy as the SDK takes it. */
export type NetworkPolicyParams = z.input<typeof networkPolicy>;
/** An object storage mount to attach at creation. */
export type MountParams = z.input<typeof mount>;

/** Checks a {@link Ref} and returns its id; `what` ("sandbox id") names it in the error. */
export function refId(ref: Ref, what: string): string {
  const id = typeof ref === "object" && ref !== null ? (ref as { id?: unknown }).id : ref;
  return parseParams(idSchema, id, what);
}

function networkPolicyBody(
  p: z.output<typeof networkPolicy> | null | undefined,
): Schemas["NetworkPolicy"] | null | undefined {
  if (!p) return p;
  return {
    mode: p.mode,
    allow_domains: p.allowDomains,
    allow_cidrs: p.allowCidrs,
    transforms: p.transforms?.map((t) => ({
      domain: t.domain,
      inject_headers: t.injectHeaders,
      strip_headers: t.stripHeaders,
    })),
  };
}

/** The createSandbox body; omitted options stay omitted so the service applies its defaults. */
export function createSandboxBody(p: z.output<typeof createSandboxParams>): Schemas["SandboxCreateRequest"] {
  return {
    template_name: p.templateName ?? DEFAULT_TEMPLATE_NAME,
    vcpu: p.vcpu,
    memory: p.memory,
    timeout: p.timeout,
    auto_pause: p.autoPause,
    env_vars: p.envVars,
    network_policy: networkPolicyBody(p.networkPolicy),
    mounts: p.mounts?.map((m) => ({
      type: m.type ?? "object-storage",
      bucket: m.bucket,
      mount_path: m.mountPath,
      endpoint: m.endpoint,
      prefix: m.prefix,
      read_only: m.readOnly,
      access_key_id: m.accessKeyId,
      secret_access_key: m.secretAccessKey,
    })),
  };
}

/** The createSnapshot body. */
export function createSnapshotBody(p: z.output<typeof createSnapshotParams>): Schemas["SnapshotCreateRequest"] {
  return { name: p.name, kill_sandbox_after: p.killSandboxAfter };
}

/** The restoreSnapshot body. */
export function restoreSnapshotBody(p: z.output<typeof restoreSnapshotParams>): Schemas["SnapshotRestoreRequest"] {
  return {
    snapshot_name: p.snapshotName,
    timeout: p.timeout,
    auto_pause: p.autoPause,
    network_policy: networkPolicyBody(p.networkPolicy),
  };
}

type Query<O extends keyof operations> = NonNullable<operations[O]["parameters"]["query"]>;

/** The listSandboxes query string. */
export function listSandboxesQuery(p: z.output<typeof listSandboxesParams>): Query<"listSandboxes"> {
  return { state: p.state, sort: p.sort, "order-by": p.orderBy, page: p.page, "page-size": p.pageSize };
}

/** The listSnapshots query string. */
export function listSnapshotsQuery(p: z.output<typeof listSnapshotsParams>): Query<"listSnapshots"> {
  return { query: p.query, sort: p.sort, "order-by": p.orderBy, page: p.page, "page-size": p.pageSize };
}
