/**
 * Reading a response body under the call's control. The pipeline never trusts the `fetch`
 * implementation to stop a body read when its signal fires: in Node 20's `fetch`, once the
 * `Request` object has been garbage-collected, aborting its signal no longer cancels the read.
 * So the pipeline holds the body's reader itself and cancels it on abort, which ends the read
 * whatever the garbage collector did, and it stops reading as soon as a size limit is passed.
 *
 * Each wait here is ended through the call's {@link AbortHook} rather than a listener on its
 * signal: one call waits for one thing at a time, so the step that waits puts its cancellation in
 * the call's one slot, and whoever aborts the call runs it. An event listener pair per step cost
 * about as much as the rest of the step.
 */

/**
 * A call's abort, as the steps that wait on it see it: its signal (the reason, and what the
 * transport is handed), and one slot where the step now waiting puts what ends it. The call's
 * owner runs the slot right after aborting the signal.
 */
export interface AbortHook {
  readonly signal: AbortSignal;
  onAbort: (() => void) | undefined;
}

/** One shared decoder: `decode()` without `{ stream: true }` keeps no state between calls. */
export const UTF8 = /* @__PURE__ */ new TextDecoder();

/** Thrown by {@link readBody} when the body passes its limit; the rest is never read. */
export class BodyTooLarge {
  /** @internal */
  constructor(
    /** The limit in bytes that was passed. */
    readonly limit: number,
    /** How many bytes were seen (or announced by Content-Length) when reading stopped. */
    readonly seen: number,
  ) {}
}

const EMPTY = new Uint8Array(0);

/** Cancels a body nobody will read, so its connection is released; never throws. */
export function discardBody(body: ReadableStream<Uint8Array> | null | undefined, reason?: unknown): void {
  if (!body || body.locked) return;
  body.cancel(reason).catch(() => {});
}

/**
 * Reads a body to the end, at most `limit` bytes. Rejects with `signal.reason` as soon as the
 * signal fires (the reader is cancelled, which also closes the connection), and with
 * {@link BodyTooLarge} as soon as the limit is passed. With `truncate`, the limit is not an
 * error: the bytes up to it are returned and the rest is discarded (for error bodies, which are
 * only read for a message).
 */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  hook: AbortHook,
  truncate = false,
): Promise<Uint8Array> {
  if (!body) return EMPTY;
  const { signal } = hook;
  if (signal.aborted) {
    discardBody(body, signal.reason);
    throw signal.reason;
  }
  const reader = body.getReader();
  // Cancelling the reader resolves a pending read() with done: true (the Streams standard), so
  // the loop below wakes up even when the underlying source ignores the cancellation.
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  hook.onAbort = onAbort;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      if (size + value.byteLength > limit) {
        reader.cancel().catch(() => {});
        if (truncate) {
          chunks.push(value.subarray(0, limit - size));
          size = limit;
          break;
        }
        throw new BodyTooLarge(limit, size + value.byteLength);
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (e) {
    reader.cancel(e).catch(() => {});
    throw e;
  } finally {
    if (hook.onAbort === onAbort) hook.onAbort = undefined;
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Waits for a response unless the call is aborted first; then rejects with the signal's reason at
 * once and cancels the body of a response that arrives later, so a `fetch` that ignores its
 * signal can neither hold the call nor leak its connection.
 */
export function raceAbort(promise: Promise<Response>, hook: AbortHook): Promise<Response> {
  const { signal } = hook;
  const discardLate = () => {
    promise.then(
      (r) => discardBody(r.body),
      () => {},
    );
  };
  if (signal.aborted) {
    discardLate();
    return Promise.reject(signal.reason);
  }
  return new Promise<Response>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      discardLate();
    };
    hook.onAbort = onAbort;
    promise.then(
      (value) => {
        if (hook.onAbort === onAbort) hook.onAbort = undefined;
        resolve(value);
      },
      (error) => {
        if (hook.onAbort === onAbort) hook.onAbort = undefined;
        reject(error);
      },
    );
  });
}
