import type { Pipeline } from "../../core/pipeline";

/** Files in the sandbox: read, write, list, search, edit, move, copy; binary-safe and streaming. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class FilesystemClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
