import {
  addSandboxMount,
  createPresignedURL,
  createSandbox,
  createSnapshot,
  deletePresignedURL,
  deleteSandbox,
  deleteSandboxMount,
  getSandbox,
  getSandboxUserHomeDir,
  getSandboxWorkdir,
  pauseSandbox,
  startSandbox,
  stopSandbox,
  updateSandboxMount,
} from "../../../generated/operations";
import type {
  CreatePresignedURLParams,
  CreatePresignedURLResult,
  CreateSnapshotParams,
  Mount,
  NetworkPolicy,
  UpdateSandboxMountParams,
} from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import { invokeUrl, websocketUrl } from "../../core/hosts";
import { invoke } from "../../core/invoke";
import type { Pipeline } from "../../core/pipeline";
import { hideSecretsIn } from "../../core/secrets";
import { type MountParams, type Ref, type SandboxInfo, SandboxState, type Snapshot } from "../../models";
import { refId } from "../refs";
import { type LifecycleOptions, splitWait, type WaitOptions, waitUntilRunning } from "../wait";
import type { CodeInterpreterClient } from "./code-interpreter";
import type { DesktopClient } from "./desktop";
import type { FilesystemClient } from "./filesystem";
import type { GitClient } from "./git";
import { type LazyShape, lazyArea, type Placed } from "./lazy";
import type { LspClient } from "./lsp";
import type { ProcessClient } from "./process";
import { PtyClient } from "./pty";
import { SandboxSshClient } from "./ssh";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
let inspectable = false;

/**
 * Makes `console.log` / `util.inspect` show a handle as its redacted `toJSON()` view. Done by the
 * first constructor rather than a `static {}` block or a computed-key method: a bundler must keep
 * a class with either (and all it reaches) even when nothing uses it, which would put the whole
 * client into `import { Leap0Error }`. (A `Symbol.for()` key cannot stand in the type declarations.)
 */
function makeInspectable(): void {
  inspectable = true;
  Object.defineProperty(Sandbox.prototype, INSPECT, {
    value(this: Sandbox, _depth: number, options: unknown, inspect: (v: unknown, o: unknown) => string): string {
      const view = this.toJSON();
      return typeof inspect === "function" ? `Sandbox ${inspect(view, options)}` : JSON.stringify(view);
    },
    enumerable: false,
    configurable: true,
    writable: true,
  });
}

/** A lazy area's shape, checked to place every member of the area that returns no promise. */
const shape =
  <T>() =>
  <S extends LazyShape<T>>(s: S & ([Placed<T, S>] extends [never] ? unknown : { unplaced: Placed<T, S> })): S =>
    s;

// What each lazily loaded area answers without its module (see lazy.ts).
const FILESYSTEM = /* @__PURE__ */ shape<FilesystemClient>()({ name: "FilesystemClient", streams: [], own: {} });
const PROCESS = /* @__PURE__ */ shape<ProcessClient>()({ name: "ProcessClient", streams: [], own: {} });
const GIT = /* @__PURE__ */ shape<GitClient>()({ name: "GitClient", streams: [], own: {} });
const CODE_INTERPRETER = /* @__PURE__ */ shape<CodeInterpreterClient>()({
  name: "CodeInterpreterClient",
  streams: ["executeStream"],
  own: {},
});

/** The areas a handle loads on first use, by property. */
interface Areas {
  filesystem: FilesystemClient;
  process: ProcessClient;
  git: GitClient;
  lsp: LspClient;
  codeInterpreter: CodeInterpreterClient;
  desktop: DesktopClient;
}

/**
 * A temporary public URL to one port of a sandbox. `url` and `token` are secrets (anyone holding
 * the URL reaches the port): they read as usual but are left out of `JSON.stringify`,
 * `Object.keys` and spread, and shown as `[redacted]` by `console.log`/`util.inspect`.
 */
export type PresignedUrl = CreatePresignedURLResult;

/**
 * The fields a handle carries: the sandbox as the API answers it, so a field the contract gains
 * arrives on the handle with no change here (and one the service sends before the contract says
 * so is on the object too). `networkPolicy` is `undefined` while the API has not said (a get
 * answers without it).
 */
type SandboxFields = Omit<SandboxInfo, "id" | "networkPolicy"> & {
  /** Its network policy; `null` for none, `undefined` when the API has not said. */
  networkPolicy: NetworkPolicy | null | undefined;
};

