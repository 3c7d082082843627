/**
 * Reading a response body under the call's control. The pipeline never trusts the `fetch`
 * implementation to stop a body read when its signal fires: in Node 20's `fetch`, once the
 * `Request` object has been garbage-collected, aborting its signal no longer cancels the read.
 * So the pipeline holds the body's reader itself and cancels it on abort, which ends the read
 * whatever the garbage collector did, and it stops reading as soon as a size limit is passed.
 */

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
  signal: AbortSignal,
  truncate = false,
): Promise<Uint8Array> {
  if (!body) return EMPTY;
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
  signal.addEventListener("abort", onAbort, { once: true });
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
    signal.removeEventListener("abort", onAbort);
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
 * Waits for a response unless `signal` fires first; then rejects with `signal.reason` at once and
 * cancels the body of a response that arrives later, so a `fetch` that ignores its signal can
 * neither hold the call nor leak its connection.
 */
export function raceAbort(promise: Promise<Response>, signal: AbortSignal): Promise<Response> {
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
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
