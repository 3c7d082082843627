import type { Pipeline } from "../../core/pipeline";

/** Interactive terminal sessions in the sandbox, over a WebSocket. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class PtyClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
