import { ITERATE_PAGE_SIZE, paginate } from "../core/pagination";
import { operation, type RequestOptions, type Transport } from "../core/transport";
import { decodeResponse, parseParams } from "../core/validate";
import { type Page, type Snapshot, toSandboxInfo, toSnapshot, wireSchemas } from "../schemas/models";
import {
  type CreateSnapshotParams,
  createSnapshotBody,
  type ListSnapshotsParams,
  listSnapshotsQuery,
  paramSchemas,
  type Ref,
  type RestoreSnapshotParams,
  refId,
  restoreSnapshotBody,
} from "../schemas/params";
import { Sandbox, type SandboxLinks } from "./sandbox";
import { sandboxId } from "./sandboxes";

const CREATE = operation("createSnapshot", "POST", "/v1/sandbox/{sandboxID}/snapshot/create");
const RESTORE = operation("restoreSnapshot", "POST", "/v1/snapshot/restore");
const LIST = operation("listSnapshots", "GET", "/v1/snapshots");
const DELETE = operation("deleteSnapshot", "DELETE", "/v1/snapshot/{snapshotID}");

/**
 * `client.snapshots`: restore snapshots into new sandboxes, list and delete them. Snapshots are
 * made with `sandbox.createSnapshot()`.
 */
export class Snapshots {
  readonly #t: Transport;
  readonly #links: SandboxLinks;

  /** @internal Created by {@link Leap0Client}. */
  constructor(transport: Transport, links: SandboxLinks) {
    this.#t = transport;
    this.#links = links;
  }

  /**
   * Snapshots a sandbox given only its id; `sandbox.createSnapshot()` is the same call.
   * Never retried once the request may have reached the server.
   */
  async create(sandbox: Ref, params: CreateSnapshotParams = {}, options?: RequestOptions): Promise<Snapshot> {
    const sandboxID = sandboxId(sandbox);
    const body = createSnapshotBody(parseParams(paramSchemas().createSnapshotParams, params, "snapshot parameters"));
    const data = await this.#t.call(
      CREATE,
      (init) => this.#t.api.POST(CREATE.path, { ...init, params: { path: { sandboxID } }, body }),
      options,
    );
    return toSnapshot(decodeResponse(wireSchemas().snapshotWire, data, CREATE));
  }

  /**
   * Starts a new sandbox from a snapshot and returns a live handle to it. Never retried once
   * the request may have reached the server, so a failure cannot leave two sandboxes behind;
   * 429 (limit reached) and 503 (no capacity) are refusals and are retried.
   *
   * @example
   * const sandbox = await client.snapshots.restore({ snapshotName: "workspace-warm", timeout: 1800 });
   */
  async restore(params: RestoreSnapshotParams, options?: RequestOptions): Promise<Sandbox> {
    const body = restoreSnapshotBody(parseParams(paramSchemas().restoreSnapshotParams, params, "restore parameters"));
    const data = await this.#t.call(RESTORE, (init) => this.#t.api.POST(RESTORE.path, { ...init, body }), options);
    return new Sandbox(toSandboxInfo(decodeResponse(wireSchemas().sandboxWire, data, RESTORE)), this.#links);
  }

  /** One page of the organisation's snapshots. */
  async list(params: ListSnapshotsParams = {}, options?: RequestOptions): Promise<Page<Snapshot>> {
    const query = listSnapshotsQuery(parseParams(paramSchemas().listSnapshotsParams, params, "list parameters"));
    const data = await this.#t.call(
      LIST,
      (init) => this.#t.api.GET(LIST.path, { ...init, params: { query } }),
      options,
    );
    const page = decodeResponse(wireSchemas().snapshotPageWire, data, LIST);
    return { items: page.items.map(toSnapshot), totalItems: page.total_items };
  }

  /**
   * Every snapshot matching `params`, page after page, fetched as you consume them.
   *
   * @example
   * for await (const s of client.snapshots.iterate({ query: "workspace" })) console.log(s.name);
   */
  iterate(params: ListSnapshotsParams = {}, options?: RequestOptions): AsyncGenerator<Snapshot, void, undefined> {
    const checked = parseParams(paramSchemas().listSnapshotsParams, params, "list parameters");
    return paginate(
      (page, pageSize) => this.list({ ...checked, page, pageSize }, options),
      checked.page ?? 1,
      checked.pageSize ?? ITERATE_PAGE_SIZE,
    );
  }

  /** Deletes a snapshot by id (or anything with an `id`, such as a {@link Snapshot}). */
  async delete(snapshot: Ref, options?: RequestOptions): Promise<void> {
    const snapshotID = refId(snapshot, "snapshot id");
    await this.#t.call(
      DELETE,
      (init) => this.#t.api.DELETE(DELETE.path, { ...init, params: { path: { snapshotID } } }),
      options,
    );
  }
}
