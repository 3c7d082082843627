import type { Pipeline } from "../core/pipeline";

/** `client.templates`: register images as sandbox templates, rename and delete them. */
export class TemplatesClient {
  readonly #p: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#p = pipeline;
  }
}
