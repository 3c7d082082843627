import type { Pipeline } from "../../core/pipeline";

/** SSH access to this sandbox (the same calls as client.ssh, without the sandbox argument). Reached as a property of a {@link Sandbox} handle, created on first use. */
export class SandboxSshClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }
}
