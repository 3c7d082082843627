/**
 * The control plane, stateful: sandboxes through their lifecycle (a create answers `starting`,
 * the next look finds `running`), snapshots that carry the filesystem, restores from them,
 * listing with real pages, templates, mounts, presigned URLs and SSH access. Wrong states and
 * unknown ids get the answers the contract documents for them.
 */

import type { Operation } from "../../generated/operations";
import { STATUSES } from "../../generated/statuses";
import { empty, json, refuse } from "./answers";
import type { Routed } from "./router";
import { copyFs, freshFs, HOME, newId, type SandboxRecord, type State, type World } from "./world";

/** What every handler gets: the decoded call and the world it acts on. */
export type Handler = (call: Routed, world: World) => Response | Promise<Response>;

type Params = Record<string, unknown>;

/** The first of `preferred` that the operation documents (else 400): answers stay within the contract. */
export function statusFor(op: Operation, preferred: number[]): number {
  const documented = STATUSES[op.name] ?? [];
  return preferred.find((s) => documented.includes(s)) ?? 400;
}

/** The sandbox the call names, settled, or the operation's "not found" answer. */
export function sandboxOf(call: Routed, world: World): SandboxRecord {
  const id = call.path.sandboxID ?? call.sandboxId ?? "";
  const s = world.sandbox(id);
  if (!s) refuse(statusFor(call.op, [404]), `sandbox ${JSON.stringify(id)} not found`);
  return s;
}

/** The sandbox, which must be `running` for what the call asks. */
export function runningSandbox(call: Routed, world: World): SandboxRecord {
  const s = sandboxOf(call, world);
  if (s.state !== "running") {
    refuse(statusFor(call.op, [409, 404]), `sandbox ${JSON.stringify(s.id)} is ${s.state}, not running`);
  }
  return s;
}

/** camelCase params of a network policy → the wire form the API answers with. */
function policyWire(policy: unknown): Record<string, unknown> | null {
  if (!policy || typeof policy !== "object") return null;
  const p = policy as Params;
  const out: Params = { mode: p.mode };
  if (p.allowDomains !== undefined) out.allow_domains = p.allowDomains;
  if (p.allowCidrs !== undefined) out.allow_cidrs = p.allowCidrs;
  if (Array.isArray(p.transforms)) {
    out.transforms = p.transforms.map((t: Params) => {
      const r: Params = { domain: t.domain };
      if (t.injectHeaders !== undefined) r.inject_headers = t.injectHeaders;
      if (t.stripHeaders !== undefined) r.strip_headers = t.stripHeaders;
      return r;
    });
  }
  return out;
}

function mountWire(m: Params): Record<string, unknown> {
  const out: Params = {
    id: newId("mnt"),
    type: m.type ?? "object-storage",
    bucket: m.bucket,
    mount_path: m.mountPath,
    read_only: m.readOnly ?? true,
  };
  if (typeof m.prefix === "string" && m.prefix) out.prefix = m.prefix;
  return out;
}

/** A sandbox as create, restore and the state calls answer it; `getSandbox` leaves the policy out. */
export function sandboxWire(s: SandboxRecord, withPolicy = true): Record<string, unknown> {
  const out: Params = {
    id: s.id,
    template_id: s.templateId,
    mounts: s.mounts,
    vcpu: s.vcpu,
    memory: s.memory,
    disk: s.disk,
    timeout: s.timeout,
    state: s.state,
    auto_pause: s.autoPause,
    created_at: s.createdAt,
  };
  if (withPolicy) out.network_policy = s.networkPolicy;
  return out;
}

function snapshotWire(world: World, id: string): Record<string, unknown> {
  const n = world.snapshots.get(id);
  if (!n) return {};
  return {
    id: n.id,
    name: n.name,
    template_id: n.templateId,
    vcpu: n.vcpu,
    memory: n.memory,
    disk: n.disk,
    network_policy: n.networkPolicy,
    created_at: n.createdAt,
  };
}

