/**
 * Waiting for a sandbox to be usable. `create()`, `restore()` and `start()` answer while the
 * sandbox is still `starting`; snapshots and the tools inside need `running`. This is the polling
 * loop every user would otherwise write: backoff, a deadline, cancellation, and a clear error
 * when the sandbox lands where it cannot become `running` by itself.
 */
import type { RequestOptions } from "../core/config";
import { Leap0SandboxStateError, Leap0ValidationError } from "../core/errors";
import type { Pipeline } from "../core/pipeline";
import { poll } from "../core/poll";

/** Seconds `waitUntilRunning()` waits by default. */
export const DEFAULT_WAIT_SECONDS = 300;

/** Options of `sandbox.waitUntilRunning()` and of the `waitUntilRunning` option on create, restore and start. */
export interface WaitOptions {
  /** Seconds to wait in all (default 300). */
  timeout?: number;
  /** Stops waiting when it fires (the sandbox is not affected). */
  signal?: AbortSignal;
  /** Called with each state seen while waiting, e.g. to show progress. */
  onProgress?: (progress: { state: string; elapsedMs: number }) => void;
}

/** The `waitUntilRunning` option of create, restore and start: `true` for the defaults, or {@link WaitOptions}. */
export type WaitOption = boolean | WaitOptions;

/**
 * The last argument of `create()`, `restore()` and `start()`: the usual per-call options, plus
 * `waitUntilRunning` to return only once the sandbox is `running` (the call's `signal` also
 * stops the wait unless the wait options give their own).
 */
export type LifecycleOptions = RequestOptions & {
  /** Wait until the sandbox is `running` before returning (see `sandbox.waitUntilRunning()`). */
  waitUntilRunning?: WaitOption;
};

/** Splits {@link LifecycleOptions} into the call's options and the wait, if asked for. */
export function splitWait(
  options: LifecycleOptions | undefined | null,
): [RequestOptions | undefined | null, WaitOptions | undefined] {
  if (!options || typeof options !== "object" || !("waitUntilRunning" in options)) return [options, undefined];
  const { waitUntilRunning: wait, ...call } = options;
  if (wait === false || wait === undefined) return [call, undefined];
  const o = checkWait(wait);
  return [call, { signal: call.signal, ...o }];
}

// States a sandbox does not leave for `running` without someone acting on it.
const DEAD_ENDS = new Set(["stopped", "stopping", "paused", "deleting", "deleted"]);

/** What {@link waitUntilRunning} needs of a handle. */
interface Pollable {
  readonly id: string;
  readonly state: string | undefined;
  refresh(options?: RequestOptions): Promise<unknown>;
}

function checkWait(options: unknown): WaitOptions {
  if (options === undefined || options === null || options === true) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new Leap0ValidationError("Invalid waitUntilRunning: must be true or { timeout, signal, onProgress }.", {
      fieldErrors: [{ field: "waitUntilRunning", error: "must be true or an object" }],
    });
  }
  const o = options as WaitOptions;
  const bad = (field: string, error: string) =>
    new Leap0ValidationError(`Invalid waitUntilRunning ${field}: ${error}.`, { fieldErrors: [{ field, error }] });
  if (o.timeout !== undefined && (typeof o.timeout !== "number" || !(o.timeout > 0))) {
    throw bad("timeout", "must be a positive number of seconds");
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw bad("onProgress", "must be a function");
  return o;
}

/**
 * Polls the sandbox (backoff from 0.5 s to 5 s) until it is `running`. Throws
 * {@link Leap0SandboxStateError} as soon as it is in a state it cannot leave for `running`,
 * `Leap0TimeoutError` at the deadline, `Leap0AbortError` when the signal fires. Each poll is
 * bounded by what is left of the deadline.
 */
export async function waitUntilRunning(
  sandbox: Pollable,
  options?: WaitOptions | boolean,
  pipeline?: Pick<Pipeline, "track" | "closedReason">,
): Promise<void> {
  const o = checkWait(options);
  const started = Date.now();
  let first = true;
  await poll(
    {
      operation: "waitUntilRunning",
      timeoutMs: (o.timeout ?? DEFAULT_WAIT_SECONDS) * 1000,
      firstDelayMs: 500,
      maxDelayMs: 5000,
      signal: o.signal,
      pipeline,
      seen: sandbox.state ?? "unknown",
      timedOut: (last) =>
        `Sandbox ${sandbox.id} was not running after ${o.timeout ?? DEFAULT_WAIT_SECONDS}s (last state: ${last}).`,
      aborted: `Waiting for sandbox ${sandbox.id} was aborted by the caller's signal.`,
      closed: `Waiting for sandbox ${sandbox.id} ended: the client was closed.`,
    },
    async ({ remainingMs, signal }) => {
      // The handle's state is the first look; later ones ask the API.
      if (!first) await sandbox.refresh({ timeout: remainingMs / 1000, signal });
      first = false;
      const state = sandbox.state;
      if (state === undefined) return { done: false, seen: "unknown" };
      o.onProgress?.({ state, elapsedMs: Date.now() - started });
      if (state === "running") return { done: true };
      if (DEAD_ENDS.has(state)) {
        return {
          fail: new Leap0SandboxStateError(
            `Sandbox ${sandbox.id} is ${state}; it will not become running by itself (start or restore it first).`,
            sandbox.id,
            state,
          ),
        };
      }
      return { done: false, seen: state };
    },
  );
}
