/**
 * The public parameter objects (camelCase), their checks, and their wire bodies (snake_case).
 * Bounds are the contract's (openapi.yaml); test/bounds.test.ts fails if the two drift apart.
 * Schemas are built once at import, never per call.
 */
import * as z from "zod/mini";
import type { components, operations } from "../../generated/schema";
import { lazy, parseParams } from "../core/validate";

type Schemas = components["schemas"];

/** Template used when `sandboxes.create()` is called without `templateName` (as in Leap0's other SDKs). */
export const DEFAULT_TEMPLATE_NAME = "system/debian:bookworm";

/** Network egress modes; `CUSTOM` applies the allow lists and transforms. */
export const NetworkPolicyMode = {
  /** All outbound traffic is allowed (the default). */
  ALLOW_ALL: "allow-all",
  /** No outbound traffic at all. */
  DENY_ALL: "deny-all",
  /** Only `allowDomains` and `allowCidrs`, with `transforms` applied. */
  CUSTOM: "custom",
} as const;
/** One of {@link NetworkPolicyMode}'s values. */
export type NetworkPolicyMode = (typeof NetworkPolicyMode)[keyof typeof NetworkPolicyMode];

function buildParamSchemas() {
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
  const createSandboxParams = z.strictObject({
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
  const createSnapshotParams = z.strictObject({
    name: z.optional(snapshotName),
    killSandboxAfter: z.optional(z.boolean()),
  });

  /** Checks for `snapshots.restore()`. */
  const restoreSnapshotParams = z.strictObject({
    snapshotName,
    timeout: z.optional(seconds),
    autoPause: z.optional(z.boolean()),
    networkPolicy: z.optional(z.nullable(networkPolicy)),
  });

  /** Checks for `sandboxes.list()`. */
  const listSandboxesParams = z.strictObject({
    state: z.optional(
      z.enum(["starting", "stopping", "snapshotting", "running", "paused", "unpausing", "stopped", "deleting"]),
    ),
    sort: z.optional(z.enum(["created_at", "state"])),
    orderBy: z.optional(orderBy),
    page: z.optional(page),
    pageSize: z.optional(pageSize),
  });

  /** Checks for `snapshots.list()`. */
  const listSnapshotsParams = z.strictObject({
    query: z.optional(z.string().check(z.maxLength(64))),
    sort: z.optional(z.enum(["created_at", "template_id"])),
    orderBy: z.optional(orderBy),
    page: z.optional(page),
    pageSize: z.optional(pageSize),
  });

  // "." and ".." would be resolved away by URL parsing (even percent-encoded), changing the path;
  // every other character is percent-encoded by openapi-fetch.
  const idSchema = z.string().check(
    z.trim(),
    z.minLength(1),
    z.refine((s) => s !== "." && s !== "..", "must not be . or .."),
  );

  return {
    createSandboxParams,
    createSnapshotParams,
    restoreSnapshotParams,
    listSandboxesParams,
    listSnapshotsParams,
    networkPolicy,
    idSchema,
  };
}

/** The parameter checks, built on first use (see {@link lazy}). */
export const paramSchemas = lazy(buildParamSchemas);
type P = ReturnType<typeof buildParamSchemas>;

/** An id, or anything with one (a `Sandbox`, a `Snapshot`, a list item). */
export type Ref =
  | string
  | {
      /** The id that is used. */
      readonly id: string;
    };

/** A per-domain request rewrite: headers to add to, or strip from, requests to `domain`. */
export interface TransformRuleParams {
  /** The domain the rule applies to, e.g. `api.openai.com`. */
  domain: string;
  /** Headers added to each matching request (e.g. a credential the sandbox never sees). */
  injectHeaders?: Record<string, string>;
  /** Header names removed from each matching request. */
  stripHeaders?: string[];
}

/** Which outbound traffic a sandbox may send. */
export interface NetworkPolicyParams {
  /** `allow-all`, `deny-all`, or `custom` to apply the lists below; see {@link NetworkPolicyMode}. */
  mode: NetworkPolicyMode;
  /** Domains that may be reached (custom mode); at most 50. */
  allowDomains?: string[];
  /** IPv4/IPv6 CIDR ranges that may be reached (custom mode); at most 10. */
  allowCidrs?: string[];
  /** Request rewrites per domain; at most 20. */
  transforms?: TransformRuleParams[];
}

/** A read-only S3-compatible bucket to attach at creation. Leave out the keys for a public bucket. */
export interface MountParams {
  /** The only kind today; filled in when omitted. */
  type?: "object-storage";
  /** Bucket name. */
  bucket: string;
  /** Absolute path where the bucket appears in the sandbox. */
  mountPath: string;
  /** The S3-compatible endpoint URL. */
  endpoint: string;
  /** Only objects under this key prefix (ending in `/`). */
  prefix?: string;
  /** Object storage mounts are read-only for now. */
  readOnly?: boolean;
  /** Access key id; stays on the runner, never inside the sandbox. */
  accessKeyId?: string;
  /** Secret key; stays on the runner, never inside the sandbox. */
  secretAccessKey?: string;
}

/** Parameters of `sandboxes.create()`; every field is optional. */
export interface CreateSandboxParams {
  /** Template to boot; default `system/debian:bookworm`. */
  templateName?: string;
  /** Virtual CPUs, 1–8 (service default 1). */
  vcpu?: number;
  /** Memory in MiB: even, 512–8192 (service default 1024). */
  memory?: number;
  /** Lifetime in seconds, 1–28800 (service default 300). */
  timeout?: number;
  /** Pause into saved state instead of terminating at the timeout (default false). */
  autoPause?: boolean;
  /** Environment variables for processes in the sandbox. */
  envVars?: Record<string, string>;
  /** Egress policy; `null` or omitted means everything is allowed. */
  networkPolicy?: NetworkPolicyParams | null;
  /** Buckets to attach before boot; at most 8. */
  mounts?: MountParams[];
}

/** Parameters of `sandbox.createSnapshot()`. */
export interface CreateSnapshotParams {
  /** Snapshot name, trimmed, 1–64 characters; the service picks one when omitted. */
  name?: string;
  /** Terminate the sandbox once the snapshot is stored (default false). */
  killSandboxAfter?: boolean;
}

/** Parameters of `snapshots.restore()`. */
export interface RestoreSnapshotParams {
  /** Name of the snapshot to restore, trimmed, 1–64 characters. */
  snapshotName: string;
  /** Lifetime of the new sandbox in seconds, 1–28800 (service default 300). */
  timeout?: number;
  /** Pause the new sandbox at its timeout instead of terminating it (default false). */
  autoPause?: boolean;
  /** Egress policy of the new sandbox. */
  networkPolicy?: NetworkPolicyParams | null;
}

/** Filters, order and page of `sandboxes.list()` and `sandboxes.iterate()`. */
export interface ListSandboxesParams {
  /** Only sandboxes in this state. */
  state?: "starting" | "stopping" | "snapshotting" | "running" | "paused" | "unpausing" | "stopped" | "deleting";
  /** Order by creation time (default) or state. */
  sort?: "created_at" | "state";
  /** Direction; default `desc`. */
  orderBy?: "asc" | "desc";
  /** Page to fetch, from 1. */
  page?: number;
  /** Items per page, 1–100 (service default 20; `iterate()` asks for 100). */
  pageSize?: number;
}

/** Filters, order and page of `snapshots.list()` and `snapshots.iterate()`. */
export interface ListSnapshotsParams {
  /** Only snapshots whose name matches this text; at most 64 characters. */
  query?: string;
  /** Order by creation time (default) or template. */
  sort?: "created_at" | "template_id";
  /** Direction; default `desc`. */
  orderBy?: "asc" | "desc";
  /** Page to fetch, from 1. */
  page?: number;
  /** Items per page, 1–100 (service default 20; `iterate()` asks for 100). */
  pageSize?: number;
}

// The documented interfaces above must stay exactly what the zod checks accept.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type _ParamsMatchChecks = [
  Assert<Same<CreateSandboxParams, z.input<P["createSandboxParams"]>>>,
  Assert<Same<CreateSnapshotParams, z.input<P["createSnapshotParams"]>>>,
  Assert<Same<RestoreSnapshotParams, z.input<P["restoreSnapshotParams"]>>>,
  Assert<Same<ListSandboxesParams, z.input<P["listSandboxesParams"]>>>,
  Assert<Same<ListSnapshotsParams, z.input<P["listSnapshotsParams"]>>>,
];

/** Checks a {@link Ref} and returns its id; `what` ("sandbox id") names it in the error. */
export function refId(ref: Ref, what: string): string {
  const id = typeof ref === "object" && ref !== null ? (ref as { id?: unknown }).id : ref;
  return parseParams(paramSchemas().idSchema, id, what);
}

function networkPolicyBody(
  p: z.output<P["networkPolicy"]> | null | undefined,
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
export function createSandboxBody(p: z.output<P["createSandboxParams"]>): Schemas["SandboxCreateRequest"] {
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
export function createSnapshotBody(p: z.output<P["createSnapshotParams"]>): Schemas["SnapshotCreateRequest"] {
  return { name: p.name, kill_sandbox_after: p.killSandboxAfter };
}

/** The restoreSnapshot body. */
export function restoreSnapshotBody(p: z.output<P["restoreSnapshotParams"]>): Schemas["SnapshotRestoreRequest"] {
  return {
    snapshot_name: p.snapshotName,
    timeout: p.timeout,
    auto_pause: p.autoPause,
    network_policy: networkPolicyBody(p.networkPolicy),
  };
}

type Query<O extends keyof operations> = NonNullable<operations[O]["parameters"]["query"]>;

/** The listSandboxes query string. */
export function listSandboxesQuery(p: z.output<P["listSandboxesParams"]>): Query<"listSandboxes"> {
  return { state: p.state, sort: p.sort, "order-by": p.orderBy, page: p.page, "page-size": p.pageSize };
}

/** The listSnapshots query string. */
export function listSnapshotsQuery(p: z.output<P["listSnapshotsParams"]>): Query<"listSnapshots"> {
  return { query: p.query, sort: p.sort, "order-by": p.orderBy, page: p.page, "page-size": p.pageSize };
}