function newSandbox(
  world: World,
  init: Omit<SandboxRecord, "id" | "createdAt" | "state" | "stateChangedAt" | "pending" | "ssh" | "presigned" | "pty">,
): SandboxRecord {
  const s: SandboxRecord = {
    ...init,
    id: newId("sbx"),
    createdAt: world.iso(),
    state: "starting",
    stateChangedAt: world.iso(),
    pending: undefined,
    ssh: new Map(),
    presigned: new Map(),
    pty: new Map(),
  };
  world.move(s, "starting", "running");
  world.sandboxes.set(s.id, s);
  return s;
}

/** States a sandbox passes through; the service refuses most calls while one lasts. */
const TRANSITIONS: State[] = ["starting", "stopping", "snapshotting", "unpausing", "deleting"];

/** Sorts and pages a listing as the list endpoints do. */
function page<T>(items: T[], params: Params, key: (t: T) => string): { items: T[]; total_items: number } {
  const sorted = [...items].sort((a, b) => key(a).localeCompare(key(b)));
  if ((params.orderBy ?? "desc") === "desc") sorted.reverse();
  const size = typeof params.pageSize === "number" ? params.pageSize : 20;
  const at = ((typeof params.page === "number" ? params.page : 1) - 1) * size;
  return { items: sorted.slice(at, at + size), total_items: items.length };
}

