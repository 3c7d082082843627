import { deleteSnapshot, listSnapshots, restoreSnapshot } from "../../generated/operations";
import type { CreateSnapshotParams, ListSnapshotsParams, RestoreSnapshotParams } from "../../generated/types";
import type { RequestOptions } from "../core/config";
import { invoke } from "../core/invoke";
import { paginate } from "../core/pagination";
import type { Pipeline } from "../core/pipeline";
import { parseParams } from "../core/validate";
import type { Page, Ref, Snapshot } from "../models";
import { refId } from "./refs";
import { Sandbox } from "./sandbox";
import { type LifecycleOptions, splitWait } from "./wait";

let resumeWarned = false;

/** A DeprecationWarning through Node's `process.emitWarning` where it exists, else `console.warn`. */
function emitWarning(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: object) => void } }).process;
  if (typeof proc?.emitWarning === "function")
    proc.emitWarning(message, { type: "DeprecationWarning", code: "LEAP0_RESUME" });
  else globalThis.console?.warn?.(`[leap0] ${message}`);
}

/**
 * `client.snapshots`: restore snapshots into new sandboxes, list and delete them. Snapshots are
 * made with `sandbox.createSnapshot()`.
 */
export class Snapshots {
  readonly #p: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#p = pipeline;
  }

  /**
   * Snapshots a sandbox given only its id; `sandbox.createSnapshot()` is the same call.
   * Never retried once the request may have reached the server.
   */
  create(sandbox: Ref, params: CreateSnapshotParams = {}, options?: RequestOptions): Promise<Snapshot> {
    return new Sandbox({ id: refId(sandbox, "sandbox id") }, this.#p).createSnapshot(params, options);
  }

  /**
   * Starts a new sandbox from a snapshot and returns a live handle to it. Never retried once
   * the request may have reached the server, so a failure cannot leave two sandboxes behind;
   * 429 (limit reached) and 503 (no capacity) are refusals and are retried.
   *
   * @example
   * const sandbox = await client.snapshots.restore({ snapshotName: "workspace-warm", timeout: 1800 });
   */
  async restore(params: RestoreSnapshotParams, options?: LifecycleOptions): Promise<Sandbox> {
    const [call, wait] = splitWait(options);
    const info = await invoke(this.#p, restoreSnapshot, { params, what: "restore parameters" }, call);
    const sandbox = new Sandbox(info, this.#p);
    return wait ? sandbox.waitUntilRunning(wait) : sandbox;
  }

  /**
   * The name leap0-js 0.1 used for {@link Snapshots.restore}; the same call. Warns once per
   * process. 0.1's `timeoutMin` is still accepted and sent as `timeout` in seconds.
   *
   * @deprecated Use `client.snapshots.restore()`.
   */
  resume(params: RestoreSnapshotParams & { timeoutMin?: number }, options?: RequestOptions): Promise<Sandbox> {
    if (!resumeWarned) {
      resumeWarned = true;
      emitWarning(
        "client.snapshots.resume() is deprecated and will be removed; use client.snapshots.restore() (same parameters).",
      );
    }
    let p: unknown = params;
    if (params && typeof params === "object" && "timeoutMin" in params) {
      const { timeoutMin, ...rest } = params;
      p = typeof timeoutMin === "number" && rest.timeout === undefined ? { ...rest, timeout: timeoutMin * 60 } : params;
    }
    return this.restore(p as RestoreSnapshotParams, options);
  }

  /** One page of the organisation's snapshots. */
  list(params: ListSnapshotsParams = {}, options?: RequestOptions): Promise<Page<Snapshot>> {
    return invoke(this.#p, listSnapshots, { params, what: "list parameters" }, options);
  }

  /**
   * Every snapshot matching `params`, page after page, fetched as you consume them.
   *
   * @example
   * for await (const s of client.snapshots.iterate({ query: "workspace" })) console.log(s.name);
   */
  iterate(params: ListSnapshotsParams = {}, options?: RequestOptions): AsyncGenerator<Snapshot, void, undefined> {
    parseParams(listSnapshots.params(), params, "list parameters");
    return paginate((p) => this.list(p, options), params);
  }

  /** Deletes a snapshot by id (or anything with an `id`, such as a {@link Snapshot}). */
  async delete(snapshot: Ref, options?: RequestOptions): Promise<void> {
    await invoke(this.#p, deleteSnapshot, { path: { snapshotID: refId(snapshot, "snapshot id") } }, options);
  }
}