// The class below declares only what it adds; the fields are the answer's, declared once here.
export interface Sandbox extends SandboxFields {}

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
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class Sandbox {
  /** The sandbox's id. */
  readonly id: string;
  // Private, so printing or serialising a handle never shows the key-holding pipeline.
  readonly #pipeline: Pipeline;
  // Sub-resources, created on first use: a handle nobody drives inside costs nothing for them.
  #pty: PtyClient | undefined;
  #ssh: SandboxSshClient | undefined;
  // The lazily loaded areas, each a stand-in until its first call and then the area itself.
  #areas: Partial<Areas> | undefined;

  /** @internal Handles come from `client.sandboxes` and `client.snapshots.restore()`. */
  constructor(info: SandboxInfo | { id: string }, pipeline: Pipeline) {
    if (!inspectable) makeInspectable();
    this.id = info.id;
    this.#pipeline = pipeline;
    if ("state" in info) this.#apply(info);
  }

  /** Files in the sandbox. */
  get filesystem(): FilesystemClient {
    return this.#area("filesystem", FILESYSTEM, () =>
      import("./filesystem").then((m) => new m.FilesystemClient(this.#pipeline, this.id)),
    );
  }

  /** Commands in the sandbox. */
  get process(): ProcessClient {
    return this.#area("process", PROCESS, () =>
      import("./process").then((m) => new m.ProcessClient(this.#pipeline, this.id)),
    );
  }

  /** git in the sandbox. */
  get git(): GitClient {
    return this.#area("git", GIT, () => import("./git").then((m) => new m.GitClient(this.#pipeline, this.id)));
  }

  /** Interactive terminals in the sandbox. */
  get pty(): PtyClient {
    this.#pty ??= new PtyClient(this.#pipeline, this.id);
    return this.#pty;
  }

  /** Language servers in the sandbox. */
  get lsp(): LspClient {
    // redactDeep is answered without the module: it needs only the pipeline.
    const own = { redactDeep: <V>(value: V): V => this.#pipeline.redactDeep(value) };
    return this.#area(
      "lsp",
      () => shape<LspClient>()({ name: "LspClient", streams: [], own }),
      () => import("./lsp").then((m) => new m.LspClient(this.#pipeline, this.id)),
    );
  }

  /** SSH access to the sandbox. */
  get ssh(): SandboxSshClient {
    this.#ssh ??= new SandboxSshClient(this.#pipeline, this.id);
    return this.#ssh;
  }

  /** The code interpreter inside the sandbox. */
  get codeInterpreter(): CodeInterpreterClient {
    return this.#area("codeInterpreter", CODE_INTERPRETER, () =>
      import("./code-interpreter").then((m) => new m.CodeInterpreterClient(this.#pipeline, this.id)),
    );
  }

  /** The desktop inside the sandbox. */
  get desktop(): DesktopClient {
    // desktopUrl is answered without the module: it needs only the hosts.
    const own = { desktopUrl: () => invokeUrl(this.#pipeline.hosts, this.id, "/") };
    return this.#area(
      "desktop",
      () => shape<DesktopClient>()({ name: "DesktopClient", streams: ["statusStream"], own }),
      () => import("./desktop").then((m) => new m.DesktopClient(this.#pipeline, this.id)),
    );
  }

  /**
   * The area under `key`: its stand-in until the first call has loaded it, then the area itself.
   * `shape` may be a function that builds it (one that closes over this handle): it is called
   * only when the stand-in is made.
   */
  #area<K extends keyof Areas>(
    key: K,
    shape: LazyShape<Areas[K]> | (() => LazyShape<Areas[K]>),
    load: () => Promise<Areas[K]>,
  ): Areas[K] {
    this.#areas ??= {};
    const areas = this.#areas;
    const known = areas[key];
    if (known) return known as Areas[K];
    const area = lazyArea<Areas[K]>(typeof shape === "function" ? shape() : shape, load, (loaded) => {
      areas[key] = loaded;
    });
    areas[key] = area;
    return area;
  }

  /**
   * Re-reads the sandbox's state from the API.
   *
   * @returns This handle, its fields updated.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   */
  async refresh(options?: RequestOptions): Promise<this> {
    // getSandbox returns no network policy: the handle keeps what it knew (see #apply).
    return this.#apply(await invoke(this.#pipeline, getSandbox, { ids: { sandboxID: this.id } }, options));
  }

  /**
   * Pauses the sandbox (memory and disk are saved; no named snapshot is made).
   *
   * @returns This handle, its fields updated from the answer.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is not running.
   */
  async pause(options?: RequestOptions): Promise<this> {
    return this.#apply(await invoke(this.#pipeline, pauseSandbox, { ids: { sandboxID: this.id } }, options));
  }

  /**
   * Stops the sandbox, keeping its disk but not its memory.
   *
   * @returns This handle, its fields updated from the answer.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is not running.
   */
  async stop(options?: RequestOptions): Promise<this> {
    return this.#apply(await invoke(this.#pipeline, stopSandbox, { ids: { sandboxID: this.id } }, options));
  }

  /**
   * Starts the stopped sandbox again; with `waitUntilRunning`, returns once it is running.
   *
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions; plus `waitUntilRunning` (true or `{ timeout, signal, onProgress }`) to resolve only once the sandbox is `running`
   * @returns This handle, its fields updated (once it is `running`, with `waitUntilRunning`).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is not stopped.
   * @throws {@link Leap0RateLimitError} when the organisation's limit is reached.
   * @throws {@link Leap0ServerError} when the service has no capacity (503).
   * @throws {@link Leap0SandboxStateError} with `waitUntilRunning`, when the sandbox reaches a state it cannot leave for `running` by itself.
   */
  async start(options?: LifecycleOptions): Promise<this> {
    const [call, wait] = splitWait(options);
    this.#apply(await invoke(this.#pipeline, startSandbox, { ids: { sandboxID: this.id } }, call));
    return wait ? this.waitUntilRunning(wait) : this;
  }

  /**
   * Deletes the sandbox; afterwards the handle's `state` is `deleted`.
   *
   * @returns Resolves once the service has accepted the deletion.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is changing state (try again once it settles).
   */
  async delete(options?: RequestOptions): Promise<void> {
    await invoke(this.#pipeline, deleteSandbox, { ids: { sandboxID: this.id } }, options);
    this.state = SandboxState.DELETED;
  }

  /**
   * Saves this sandbox into a named snapshot that `client.snapshots.restore()` can start new
   * sandboxes from. Never retried once the request may have reached the server.
   * With `killSandboxAfter: true` the service terminates this sandbox once the snapshot is
   * stored; call `refresh()` to see that.
   *
   * @param params - the snapshot's name and `killSandboxAfter` (all optional)
   * @returns The stored snapshot.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when a snapshot with this name exists already or is being written.
   *
   * @example
   * const snapshot = await sandbox.createSnapshot({ name: "workspace-warm" });
   */
  createSnapshot(params: CreateSnapshotParams = {}, options?: RequestOptions): Promise<Snapshot> {
    return invoke(
      this.#pipeline,
      createSnapshot,
      { ids: { sandboxID: this.id }, params, what: "snapshot parameters" },
      options,
    );
  }

  /**
   * Attaches an S3-compatible bucket (`type` defaults to `object-storage`) and adds it to
   * `sandbox.mounts`. The keys go only into the request body: the answer never carries them and
   * they are scrubbed from errors. Never retried.
   *
   * @param mount - the bucket, endpoint, mount path, keys and options
   * @returns The attached mount (without its keys).
   * @throws {@link Leap0ValidationError} when the mount's fields break the contract (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox already has as many mounts as it may.
   *
   * @example
   * const mount = await sandbox.addMount({ bucket: "assets", endpoint: "https://storage.googleapis.com", mountPath: "/data" });
   */
  async addMount(mount: MountParams, options?: RequestOptions): Promise<Mount> {
    const m =
      mount && typeof mount === "object" && mount.type === undefined ? { ...mount, type: "object-storage" } : mount;
    const added = await invoke(
      this.#pipeline,
      addSandboxMount,
      { ids: { sandboxID: this.id }, params: m, what: "mount parameters" },
      options,
    );
    this.mounts = [...(this.mounts ?? []).filter((x) => x.id !== added.id), added];
    return added;
  }

  /**
   * Changes some settings of a mount (by id, or the mount itself) and updates it in
   * `sandbox.mounts`. Fields left out keep their value; an empty string clears `prefix`,
   * `accessKeyId` or `secretAccessKey` (which is not the same as leaving it out).
   *
   * @param mount - the mount's id, or the mount itself
   * @param patch - the fields to change
   * @returns The mount as it is now (without its keys).
   * @throws {@link Leap0ValidationError} when `mount` is not a usable id or the patch breaks the contract (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox or the mount does not exist.
   * @throws {@link Leap0ConflictError} when the service does not allow this change to the mount.
   *
   * @example
   * await sandbox.updateMount(mount.id, { prefix: "" }); // expose the whole bucket again
   */
  async updateMount(mount: Ref, patch: UpdateSandboxMountParams, options?: RequestOptions): Promise<Mount> {
    const mountID = refId(mount, "mount id");
    const updated = await invoke(
      this.#pipeline,
      updateSandboxMount,
      { ids: { sandboxID: this.id, mountID }, params: patch, what: "mount update parameters" },
      options,
    );
    const known = this.mounts ?? [];
    this.mounts = known.some((x) => x.id === mountID || x.id === updated.id)
      ? known.map((x) => (x.id === mountID || x.id === updated.id ? updated : x))
      : [...known, updated];
    return updated;
  }

  /**
   * Detaches a mount (by id, or the mount itself) and removes it from `sandbox.mounts`.
   *
   * @param mount - the mount's id, or the mount itself
   * @returns Resolves once the mount is detached.
   * @throws {@link Leap0ValidationError} when `mount` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox or the mount does not exist.
   */
  async deleteMount(mount: Ref, options?: RequestOptions): Promise<void> {
    const mountID = refId(mount, "mount id");
    await invoke(this.#pipeline, deleteSandboxMount, { ids: { sandboxID: this.id, mountID } }, options);
    if (this.mounts) this.mounts = this.mounts.filter((x) => x.id !== mountID);
  }

  /**
   * Makes `port` reachable at a public HTTPS URL for `expiresIn` seconds (3600 when omitted).
   * The token is shown only this once; treat `url` and `token` as secrets (see {@link PresignedUrl}).
   * Never retried.
   *
   * @param port - the sandbox port to expose (1–65535)
   * @param expiresIn - seconds the URL stays valid (3600 when omitted)
   * @returns The URL and its token (both secrets, hidden from logging) and when it expires.
   * @throws {@link Leap0ValidationError} when the port or lifetime is out of range (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   *
   * @example
   * const link = await sandbox.createPresignedUrl(8080, 900);
   * const same = await sandbox.createPresignedUrl({ port: 8080, expiresIn: 900 });
   */
  createPresignedUrl(port: number, expiresIn?: number, options?: RequestOptions): Promise<PresignedUrl>;
  /**
   * Makes `port` reachable at a public HTTPS URL for the default 3600 seconds.
   */
  createPresignedUrl(port: number, options?: RequestOptions): Promise<PresignedUrl>;
  /**
   * Makes a port reachable at a public HTTPS URL, the params as one object: `createPresignedUrl({ port, expiresIn })`.
   */
  createPresignedUrl(params: CreatePresignedURLParams, options?: RequestOptions): Promise<PresignedUrl>;
  async createPresignedUrl(
    a: number | CreatePresignedURLParams,
    b?: number | RequestOptions,
    c?: RequestOptions,
  ): Promise<PresignedUrl> {
    let params: unknown = a;
    let options = b as RequestOptions | undefined;
    if (typeof a !== "object" || a === null) {
      params =
        typeof b === "object" && b !== null ? { port: a } : b === undefined ? { port: a } : { port: a, expiresIn: b };
      options = typeof b === "object" && b !== null ? b : c;
    }
    return invoke(
      this.#pipeline,
      createPresignedURL,
      { ids: { sandboxID: this.id }, params, what: "presigned URL parameters" },
      options,
    );
  }

  /**
   * Revokes a presigned URL (by id, or the URL object) before it expires.
   *
   * @param presignedUrl - the URL's id, or the object `createPresignedUrl()` returned
   * @returns Resolves once the URL is revoked.
   * @throws {@link Leap0ValidationError} when `presignedUrl` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox or the URL does not exist.
   */
  async deletePresignedUrl(presignedUrl: Ref, options?: RequestOptions): Promise<void> {
    await invoke(
      this.#pipeline,
      deletePresignedURL,
      { ids: { sandboxID: this.id, id: refId(presignedUrl, "presigned URL id") } },
      options,
    );
  }

  /**
   * The home directory of the user that commands in the sandbox run as.
   *
   * @returns The directory's absolute path.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   */
  async getUserHomeDir(options?: RequestOptions): Promise<string> {
    return (await invoke(this.#pipeline, getSandboxUserHomeDir, { ids: { sandboxID: this.id } }, options)).userHomeDir;
  }

  /**
   * The directory the template's start command runs in.
   *
   * @returns The directory's absolute path.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   */
  async getWorkdir(options?: RequestOptions): Promise<string> {
    return (await invoke(this.#pipeline, getSandboxWorkdir, { ids: { sandboxID: this.id } }, options)).workdir;
  }

  /**
   * The URL of a service in this sandbox: `https://{id}.{sandboxDomain}{path}`, or with a port
   * `https://{id}-{port}.{sandboxDomain}{path}` (built from `sandboxUrl` when that is set).
   *
   * @param path - the path on the service (`/` when omitted; a leading slash is added)
   * @param port - the sandbox port the service listens on (the default route when omitted)
   * @returns The URL; nothing is requested.
   * @throws {@link Leap0ValidationError} when `path` is not a string or `port` is not 1–65535.
   */
  invokeUrl(path = "/", port?: number): string {
    return invokeUrl(this.#pipeline.hosts, this.id, path, port);
  }

  /**
   * The same as {@link Sandbox.invokeUrl} for a WebSocket: `wss://` (`ws://` for an `http://` `sandboxUrl`).
   *
   * @param path - the path on the service (`/` when omitted)
   * @param port - the sandbox port the service listens on (the default route when omitted)
   * @returns The URL; nothing is requested.
   * @throws {@link Leap0ValidationError} when `path` is not a string or `port` is not 1–65535.
   */
  websocketUrl(path = "/", port?: number): string {
    return websocketUrl(this.#pipeline.hosts, this.id, path, port);
  }

  /**
   * Waits until the sandbox is `running`, polling with backoff (0.5 s up to 5 s). Throws
   * `Leap0SandboxStateError` as soon as it is in a state it cannot leave for `running` by itself
   * (stopped, paused, deleting, deleted), `Leap0TimeoutError` after `timeout` seconds (default
   * 300), `Leap0AbortError` when `signal` fires. `onProgress` sees each state.
   *
   * @param options - `timeout` (seconds to wait in all, default 300), `signal`, `onProgress`
   * @returns This handle, its fields updated, once the sandbox is `running`.
   * @throws {@link Leap0ValidationError} when the options are unusable (nothing is sent).
   * @throws {@link Leap0SandboxStateError} when the sandbox reaches a state it cannot leave for `running` by itself.
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0TimeoutError} / {@link Leap0AbortError} / {@link Leap0ConnectionError} when `timeout` runs out, `signal` fires, or the connection fails.
   *
   * @example
   * const sandbox = await client.sandboxes.create();
   * await sandbox.waitUntilRunning({ timeout: 120 });
   */
  async waitUntilRunning(options?: WaitOptions): Promise<this> {
    await waitUntilRunning(this, options, this.#pipeline);
    return this;
  }

  /**
   * Deletes the sandbox when an `await using` block ends, so a thrown error cannot leave a paid
   * sandbox running. A sandbox already deleted (or gone: 404) is fine; any other failure to
   * delete is thrown (suppressing nothing the block itself threw: JavaScript reports both).
   *
   * @returns Resolves once the sandbox is deleted (or was already gone).
   * @throws {@link Leap0ConflictError} when the sandbox is changing state (try again once it settles).
   * @throws {@link Leap0TimeoutError} / {@link Leap0ConnectionError} when the delete call times out or the connection fails.
   *
   * @example
   * await using sandbox = await client.sandboxes.create();
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.state === SandboxState.DELETED) return;
    try {
      await this.delete();
    } catch (e) {
      if ((e as { status?: number }).status === 404) return;
      throw e;
    }
  }

  /**
   * What `JSON.stringify` shows: the handle's fields. The network policy's injected header values
   * (credentials meant never to reach the sandbox) serialise and print as `[redacted]` wherever
   * the policy goes; read `sandbox.networkPolicy` for the real values.
   *
   * @returns A plain copy of the handle's fields; nothing is requested.
   * @throws Nothing.
   */
  toJSON(): Record<string, unknown> {
    // A policy assigned by hand is held to the same places the spec marks in the API's answers.
    return hideSecretsIn({ ...(this as Record<string, unknown>) }, createSandbox.secretResult);
  }

  /**
   * Copies every field the API said into the handle, those it adds later too; a policy the
   * answer left out stays as it was. A field named like one of the handle's members (`git`,
   * `delete`) is not copied: the member stays what the SDK documents.
   */
  #apply(info: Omit<SandboxInfo, "networkPolicy"> & { networkPolicy?: NetworkPolicy | null }): this {
    const { id: _id, networkPolicy, ...fields } = info;
    for (const [key, value] of Object.entries(fields)) {
      if (!(key in Sandbox.prototype)) (this as unknown as Record<string, unknown>)[key] = value;
    }
    // Mounts an answer leaves out are not kept: the answer is the latest word on them.
    if (!("mounts" in fields)) this.mounts = undefined;
    if (networkPolicy !== undefined) this.networkPolicy = networkPolicy;
    return this;
  }
}
