import type { Pipeline } from "../core/pipeline";

/** `client.ssh`: SSH access to a sandbox (create, validate, regenerate, delete). */
export class SshClient {
  readonly #p: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#p = pipeline;
  }
}
