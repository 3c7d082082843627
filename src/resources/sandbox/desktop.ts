import type { Pipeline } from "../../core/pipeline";

/** The desktop served inside the sandbox: screen, pointer, keyboard, windows, recordings. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class DesktopClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
