import type { Pipeline } from "../../core/pipeline";

/** Runs commands in the sandbox. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class ProcessClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
