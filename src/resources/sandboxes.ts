import { ITERATE_PAGE_SIZE, paginate } from "../core/pagination";
import { operation, type RequestOptions, type Transport } from "../core/transport";
import { decodeResponse, parseParams } from "../core/validate";
import {
  type Page,
  type SandboxInfo,
  type SandboxSummary,
  toSandboxInfo,
  toSandboxSummary,
  wireSchemas,
} from "../schemas/models";
import {
  type CreateSandboxParams,
  createSandboxBody,
  type ListSandboxesParams,
  listSandboxesQuery,
  paramSchemas,
  type Ref,
  refId,
} from "../schemas/params";
import { Sandbox, type SandboxLinks } from "./sandbox";

const CREATE = operation("createSandbox", "POST", "/v1/sandbox/");
const GET = operation("getSandbox", "GET", "/v1/sandbox/{sandboxID}/");
const DELETE = operation("deleteSandbox", "DELETE", "/v1/sandbox/{sandboxID}/");
const PAUSE = operation("pauseSandbox", "POST", "/v1/sandbox/{sandboxID}/pause");
const STOP = operation("stopSandbox", "POST", "/v1/sandbox/{sandboxID}/stop");
const START = operation("startSandbox", "POST", "/v1/sandbox/{sandboxID}/start");
const LIST = operation("listSandboxes", "GET", "/v1/sandboxes");

/** Checks a sandbox reference (an id or anything with an `id`) and returns the id. */
export function sandboxId(ref: Ref): string {
  return refId(ref, "sandbox id");
}

/**
 * `client.sandboxes`: create, look up, list and drive sandboxes. Methods that return a sandbox
 * return a live {@link Sandbox} handle.
 */
export class Sandboxes {
  readonly #t: Transport;
  readonly #links: SandboxLinks;

  /** @internal Created by {@link Leap0Client}. */
  constructor(transport: Transport, links: SandboxLinks) {
    this.#t = transport;
    this.#links = links;
  }

  /**
   * Boots a new sandbox. Never retried once the request may have reached the server, so a
   * failure cannot leave you with two sandboxes (check `error.mayHaveSucceeded`).
   *
   * @example
   * const sandbox = await client.sandboxes.create({ vcpu: 2, memory: 2048, timeout: 600 });
   */
  async create(params: CreateSandboxParams = {}, options?: RequestOptions): Promise<Sandbox> {
    const body = createSandboxBody(parseParams(paramSchemas().createSandboxParams, params, "sandbox parameters"));
    const data = await this.#t.call(CREATE, (init) => this.#t.api.POST(CREATE.path, { ...init, body }), options);
    return this.#handle(toSandboxInfo(decodeResponse(wireSchemas().sandboxWire, data, CREATE)));
  }

  /** Looks a sandbox up by id and returns a handle over its current state. */
  async get(ref: Ref, options?: RequestOptions): Promise<Sandbox> {
    const sandboxID = sandboxId(ref);
    const data = await this.#t.call(
      GET,
      (init) => this.#t.api.GET(GET.path, { ...init, params: { path: { sandboxID } } }),
      options,
    );
    // getSandbox returns no network policy: the handle keeps "not known" (undefined), not "none".
    return this.#handle(
      toSandboxInfo({ ...decodeResponse(wireSchemas().sandboxStatusWire, data, GET), network_policy: undefined }),
    );
  }

  /** One page of the organisation's sandboxes. */
  async list(params: ListSandboxesParams = {}, options?: RequestOptions): Promise<Page<SandboxSummary>> {
    const query = listSandboxesQuery(parseParams(paramSchemas().listSandboxesParams, params, "list parameters"));
    const data = await this.#t.call(
      LIST,
      (init) => this.#t.api.GET(LIST.path, { ...init, params: { query } }),
      options,
    );
    const page = decodeResponse(wireSchemas().sandboxPageWire, data, LIST);
    return { items: page.items.map(toSandboxSummary), totalItems: page.total_items };
  }

  /**
   * Every sandbox matching `params`, page after page, fetched as you consume them.
   *
   * @example
   * for await (const s of client.sandboxes.iterate({ state: "running" })) console.log(s.id);
   */
  iterate(params: ListSandboxesParams = {}, options?: RequestOptions): AsyncGenerator<SandboxSummary, void, undefined> {
    const checked = parseParams(paramSchemas().listSandboxesParams, params, "list parameters");
    return paginate(
      (page, pageSize) => this.list({ ...checked, page, pageSize }, options),
      checked.page ?? 1,
      checked.pageSize ?? ITERATE_PAGE_SIZE,
    );
  }

  /** Pauses a running sandbox (memory and disk are saved; no named snapshot is made). */
  pause(ref: Ref, options?: RequestOptions): Promise<Sandbox> {
    return this.#transition(PAUSE, ref, options);
  }

  /** Stops a running sandbox, keeping its disk but not its memory. */
  stop(ref: Ref, options?: RequestOptions): Promise<Sandbox> {
    return this.#transition(STOP, ref, options);
  }

  /** Starts a stopped sandbox again. */
  start(ref: Ref, options?: RequestOptions): Promise<Sandbox> {
    return this.#transition(START, ref, options);
  }

  /** Deletes a sandbox (terminating it first when it runs). */
  async delete(ref: Ref, options?: RequestOptions): Promise<void> {
    const sandboxID = sandboxId(ref);
    await this.#t.call(
      DELETE,
      (init) => this.#t.api.DELETE(DELETE.path, { ...init, params: { path: { sandboxID } } }),
      options,
    );
  }

  async #transition(
    op: typeof PAUSE | typeof STOP | typeof START,
    ref: Ref,
    options?: RequestOptions,
  ): Promise<Sandbox> {
    const sandboxID = sandboxId(ref);
    const data = await this.#t.call(
      op,
      (init) => this.#t.api.POST(op.path, { ...init, params: { path: { sandboxID } } }),
      options,
    );
    return this.#handle(toSandboxInfo(decodeResponse(wireSchemas().sandboxWire, data, op)));
  }

  #handle(info: SandboxInfo): Sandbox {
    return new Sandbox(info, this.#links);
  }
}
