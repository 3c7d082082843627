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
  readonly #p: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#p = pipeline;
  }

  #on(sandbox: Ref): SandboxSshClient {
    return new SandboxSshClient(this.#p, refId(sandbox, "sandbox id"));
  }

  /** Issues new SSH credentials for a sandbox (an id or a handle). Never retried. */
  createAccess(sandbox: Ref, options?: RequestOptions): Promise<SshCreateAccessDto> {
    return this.#on(sandbox).createAccess(options);
  }

  /** Whether `password` is right for credentials `id` and they have not expired. */
  validateAccess(sandbox: Ref, params: SshValidateParams, options?: RequestOptions): Promise<SshValidation> {
    return this.#on(sandbox).validateAccess(params, options);
  }

  /** Issues a new password for credentials `{ id }`; the old one stops working at once. */
  regenerateAccess(sandbox: Ref, access: Ref, options?: RequestOptions): Promise<SshAccessDto> {
    return this.#on(sandbox).regenerateAccess(access, options);
  }

  /** Revokes credentials `{ id }` at once. */
  deleteAccess(sandbox: Ref, access: Ref, options?: RequestOptions): Promise<void> {
    return this.#on(sandbox).deleteAccess(access, options);
  }
}
