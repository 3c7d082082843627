/**
 * One listener per caller signal, however many calls share it. Sharing one `AbortSignal` across
 * a batch of calls is normal; a listener per call would trip Node's listener-leak warning at 11
 * and keep every finished call's closure alive until the signal is collected.
 */
/** What a signal can be linked to: an AbortController, or a call that aborts its own. */
export interface Abortable {
  abort(reason?: unknown): void;
}

interface Fan {
  /** Each linked controller, with the reason it is aborted with. */
  members: Map<Abortable, unknown>;
  listener: () => void;
}

const fans = new WeakMap<AbortSignal, Fan>();

/**
 * Aborts `ctl` with `reason` when `signal` fires; returns the function that undoes the link.
 * The shared listener is removed with the last link, so a long-lived signal holds nothing.
 * Each link keeps its own reason, whoever linked to the signal first.
 */
export function linkSignal(signal: AbortSignal, ctl: Abortable, reason: unknown): () => void {
  let fan = fans.get(signal);
  if (!fan) {
    const members = new Map<Abortable, unknown>();
    const listener = () => {
      fans.delete(signal);
      for (const [member, why] of members) member.abort(why);
    };
    fan = { members, listener };
    fans.set(signal, fan);
    signal.addEventListener("abort", listener, { once: true });
  }
  const { members, listener } = fan;
  members.set(ctl, reason);
  return () => {
    members.delete(ctl);
    if (members.size === 0 && fans.get(signal)?.members === members) {
      fans.delete(signal);
      signal.removeEventListener("abort", listener);
    }
  };
}

/**
 * A fresh controller that the caller's `signal` (if any) aborts with `reason`, aborted at once
 * if the signal already has; `unlink` undoes the link once the work is done.
 */
export function followSignal(
  signal: AbortSignal | undefined,
  reason: unknown,
): { ctl: AbortController; unlink: () => void } {
  const ctl = new AbortController();
  if (signal?.aborted) ctl.abort(reason);
  const unlink = signal && !signal.aborted ? linkSignal(signal, ctl, reason) : () => {};
  return { ctl, unlink };
}
