import type { SshAccessDto, SshCreateAccessDto } from "../../generated/types";
import type { RequestOptions } from "../core/config";
import type { Pipeline } from "../core/pipeline";
import type { Ref } from "../models";
import { refId } from "./refs";
import { SandboxSshClient, type SshValidateParams, type SshValidation } from "./sandbox/ssh";

/**
 * `client.ssh`: SSH access to a sandbox (create, validate, regenerate, delete). `sandbox.ssh` makes
 * the same calls without the sandbox argument. Passwords in the answers read as usual but are
 * hidden from `console.log`, `util.inspect` and `JSON.stringify` (see {@link SshAccess}).
 *
 * @example
 * const access = await client.ssh.createAccess(sandbox);
 * const { valid } = await client.ssh.validateAccess(sandbox, { id: access.id, password: access.password });
 * await client.ssh.deleteAccess(sandbox, { id: access.id });
 */
export class SshClient {
  readonly #pipeline: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
  }

  #on(sandbox: Ref): SandboxSshClient {
    return new SandboxSshClient(this.#pipeline, refId(sandbox, "sandbox id"));
  }

  /**
   * Issues new SSH credentials for a sandbox (an id or a handle). Never retried.
   *
   * @param sandbox - the sandbox's id, or its handle
   * @returns The new credentials (`id` is the SSH user name; the password is hidden from logging).
   * @throws {@link Leap0ValidationError} when `sandbox` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   */
  createAccess(sandbox: Ref, options?: RequestOptions): Promise<SshCreateAccessDto> {
    return this.#on(sandbox).createAccess(options);
  }

  /**
   * Whether `password` is right for credentials `id` and they have not expired.
   *
   * @param sandbox - the sandbox's id, or its handle
   * @param params - the credentials' `id` and the `password` to check
   * @returns `{ valid }`: whether the password opens the credentials.
   * @throws {@link Leap0ValidationError} when `sandbox` or `params.id` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox (or the credentials) does not exist.
   */
  validateAccess(sandbox: Ref, params: SshValidateParams, options?: RequestOptions): Promise<SshValidation> {
    return this.#on(sandbox).validateAccess(params, options);
  }

  /**
   * Issues a new password for credentials `{ id }`; the old one stops working at once.
   *
   * @param sandbox - the sandbox's id, or its handle
   * @param access - the credentials' id, or anything with an `id`
   * @returns The credentials with their new password (hidden from logging).
   * @throws {@link Leap0ValidationError} when `sandbox` or `access` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox (or the credentials) does not exist.
   */
  regenerateAccess(sandbox: Ref, access: Ref, options?: RequestOptions): Promise<SshAccessDto> {
    return this.#on(sandbox).regenerateAccess(access, options);
  }

  /**
   * Revokes credentials `{ id }` at once.
   *
   * @param sandbox - the sandbox's id, or its handle
   * @param access - the credentials' id, or anything with an `id`
   * @returns Resolves once the credentials are revoked.
   * @throws {@link Leap0ValidationError} when `sandbox` or `access` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox (or the credentials) does not exist.
   */
  deleteAccess(sandbox: Ref, access: Ref, options?: RequestOptions): Promise<void> {
    return this.#on(sandbox).deleteAccess(access, options);
  }
}
