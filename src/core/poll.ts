/**
 * The one poll loop of the SDK (a sandbox becoming `running`, a desktop becoming ready): look,
 * and until the look says done, sleep with doubling backoff and look again, all within one
 * deadline. However the wait ends early it ends at once, sleep or request in flight included:
 * the deadline ({@link Leap0TimeoutError}, saying what the last look saw), the caller's signal
 * ({@link Leap0AbortError}) or `close()` ({@link Leap0ClientClosedError}). Nothing here names
 * an endpoint.
 */
import { Leap0AbortError, Leap0ClientClosedError, Leap0TimeoutError } from "./errors";
import type { Pipeline } from "./pipeline";
import { sleep } from "./retry";
import { followSignal } from "./signals";

/** What one look found: done, not yet (with what it saw, for a timeout's message), or a reason to stop. */
export type Look = { done: true } | { done: false; seen: string } | { fail: Error };

/** How a wait runs and what its errors say. */
export interface PollSpec {
  /** The operation its errors name (`waitUntilRunning`, `waitUntilReady`). */
  operation: string;
  /** The whole wait's deadline, in milliseconds. */
  timeoutMs: number;
  /** The first pause between looks, doubled after each up to `maxDelayMs`. */
  firstDelayMs: number;
  /** The longest pause between looks. */
  maxDelayMs: number;
  /** The caller's signal. */
  signal?: AbortSignal;
  /** The client's pipeline, so that `close()` ends the wait. */
  pipeline?: Pick<Pipeline, "track" | "closedReason">;
  /** What was known before the first look (`seen` of a timeout that came first). */
  seen: string;
  /** The timeout's message, given what the last look saw. */
  timedOut(seen: string): string;
  /** The message when the caller's signal ends the wait. */
  aborted: string;
  /** The message when `close()` ends it. */
  closed: string;
}

/**
 * Runs `look` until it says done (or fails), pausing between looks. `look` gets the time left and
 * the wait's signal, to give the request it makes; a look that fails because the wait ended is
 * reported as the wait's end, not as its own error.
 */
export async function poll(
  spec: PollSpec,
  look: (within: { remainingMs: number; signal: AbortSignal }) => Promise<Look>,
): Promise<void> {
  const timeoutMs = Math.min(spec.timeoutMs, 2_147_483_647);
  const started = Date.now();
  const { ctl, unlink } = followSignal(spec.signal, "abort");
  const untrack = spec.pipeline?.track(ctl);
  const timer = setTimeout(() => ctl.abort("timeout"), timeoutMs);
  let delay = spec.firstDelayMs;
  let seen = spec.seen;
  let failure: Error | undefined;
  try {
    for (;;) {
      if (ctl.signal.aborted) throw ctl.signal.reason;
      const found = await look({ remainingMs: Math.max(timeoutMs - (Date.now() - started), 1), signal: ctl.signal });
      if ("fail" in found) {
        failure = found.fail;
        throw failure;
      }
      if (found.done) return;
      seen = found.seen;
      await sleep(delay, ctl.signal);
      delay = Math.min(delay * 2, spec.maxDelayMs);
    }
  } catch (e) {
    // A look's own reason to stop is the caller's to see as it is.
    if (e === failure || !ctl.signal.aborted) throw e;
    const { operation } = spec;
    if (spec.pipeline && ctl.signal.reason === spec.pipeline.closedReason) {
      throw new Leap0ClientClosedError(spec.closed, { operation });
    }
    if (ctl.signal.reason === "timeout") throw new Leap0TimeoutError(spec.timedOut(seen), { operation });
    throw new Leap0AbortError(spec.aborted, { operation });
  } finally {
    clearTimeout(timer);
    unlink();
    untrack?.();
  }
}
