import { type Leap0ClientOptions, resolveConfig } from "./core/config";
import { Pipeline } from "./core/pipeline";
import { SandboxesClient } from "./resources/sandboxes";
import { SnapshotsClient } from "./resources/snapshots";
import { SshClient } from "./resources/ssh";
import { TemplatesClient } from "./resources/templates";

/**
 * The entry point: one client per API key, holding one request pipeline and the resources.
 * Reads `LEAP0_API_KEY`, `LEAP0_BASE_URL`, `LEAP0_SANDBOX_DOMAIN` and `LEAP0_SANDBOX_URL` when
 * the options leave them out.
 *
 * @example
 * const client = new Leap0Client();
 * const sandbox = await client.sandboxes.create({ templateName: "system/debian:bookworm" });
 * const snapshot = await sandbox.createSnapshot({ name: "workspace-warm" });
 * const restored = await client.snapshots.restore({ snapshotName: snapshot.name });
 * await client.close();
 */
export class Leap0Client {
  /** Create, look up, list and drive sandboxes. */
  readonly sandboxes: SandboxesClient;
  /** Restore, list and delete snapshots. */
  readonly snapshots: SnapshotsClient;
  /** Register, rename and delete templates. */
  readonly templates: TemplatesClient;
  /** SSH access to sandboxes. */
  readonly ssh: SshClient;
  // Private so that printing or serialising the client never shows the key-holding pipeline.
  readonly #pipeline: Pipeline;

  /** Throws a `Leap0ValidationError` at once when no API key is set or an option is unusable. */
  constructor(options: Leap0ClientOptions = {}) {
    this.#pipeline = new Pipeline(resolveConfig(options));
    this.sandboxes = new SandboxesClient(this.#pipeline);
    this.snapshots = new SnapshotsClient(this.#pipeline);
    this.templates = new TemplatesClient(this.#pipeline);
    this.ssh = new SshClient(this.#pipeline);
  }

  /** True once {@link Leap0Client.close} ran. */
  get closed(): boolean {
    return this.#pipeline.closed;
  }

  /**
   * Aborts calls in flight (they reject with `Leap0ClientClosedError`) and makes later calls
   * fail the same way. Sandboxes keep running: closing the client deletes nothing.
   *
   * @returns Resolves once the client is closed (at once; closing twice is fine).
   * @throws Nothing: it never rejects.
   */
  async close(): Promise<void> {
    this.#pipeline.close();
  }

  /**
   * Closes the client when an `await using` block ends (sandboxes keep running).
   *
   * @returns Resolves once the client is closed.
   * @throws Nothing: it never rejects.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
