import { processExecute } from "../../../generated/operations";
import type { ProcessExecuteResult, ProcessExecuteParams as WireProcessExecuteParams } from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import { Leap0CommandError, Leap0TimeoutError, Leap0ValidationError } from "../../core/errors";
import { invoke } from "../../core/invoke";
import type { Pipeline } from "../../core/pipeline";
import { DEFAULT_COMMAND_TIMEOUT_SECONDS, EXECUTE_GRACE_SECONDS } from "./defaults";

/**
 * What {@link ProcessClient.execute} takes: the contract's fields, with the variables under either
 * name (`env`, as Leap0's SDKs call them, or `envs`, as the contract does), and `check`.
 */
export interface ProcessExecuteParams extends Omit<WireProcessExecuteParams, "envs"> {
  /** Extra environment variables for this command only. */
  env?: Record<string, string>;
  /** The same as `env` (the contract's name); pass one of the two. */
  envs?: Record<string, string>;
  /** Throw a {@link Leap0CommandError} when the command exits non-zero, instead of returning it. */
  check?: boolean;
}

/** @deprecated Renamed {@link ProcessExecuteParams}, after the area it belongs to. */
export type ExecuteProcessParams = ProcessExecuteParams;

/** How a command ended: its exit code and everything it wrote. */
export type ProcessResult = ProcessExecuteResult;

/**
 * Runs commands in the sandbox. Reached as a property of a {@link Sandbox} handle, created on first use.
 *
 * Each call runs one command under `/bin/sh -c` and waits for it to finish. The call's deadline
 * follows the command's `timeout` (its own timeout plus {@link EXECUTE_GRACE_SECONDS}), so a long
 * command is not cut off by the client's default; a `timeout` in the request options overrides it.
 * Never retried: a command may have side effects. Aborting (`signal`) or timing out stops the
 * wait, not the command: it runs on in the sandbox until its own timeout. The service answers
 * with at most 10 MiB; a command that prints more fails the call, so redirect big output to a
 * file (`cmd > /tmp/out.txt`) and read the file through the filesystem instead.
 */
export class ProcessClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
  }

  /**
   * Runs one command and returns its exit code, stdout and stderr. A non-zero exit is returned,
   * not thrown, unless `check: true`. `timeout` is the command's, in seconds (30 when omitted);
   * the call waits that long plus {@link EXECUTE_GRACE_SECONDS} unless `options.timeout` says
   * otherwise. Aborting stops the wait, not the command. Output over the service's 10 MiB answer
   * cap fails the call: redirect it to a file and read the file.
   *
   * @param params - the `command`, and optionally `cwd`, `env` (or `envs`), `timeout` (the command's, seconds) and `check`
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions (`timeout` defaults to the command's timeout plus the grace here)
   * @returns The command's exit code, stdout and stderr.
   * @throws {@link Leap0ValidationError} when the params break the contract, `env` and `envs` are both given, or `check` is not a boolean (nothing is sent).
   * @throws {@link Leap0CommandError} with `check: true`, when the command exits non-zero (`error.result` has its output).
   * @throws {@link Leap0TimeoutError} / {@link Leap0AbortError} / {@link Leap0ConnectionError} when the call's timeout runs out, its signal fires, or the connection fails. A timeout or abort does not stop the command.
   *
   * @example
   * const { exitCode, stdout } = await sandbox.process.execute({ command: "python main.py", cwd: "/workspace" });
   */
  async execute(params: ProcessExecuteParams, options?: RequestOptions): Promise<ProcessResult> {
    const { check, env, ...rest } = (params ?? {}) as ProcessExecuteParams;
    const wire: Record<string, unknown> = { ...rest };
    if (env !== undefined) {
      if (rest.envs !== undefined) {
        throw new Leap0ValidationError(
          "Invalid execute parameters: pass the variables as env or as envs, not both. Nothing was sent.",
          { fieldErrors: [{ field: "env", error: "cannot be combined with envs" }] },
        );
      }
      wire.envs = env;
    }
    if (check !== undefined && typeof check !== "boolean") {
      throw new Leap0ValidationError("Invalid execute parameters: check must be true or false. Nothing was sent.", {
        fieldErrors: [{ field: "check", error: "must be true or false" }],
      });
    }
    const t = rest.timeout;
    const commandTimeout = typeof t === "number" && Number.isFinite(t) && t > 0 ? t : DEFAULT_COMMAND_TIMEOUT_SECONDS;
    const explicit = options?.timeout !== undefined;
    const callTimeout = explicit ? (options?.timeout as number) : commandTimeout + EXECUTE_GRACE_SECONDS;
    let result: ProcessResult;
    try {
      result = await invoke(
        this.#pipeline,
        processExecute,
        { ids: { sandboxID: this.#sandboxId }, params: wire, what: "execute parameters" },
        explicit ? options : { ...options, timeout: callTimeout },
      );
    } catch (e) {
      if (!(e instanceof Leap0TimeoutError)) throw e;
      const why = explicit
        ? `the call's deadline ran out: the request option timeout (${callTimeout}s) passed before an answer came; the command's own timeout is ${commandTimeout}s${callTimeout <= commandTimeout ? ", so leave the request timeout out (the deadline then follows the command) or make it longer" : ""}`
        : `the call's deadline ran out: no answer within ${callTimeout}s (the command's timeout of ${commandTimeout}s plus ${EXECUTE_GRACE_SECONDS}s grace); the command's own timeout had passed, but the service did not answer`;
      throw new Leap0TimeoutError(
        `processExecute: ${why}. The command may still be running in the sandbox (a timeout stops the wait, not the command).`,
        { operation: e.operation, mayHaveSucceeded: e.mayHaveSucceeded, cause: e },
      );
    }
    if (check && result.exitCode !== 0) throw new Leap0CommandError(result, { operation: processExecute.name });
    return result;
  }
}
