import type { Pipeline } from "../../core/pipeline";

/** Drives git in a repository inside the sandbox. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class GitClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
