import { createSshAccess, deleteSshAccess, regenSshAccess, validateSshAccess } from "../../../generated/operations";
import type { SshAccessDto, SshAccessValidationDto, SshCreateAccessDto } from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import { invoke } from "../../core/invoke";
import type { Pipeline } from "../../core/pipeline";
import type { Ref } from "../../models";
import { refId } from "../refs";

/**
 * SSH credentials for a sandbox: `id` is the SSH user name, `password` the password. The password
 * reads as usual (`access.password`) but is left out of `JSON.stringify`, `Object.keys` and spread,
 * and shown as `[redacted]` by `console.log`/`util.inspect`, so logging the object leaks nothing.
 */
export type SshAccess = SshCreateAccessDto | SshAccessDto;
/** Whether a password opens a sandbox's SSH credentials. */
export type SshValidation = SshAccessValidationDto;

/** Which credentials, and the password to check. */
export interface SshValidateParams {
  /** The credentials' id (the SSH user name). */
  id: string;
  /** The password to check. */
  password: string;
}

/**
 * SSH access to this sandbox (the same calls as `client.ssh`, without the sandbox argument).
 * Reached as a property of a {@link Sandbox} handle, created on first use.
 */
export class SandboxSshClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
  }

  /**
   * Issues new SSH credentials. Never retried (a retry would issue a second set).
   *
   * @returns The new credentials (`id` is the SSH user name; the password is hidden from logging).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   *
   * @example
   * const access = await sandbox.ssh.createAccess();
   * console.log(access.sshCommand); // then type access.password
   */
  async createAccess(options?: RequestOptions): Promise<SshCreateAccessDto> {
    return invoke(this.#pipeline, createSshAccess, { ids: { sandboxID: this.#sandboxId } }, options);
  }

  /**
   * Whether `password` is right for credentials `id` and they have not expired.
   *
   * @param params - the credentials' `id` and the `password` to check
   * @returns `{ valid }`: whether the password opens the credentials.
   * @throws {@link Leap0ValidationError} when `params.id` is not a usable id or the password is missing (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox (or the credentials) does not exist.
   */
  async validateAccess(params: SshValidateParams, options?: RequestOptions): Promise<SshValidation> {
    const p = (params ?? {}) as Partial<SshValidateParams>;
    return invoke(
      this.#pipeline,
      validateSshAccess,
      {
        ids: { sandboxID: this.#sandboxId, sshID: refId(p.id as string, "ssh access id") },
        params: { password: p.password },
        what: "SSH validation parameters",
      },
      options,
    );
  }

  /**
   * Issues a new password for credentials `id` (or an access object); the old one stops working at once.
   *
   * @param access - the credentials' id, or anything with an `id`
   * @returns The credentials with their new password (hidden from logging).
   * @throws {@link Leap0ValidationError} when `access` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox (or the credentials) does not exist.
   */
  async regenerateAccess(access: Ref, options?: RequestOptions): Promise<SshAccessDto> {
    return invoke(
      this.#pipeline,
      regenSshAccess,
      { ids: { sandboxID: this.#sandboxId, sshID: refId(access, "ssh access id") } },
      options,
    );
  }

  /**
   * Revokes credentials `id` (or an access object) at once.
   *
   * @param access - the credentials' id, or anything with an `id`
   * @returns Resolves once the credentials are revoked.
   * @throws {@link Leap0ValidationError} when `access` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox (or the credentials) does not exist.
   */
  async deleteAccess(access: Ref, options?: RequestOptions): Promise<void> {
    await invoke(
      this.#pipeline,
      deleteSshAccess,
      { ids: { sandboxID: this.#sandboxId, sshID: refId(access, "ssh access id") } },
      options,
    );
  }
}
