/** When to try again: backoff, the server's `Retry-After`, and the wait itself. */

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 60_000;
// RFC 9110 HTTP-date forms: IMF-fixdate, obsolete RFC 850, and asctime.
const HTTP_DATE =
  /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date, capped at 60 s. `undefined` when
 * absent or unusable: negative, fractional garbage, two values joined by a proxy (`"1, 1"`, which
 * `Date.parse` would read as the year 2001), or a date in any other format.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, RETRY_AFTER_CAP_MS);
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - now, 0), RETRY_AFTER_CAP_MS);
}

/** The lowest wait before retry `attempt` (1-based): half the exponential ceiling. */
export function backoffFloorMs(attempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)) / 2;
}

/**
 * The wait before retrying after failed attempt `attempt`: exponential backoff with jitter,
 * or the server's `Retry-After` when it gave a usable one, but never below the backoff floor,
 * so no server (or proxy) can make the SDK retry in a tight loop.
 */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, random = Math.random): number {
  const floor = backoffFloorMs(attempt);
  if (retryAfterMs !== undefined) return Math.max(retryAfterMs, floor);
  return Math.round(floor * (1 + random()));
}

/** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal (if any) fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
