/**
 * The in-memory Leap0's state: sandboxes with their lifecycle and their own filesystem,
 * snapshots that carry a copy of one, templates, and what hangs off a sandbox (mounts, SSH
 * access, presigned URLs, terminal sessions). Times are the mock's clock (`now()`), so a state
 * that takes time (`starting` → `running`) moves when it is next looked at, with no timer left
 * running.
 */
import { InMemoryFs } from "just-bash";

/** A sandbox state of the contract's `SandboxState`. */
export type State =
  | "starting"
  | "stopping"
  | "running"
  | "snapshotting"
  | "paused"
  | "unpausing"
  | "stopped"
  | "deleting"
  | "deleted";

/** One sandbox, as the mock holds it (wire-shaped fields where they are answered as they are). */
export interface SandboxRecord {
  id: string;
  templateId: string;
  vcpu: number;
  memory: number;
  disk: number;
  timeout: number;
  autoPause: boolean;
  /** The policy as the API answers it (wire names), or null. */
  networkPolicy: Record<string, unknown> | null;
  mounts: Record<string, unknown>[];
  envVars: Record<string, string>;
  createdAt: string;
  state: State;
  stateChangedAt: string;
  /** A state reached by time: `to` once the clock passes `at`. */
  pending: { to: State; at: number } | undefined;
  fs: InMemoryFs;
  /** The snapshot it was restored from: that snapshot cannot be deleted while this sandbox lives. */
  restoredFrom: string | undefined;
  ssh: Map<string, Record<string, unknown>>;
  presigned: Map<string, Record<string, unknown>>;
  pty: Map<string, Record<string, unknown>>;
}

/** One stored snapshot. */
export interface SnapshotRecord {
  id: string;
  name: string;
  templateId: string;
  vcpu: number;
  memory: number;
  disk: number;
  networkPolicy: Record<string, unknown> | null;
  createdAt: string;
  fs: InMemoryFs;
}

/** One template. */
export interface TemplateRecord {
  id: string;
  name: string;
  digest: string;
  isSystem: boolean;
  createdAt: string;
  imageConfig: Record<string, unknown>;
}

/** The home directory of the sandbox user, as the service reports it. */
export const HOME = "/home/user";

/** The system templates every organisation has (they cannot be renamed or deleted). */
const SYSTEM_TEMPLATES = ["system/debian:bookworm", "system/code-interpreter:v0.1.0", "system/desktop:v0.1.0"];

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A fresh id with `prefix`, as the service makes them: `sbx-7f3k2m9q4d`. */
export function newId(prefix: string, length = 10): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => ALPHABET[b % 36]).join("")}`;
}

/** A filesystem with the directories a fresh sandbox has, and `files`. */
export function freshFs(files: Record<string, string | Uint8Array> = {}): InMemoryFs {
  const fs = new InMemoryFs();
  for (const dir of [HOME, "/tmp", "/workspace"]) fs.mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) fs.writeFileSync(path, content);
  return fs;
}

/** A deep copy of a filesystem: what a snapshot stores and a restore starts from. */
export async function copyFs(from: InMemoryFs): Promise<InMemoryFs> {
  const to = new InMemoryFs();
  for (const path of [...from.getAllPaths()].sort()) {
    if (path === "/") continue;
    const st = await from.lstat(path);
    if (st.isDirectory) {
      to.mkdirSync(path, { recursive: true });
      await to.chmod(path, st.mode);
    } else if (st.isSymbolicLink) {
      await to.symlink(await from.readlink(path), path);
    } else {
      to.writeFileSync(path, await from.readFileBuffer(path), undefined, { mode: st.mode, mtime: st.mtime });
    }
  }
  return to;
}

/** The mock's state, and the rules by which it moves. */
export class World {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  readonly templates = new Map<string, TemplateRecord>();
  /** Called on every state change (the terminals of a sandbox that stops running are ended). */
  onMove: ((s: SandboxRecord, state: State) => void) | undefined;

  constructor(
    readonly now: () => number,
    /** Milliseconds `starting` (and `stopping`) last before the next state. */
    readonly transitionMs: number,
    /** Most sandboxes that may exist at once (the contract's limit is 3). */
    readonly maxSandboxes: number,
    /** Files every new sandbox starts with. */
    readonly files: Record<string, string | Uint8Array>,
  ) {
    for (const name of SYSTEM_TEMPLATES) {
      const id = newId("tpl");
      this.templates.set(id, {
        id,
        name,
        digest: `sha256:${id.slice(4).padEnd(64, "0")}`,
        isSystem: true,
        createdAt: this.iso(),
        imageConfig: { entrypoint: null, cmd: ["/bin/bash"], working_dir: HOME, user: "user", env: null },
      });
    }
  }

  /** The clock, as the API writes times. */
  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }

  /** Moves a sandbox to `state`; with `then`, on to that one once `transitionMs` has passed. */
  move(s: SandboxRecord, state: State, then?: State): void {
    s.state = state;
    this.onMove?.(s, state);
    s.stateChangedAt = this.iso();
    s.pending = then ? { to: then, at: this.now() + this.transitionMs } : undefined;
  }

  /** A sandbox with any state change that is due applied; `undefined` when there is none (or it is deleted). */
  sandbox(id: string): SandboxRecord | undefined {
    const s = this.sandboxes.get(id);
    if (!s) return undefined;
    if (s.pending && this.now() >= s.pending.at) this.move(s, s.pending.to);
    return s.state === "deleted" ? undefined : s;
  }

  /** Every sandbox that still exists, settled. */
  live(): SandboxRecord[] {
    return [...this.sandboxes.keys()].map((id) => this.sandbox(id)).filter((s): s is SandboxRecord => !!s);
  }

  templateByName(name: string): TemplateRecord | undefined {
    return [...this.templates.values()].find((t) => t.name === name);
  }
}

/** State an area keeps for each sandbox, made on first use and gone with the sandbox. */
export function perSandbox<T>(make: () => T): (s: SandboxRecord) => T {
  const states = new WeakMap<SandboxRecord, T>();
  return (s) => {
    let state = states.get(s);
    if (state === undefined) {
      state = make();
      states.set(s, state);
    }
    return state;
  };
}
