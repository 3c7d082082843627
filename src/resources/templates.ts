import { deleteTemplate, renameTemplate, uploadTemplate } from "../../generated/operations";
import type { RenameTemplateParams, UploadTemplateParams, UploadTemplateResult } from "../../generated/types";
import type { RequestOptions } from "../core/config";
import { invoke } from "../core/invoke";
import type { Pipeline } from "../core/pipeline";
import type { Ref } from "../models";
import { refId } from "./refs";

/**
 * Default call timeout of `templates.create()`, in seconds: the service pulls the whole image
 * before it answers. A `timeout` request option overrides it.
 */
export const TEMPLATE_CREATE_TIMEOUT_SECONDS = 600;

/** A template as the API describes it after creating it. */
export type Template = UploadTemplateResult;

/** `client.templates`: register images as sandbox templates, rename and delete them. */
export class TemplatesClient {
  readonly #pipeline: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
  }

  /**
   * Pulls a container image and stores it as a template. For a private registry pass
   * `credentials` (`basic`, `aws`, `gcp` or `azure`); they go only into the request body and are
   * scrubbed from any error. Slow: default call timeout {@link TEMPLATE_CREATE_TIMEOUT_SECONDS}; never retried.
   *
   * @param params - the template's `name`, the image `uri` and any registry `credentials`
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions (`timeout` defaults to {@link TEMPLATE_CREATE_TIMEOUT_SECONDS} here)
   * @returns The new template.
   * @throws {@link Leap0ConflictError} when the name is taken or the organisation has as many templates as it may.
   *
   * @example
   * const template = await client.templates.create({ name: "python-fastapi", uri: "docker.io/library/python:3.12-slim" });
   */
  create(params: UploadTemplateParams, options?: RequestOptions): Promise<Template> {
    return invoke(
      this.#pipeline,
      uploadTemplate,
      { params, what: "template parameters" },
      options?.timeout === undefined ? { ...options, timeout: TEMPLATE_CREATE_TIMEOUT_SECONDS } : options,
    );
  }

  /**
   * Gives a template (an id, or anything with an `id`) a new name.
   *
   * @param template - the template's id, or anything with an `id`
   * @param params - the new `name`
   * @returns Resolves once the template is renamed.
   * @throws {@link Leap0ValidationError} when `template` is not a usable id or the params break the contract (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the template does not exist.
   * @throws {@link Leap0ConflictError} when the name is taken or the template cannot be renamed (a system template).
   */
  async rename(template: Ref, params: RenameTemplateParams, options?: RequestOptions): Promise<void> {
    await invoke(
      this.#pipeline,
      renameTemplate,
      { ids: { templateID: refId(template, "template id") }, params, what: "rename parameters" },
      options,
    );
  }

  /**
   * Deletes a template. One still used by sandboxes, or a system template, cannot be (409).
   *
   * @param template - the template's id, or anything with an `id`
   * @returns Resolves once the template is deleted.
   * @throws {@link Leap0ValidationError} when `template` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the template does not exist.
   * @throws {@link Leap0ConflictError} when the template is in use or may not be deleted (a system template).
   */
  async delete(template: Ref, options?: RequestOptions): Promise<void> {
    await invoke(this.#pipeline, deleteTemplate, { ids: { templateID: refId(template, "template id") } }, options);
  }
}
