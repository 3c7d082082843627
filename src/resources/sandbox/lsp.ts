import type { Pipeline } from "../../core/pipeline";

/** Language servers in the sandbox: completions and document symbols. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class LspClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