/** The control plane's operations, by operationId. */
export const controlHandlers: Record<string, Handler> = {
  createSandbox(call, world) {
    const p = call.params;
    const template = world.templateByName(String(p.templateName));
    if (!template) refuse(400, `template ${JSON.stringify(p.templateName)} not found`);
    if (world.live().length >= world.maxSandboxes) {
      refuse(409, `sandbox limit reached: at most ${world.maxSandboxes} sandboxes per organization`);
    }
    const memory = typeof p.memory === "number" ? p.memory : 1024;
    const s = newSandbox(world, {
      templateId: template.id,
      vcpu: typeof p.vcpu === "number" ? p.vcpu : 1,
      memory,
      disk: 4096,
      timeout: typeof p.timeout === "number" ? p.timeout : 300,
      autoPause: p.autoPause === true,
      networkPolicy: policyWire(p.networkPolicy) ?? { mode: "allow-all" },
      mounts: Array.isArray(p.mounts) ? p.mounts.map(mountWire) : [],
      envVars: (p.envVars as Record<string, string>) ?? {},
      fs: freshFs(world.files),
      restoredFrom: undefined,
    });
    return json(201, sandboxWire(s));
  },

  getSandbox(call, world) {
    return json(200, sandboxWire(sandboxOf(call, world), false));
  },

  deleteSandbox(call, world) {
    const s = sandboxOf(call, world);
    if (TRANSITIONS.includes(s.state)) refuse(409, `sandbox ${JSON.stringify(s.id)} is ${s.state}; try again`);
    world.move(s, "deleted");
    return empty();
  },

  pauseSandbox(call, world) {
    const s = runningSandbox(call, world);
    world.move(s, "paused");
    return json(201, sandboxWire(s));
  },

  stopSandbox(call, world) {
    const s = runningSandbox(call, world);
    world.move(s, "stopping", "stopped");
    return json(200, sandboxWire(s));
  },

  startSandbox(call, world) {
    const s = sandboxOf(call, world);
    if (s.state !== "stopped") refuse(409, `sandbox ${JSON.stringify(s.id)} is ${s.state}, not stopped`);
    world.move(s, "starting", "running");
    return json(200, sandboxWire(s));
  },

  async createSnapshot(call, world) {
    const s = runningSandbox(call, world);
    const name = typeof call.params.name === "string" ? call.params.name.trim() : newId("snapshot", 8);
    if ([...world.snapshots.values()].some((n) => n.name === name)) {
      refuse(409, `a snapshot named ${JSON.stringify(name)} already exists`);
    }
    const id = newId("snap");
    world.snapshots.set(id, {
      id,
      name,
      templateId: s.templateId,
      vcpu: s.vcpu,
      memory: s.memory,
      disk: s.disk,
      networkPolicy: s.networkPolicy,
      createdAt: world.iso(),
      fs: await copyFs(s.fs),
    });
    if (call.params.killSandboxAfter === true) world.move(s, "deleted");
    return json(201, snapshotWire(world, id));
  },

  async restoreSnapshot(call, world) {
    const p = call.params;
    const snapshot = [...world.snapshots.values()].find((n) => n.name === p.snapshotName);
    if (!snapshot) refuse(404, `snapshot ${JSON.stringify(p.snapshotName)} not found`);
    if (world.live().length >= world.maxSandboxes) {
      refuse(429, `sandbox limit reached: at most ${world.maxSandboxes} sandboxes per organization`);
    }
    const s = newSandbox(world, {
      templateId: snapshot.templateId,
      vcpu: snapshot.vcpu,
      memory: snapshot.memory,
      disk: snapshot.disk,
      timeout: typeof p.timeout === "number" ? p.timeout : 300,
      autoPause: p.autoPause === true,
      networkPolicy: policyWire(p.networkPolicy) ?? snapshot.networkPolicy,
      mounts: [],
      envVars: {},
      fs: await copyFs(snapshot.fs),
      restoredFrom: snapshot.id,
    });
    return json(201, sandboxWire(s));
  },

  deleteSnapshot(call, world) {
    const id = call.path.snapshotID ?? "";
    if (!world.snapshots.has(id)) refuse(404, `snapshot ${JSON.stringify(id)} not found`);
    if (world.live().some((s) => s.restoredFrom === id)) {
      refuse(409, `snapshot ${JSON.stringify(id)} is in use by an active sandbox`);
    }
    world.snapshots.delete(id);
    return empty();
  },

  listSandboxes(call, world) {
    const p = call.params;
    const items = world
      .live()
      .filter((s) => p.state === undefined || s.state === p.state)
      .map((s) => ({
        id: s.id,
        template_id: s.templateId,
        pod_id: `pod-${s.id.slice(4)}`,
        state: s.state,
        state_change_time: s.stateChangedAt,
        created_at: s.createdAt,
      }));
    return json(
      200,
      page(items, p, (i) => (p.sort === "state" ? i.state : i.created_at)),
    );
  },

  listSnapshots(call, world) {
    const p = call.params;
    const items = [...world.snapshots.keys()]
      .map((id) => snapshotWire(world, id))
      .filter((n) => typeof p.query !== "string" || String(n.name).includes(p.query));
    return json(
      200,
      page(items, p, (n) => String(p.sort === "template_id" ? n.template_id : n.created_at)),
    );
  },

  addSandboxMount(call, world) {
    const s = sandboxOf(call, world);
    if (s.mounts.length >= 8) refuse(409, "mount limit reached: at most 8 mounts per sandbox");
    const mount = mountWire(call.params);
    s.mounts.push(mount);
    return json(201, mount);
  },

  updateSandboxMount(call, world) {
    const s = sandboxOf(call, world);
    const mount = s.mounts.find((m) => m.id === call.path.mountID);
    if (!mount) refuse(404, `mount ${JSON.stringify(call.path.mountID)} not found`);
    const p = call.params;
    if (p.bucket !== undefined) mount.bucket = p.bucket;
    if (p.mountPath !== undefined) mount.mount_path = p.mountPath;
    if (p.readOnly !== undefined) mount.read_only = p.readOnly;
    if (p.prefix === "") delete mount.prefix;
    else if (p.prefix !== undefined) mount.prefix = p.prefix;
    return json(200, mount);
  },

  deleteSandboxMount(call, world) {
    const s = sandboxOf(call, world);
    const at = s.mounts.findIndex((m) => m.id === call.path.mountID);
    if (at < 0) refuse(404, `mount ${JSON.stringify(call.path.mountID)} not found`);
    s.mounts.splice(at, 1);
    return empty();
  },

  createPresignedURL(call, world) {
    const s = sandboxOf(call, world);
    const token = newId("tok", 32).slice(4);
    const link = {
      id: newId("purl"),
      token,
      url: `https://${token}.leap0.app`,
      sandbox_id: s.id,
      port: call.params.port,
      expires_at: world.iso(world.now() + 1000 * (Number(call.params.expiresIn) || 3600)),
      created_at: world.iso(),
    };
    s.presigned.set(link.id, link);
    return json(201, link);
  },

  deletePresignedURL(call, world) {
    const s = sandboxOf(call, world);
    if (!s.presigned.delete(call.path.id ?? "")) refuse(404, `presigned URL ${JSON.stringify(call.path.id)} not found`);
    return empty();
  },

  getSandboxUserHomeDir(call, world) {
    sandboxOf(call, world);
    return json(200, { user_home_dir: HOME });
  },

  getSandboxWorkdir(call, world) {
    sandboxOf(call, world);
    return json(200, { workdir: HOME });
  },

  uploadTemplate(call, world) {
    const name = String(call.params.name).trim();
    if (world.templateByName(name)) refuse(409, `a template named ${JSON.stringify(name)} already exists`);
    if ([...world.templates.values()].filter((t) => !t.isSystem).length >= 25) {
      refuse(409, "template limit reached: at most 25 templates per organization");
    }
    const id = newId("tpl");
    const t = {
      id,
      name,
      digest: `sha256:${id.slice(4).padEnd(64, "0")}`,
      isSystem: false,
      createdAt: world.iso(),
      imageConfig: { entrypoint: null, cmd: ["/bin/sh"], working_dir: "/", user: "root", env: null },
    };
    world.templates.set(id, t);
    return json(201, {
      id,
      name,
      digest: t.digest,
      image_config: t.imageConfig,
      is_system: false,
      created_at: t.createdAt,
    });
  },

  renameTemplate(call, world) {
    const t = world.templates.get(call.path.templateID ?? "");
    if (!t) refuse(404, `template ${JSON.stringify(call.path.templateID)} not found`);
    if (t.isSystem) refuse(409, `${t.name} is a system template and cannot be renamed`);
    const name = String(call.params.name).trim();
    if (world.templateByName(name)) refuse(409, `a template named ${JSON.stringify(name)} already exists`);
    t.name = name;
    return empty();
  },

  deleteTemplate(call, world) {
    const t = world.templates.get(call.path.templateID ?? "");
    if (!t) refuse(404, `template ${JSON.stringify(call.path.templateID)} not found`);
    if (t.isSystem) refuse(409, `${t.name} is a system template and cannot be deleted`);
    if (world.live().some((s) => s.templateId === t.id)) refuse(409, `template ${t.name} is still in use`);
    world.templates.delete(t.id);
    return empty();
  },

  createSshAccess(call, world) {
    const s = sandboxOf(call, world);
    const access = sshAccess(world, s.id, newId("ssh"));
    s.ssh.set(String(access.id), access);
    return json(201, access);
  },

  deleteSshAccess(call, world) {
    const s = sandboxOf(call, world);
    if (!s.ssh.delete(call.path.sshID ?? "")) refuse(404, `SSH access ${JSON.stringify(call.path.sshID)} not found`);
    return empty();
  },

  validateSshAccess(call, world) {
    const s = sandboxOf(call, world);
    const access = s.ssh.get(call.path.sshID ?? "");
    if (!access) refuse(404, `SSH access ${JSON.stringify(call.path.sshID)} not found`);
    const valid = access.password === call.params.password && Date.parse(String(access.expires_at)) > world.now();
    return json(200, { valid, sandbox_id: s.id });
  },

  regenSshAccess(call, world) {
    const s = sandboxOf(call, world);
    const old = s.ssh.get(call.path.sshID ?? "");
    if (!old) refuse(404, `SSH access ${JSON.stringify(call.path.sshID)} not found`);
    const access: Record<string, unknown> = { ...sshAccess(world, s.id, String(old.id)), created_at: old.created_at };
    s.ssh.set(String(access.id), access);
    return json(200, access);
  },
};

function sshAccess(world: World, sandboxId: string, id: string): Record<string, unknown> {
  const password = newId("pw", 16).slice(3);
  return {
    id,
    sandbox_id: sandboxId,
    password,
    expires_at: world.iso(world.now() + 3_600_000),
    created_at: world.iso(),
    updated_at: world.iso(),
    ssh_command: `ssh ${id}@ssh.leap0.dev`,
  };
}
