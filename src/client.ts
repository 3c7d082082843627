import { type Leap0ClientOptions, resolveConfig } from "./core/config";
import { Transport } from "./core/transport";
import type { SandboxLinks } from "./resources/sandbox";
import { Sandboxes } from "./resources/sandboxes";
import { Snapshots } from "./resources/snapshots";

/**
 * The entry point: one client per API key, holding one HTTP client and the resources.
 * Reads `LEAP0_API_KEY` and `LEAP0_BASE_URL` when the options leave them out.
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
  readonly sandboxes: Sandboxes;
  /** Restore, list and delete snapshots. */
  readonly snapshots: Snapshots;
  // Private so that printing or serialising the client never shows the key-holding transport.
  readonly #transport: Transport;

  /** Throws a `Leap0Error` at once when no API key is set or the base URL is unusable. */
  constructor(options: Leap0ClientOptions = {}) {
    this.#transport = new Transport(resolveConfig(options));
    const links = {} as SandboxLinks;
    this.sandboxes = links.sandboxes = new Sandboxes(this.#transport, links);
    this.snapshots = links.snapshots = new Snapshots(this.#transport, links);
  }

  /** True once {@link Leap0Client.close} ran. */
  get closed(): boolean {
    return this.#transport.closed;
  }

  /**
   * Aborts calls in flight (they reject with `Leap0ClientClosedError`) and makes later calls
   * fail the same way. Sandboxes keep running: closing the client deletes nothing.
   */
  async close(): Promise<void> {
    this.#transport.close();
  }
}
