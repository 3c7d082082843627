import type { Pipeline } from "../../core/pipeline";

/** The code interpreter served inside the sandbox: run code, stream its output, keep contexts. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class CodeInterpreterClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
