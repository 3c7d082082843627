import type { RequestOptions } from "../core/transport";
import { type Mount, type NetworkPolicy, type SandboxInfo, SandboxState, type Snapshot } from "../schemas/models";
import type { CreateSnapshotParams } from "../schemas/params";
import type { Sandboxes } from "./sandboxes";
import type { Snapshots } from "./snapshots";

/** The resources a handle calls back into; one shared object per client, not one per handle. */
export interface SandboxLinks {
  sandboxes: Sandboxes;
  snapshots: Snapshots;
}

/**
 * A handle over the latest known state of one sandbox. Its methods call the API and update the
 * handle's fields from the answer, so `sandbox.state` stays current without extra requests.
 * Handles are plain data plus one shared reference: holding thousands is cheap, and printing or
 * serialising one shows only the sandbox's fields.
 *
 * @example
 * const sandbox = await client.sandboxes.create();
 * const snapshot = await sandbox.createSnapshot({ name: "workspace-warm" });
 * await sandbox.delete();
 */
export class Sandbox implements SandboxInfo {
  /** The sandbox's id. */
  readonly id: string;
  /** The template it was booted from. */
  templateId!: string;
  /** Its state when the handle was last updated. */
  state!: SandboxState;
  /** Virtual CPUs. */
  vcpu!: number;
  /** Memory in MiB. */
  memory!: number;
  /** Writable disk in MiB. */
  disk!: number;
  /** Lifetime in seconds. */
  timeout!: number;
  /** Whether it pauses rather than terminates at its timeout. */
  autoPause!: boolean;
  /** Its network policy; `null` for none, `undefined` when the API has not said. */
  networkPolicy: NetworkPolicy | null | undefined;
  /** Attached object storage mounts. */
  mounts: Mount[] | undefined;
  /** ISO 8601 creation time. */
  createdAt!: string;
  readonly #links: SandboxLinks;

  /** @internal Handles come from `client.sandboxes` and `client.snapshots.restore()`. */
  constructor(info: SandboxInfo, links: SandboxLinks) {
    this.id = info.id;
    this.#links = links;
    this.#apply(info);
  }

  /** Re-reads the sandbox's state from the API. */
  async refresh(options?: RequestOptions): Promise<this> {
    return this.#apply(await this.#links.sandboxes.get(this.id, options));
  }

  /** Pauses the sandbox; see {@link Sandboxes.pause}. */
  async pause(options?: RequestOptions): Promise<this> {
    return this.#apply(await this.#links.sandboxes.pause(this.id, options));
  }

  /** Stops the sandbox; see {@link Sandboxes.stop}. */
  async stop(options?: RequestOptions): Promise<this> {
    return this.#apply(await this.#links.sandboxes.stop(this.id, options));
  }

  /** Starts the stopped sandbox again; see {@link Sandboxes.start}. */
  async start(options?: RequestOptions): Promise<this> {
    return this.#apply(await this.#links.sandboxes.start(this.id, options));
  }

  /** Deletes the sandbox; afterwards the handle's `state` is `deleted`. */
  async delete(options?: RequestOptions): Promise<void> {
    await this.#links.sandboxes.delete(this.id, options);
    this.state = SandboxState.DELETED;
  }

  /**
   * Saves this sandbox into a named snapshot that `client.snapshots.restore()` can start new
   * sandboxes from. Never retried once the request may have reached the server.
   * With `killSandboxAfter: true` the service terminates this sandbox once the snapshot is
   * stored; call `refresh()` to see that.
   *
   * @example
   * const snapshot = await sandbox.createSnapshot({ name: "workspace-warm" });
   */
  createSnapshot(params: CreateSnapshotParams = {}, options?: RequestOptions): Promise<Snapshot> {
    return this.#links.snapshots.create(this.id, params, options);
  }

  /** Copies what the API said into the handle; a policy the answer left out stays as it was. */
  #apply(info: SandboxInfo): this {
    this.templateId = info.templateId;
    this.state = info.state;
    this.vcpu = info.vcpu;
    this.memory = info.memory;
    this.disk = info.disk;
    this.timeout = info.timeout;
    this.autoPause = info.autoPause;
    if (info.networkPolicy !== undefined) this.networkPolicy = info.networkPolicy;
    this.mounts = info.mounts;
    this.createdAt = info.createdAt;
    return this;
  }
}
