import { deleteSnapshot, listSnapshots, restoreSnapshot } from "../../generated/operations";
import type { CreateSnapshotParams, ListSnapshotsParams, RestoreSnapshotParams } from "../../generated/types";
import type { RequestOptions } from "../core/config";
import { invoke } from "../core/invoke";
import { paginate } from "../core/pagination";
import type { Pipeline } from "../core/pipeline";
import { parseParams } from "../core/validate";
import type { Page, Ref, Snapshot } from "../models";
import { refId } from "./refs";
import { Sandbox } from "./sandbox/handle";
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
export class SnapshotsClient {
  readonly #pipeline: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
  }

  /**
   * Snapshots a sandbox given only its id; `sandbox.createSnapshot()` is the same call.
   * Never retried once the request may have reached the server.
   *
   * @param sandbox - the sandbox's id, or anything with an `id`
   * @param params - the snapshot's name and whether to terminate the sandbox after (all optional)
   * @returns The stored snapshot.
   * @throws {@link Leap0ValidationError} when `sandbox` is not a usable id or the params break the contract (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when a snapshot with this name exists already or is being written.
   */
  create(sandbox: Ref, params: CreateSnapshotParams = {}, options?: RequestOptions): Promise<Snapshot> {
    return new Sandbox({ id: refId(sandbox, "sandbox id") }, this.#pipeline).createSnapshot(params, options);
  }

  /**
   * Starts a new sandbox from a snapshot and returns a live handle to it. Never retried once
   * the request may have reached the server, so a failure cannot leave two sandboxes behind;
   * 429 (limit reached) and 503 (no capacity) are refusals and are retried.
   *
   * @param params - which snapshot (`snapshotName`) and the new sandbox's settings
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions; plus `waitUntilRunning` (true or `{ timeout, signal, onProgress }`) to resolve only once the sandbox is `running`
   * @returns A live handle to the new sandbox (once it is `running`, with `waitUntilRunning`).
   * @throws {@link Leap0NotFoundError} when the snapshot does not exist.
   * @throws {@link Leap0RateLimitError} when the organisation's limit is reached.
   * @throws {@link Leap0ServerError} when the service has no capacity (503) after the retries.
   * @throws {@link Leap0SandboxStateError} with `waitUntilRunning`, when the sandbox reaches a state it cannot leave for `running` by itself.
   *
   * @example
   * const sandbox = await client.snapshots.restore({ snapshotName: "workspace-warm", timeout: 1800 });
   */
  async restore(params: RestoreSnapshotParams, options?: LifecycleOptions): Promise<Sandbox> {
    const [call, wait] = splitWait(options);
    const info = await invoke(this.#pipeline, restoreSnapshot, { params, what: "restore parameters" }, call);
    const sandbox = new Sandbox(info, this.#pipeline);
    return wait ? sandbox.waitUntilRunning(wait) : sandbox;
  }

  /**
   * The name leap0-js 0.1 used for {@link SnapshotsClient.restore}; the same call. Warns once per
   * process. 0.1's `timeoutMin` is still accepted and sent as `timeout` in seconds.
   *
   * @param params - the same as `restore()`'s, or 0.1's with `timeoutMin` (minutes)
   * @returns A live handle to the new sandbox.
   * @throws The same errors as {@link SnapshotsClient.restore}.
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

  /**
   * One page of the organisation's snapshots.
   *
   * @param params - filters and paging (all optional)
   * @returns One page of snapshots and the total that matched; ask for the next with `page: n + 1`, or use `iterate()`.
   */
  list(params: ListSnapshotsParams = {}, options?: RequestOptions): Promise<Page<Snapshot>> {
    return invoke(this.#pipeline, listSnapshots, { params, what: "list parameters" }, options);
  }

  /**
   * Every snapshot matching `params`, page after page, fetched as you consume them.
   *
   * @param params - filters and page size (all optional)
   * @returns An async generator of snapshots; pages are fetched as it is read.
   * @throws {@link Leap0ValidationError} when the params break the contract (thrown at once, before any page is fetched; nothing is sent).
   *
   * @example
   * for await (const s of client.snapshots.iterate({ query: "workspace" })) console.log(s.name);
   */
  iterate(params: ListSnapshotsParams = {}, options?: RequestOptions): AsyncGenerator<Snapshot, void, undefined> {
    parseParams(listSnapshots.params(), params, "list parameters");
    return paginate((p) => this.list(p, options), params);
  }

  /**
   * Deletes a snapshot by id (or anything with an `id`, such as a {@link Snapshot}).
   *
   * @param snapshot - the snapshot's id, or anything with an `id`
   * @returns Resolves once the snapshot is deleted.
   * @throws {@link Leap0ValidationError} when `snapshot` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the snapshot does not exist.
   * @throws {@link Leap0ConflictError} when a live sandbox still uses the snapshot.
   */
  async delete(snapshot: Ref, options?: RequestOptions): Promise<void> {
    await invoke(this.#pipeline, deleteSnapshot, { ids: { snapshotID: refId(snapshot, "snapshot id") } }, options);
  }
}
