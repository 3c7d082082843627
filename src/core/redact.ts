/**
 * Scrubbing strings the caller sent (credentials in a request body) out of an error, so that a
 * server or proxy that echoes them back cannot put them into a message, a stack, a log line or a
 * span. The pipeline applies it to a call's error before logging it (see `CallInput.secrets`).
 */
import { Leap0Error } from "./errors";

/** What is shown in place of a secret. */
export const REDACTED = "[redacted]";

/** `text` with every secret replaced by {@link REDACTED}. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * A copy of `value` (plain objects and arrays, as JSON has them) with the secrets scrubbed from
 * every string, keys included. Keys are defined, not assigned, so a `__proto__` key survives.
 */
export function scrubDeep(value: unknown, secrets: readonly string[]): unknown {
  return scrubIn(value, secrets, true, 0);
}

/**
 * {@link scrubDeep} for a success answer: its keys are the contract's field names, kept as they
 * are, so a key that happens to contain a secret does not turn into a field the answer lacks.
 */
export function scrubValues(value: unknown, secrets: readonly string[]): unknown {
  return scrubIn(value, secrets, false, 0);
}

function scrubIn(value: unknown, secrets: readonly string[], keys: boolean, depth: number): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (depth > 32 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => scrubIn(v, secrets, keys, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, keys ? scrubText(k, secrets) : k, {
      value: scrubIn(v, secrets, keys, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A copy of the headers with the secrets scrubbed from every value (a proxy may echo them back). */
export function scrubHeaders(headers: Headers, secrets: readonly string[]): Headers {
  const out = new Headers();
  headers.forEach((value, name) => {
    out.append(name, scrubText(value, secrets));
  });
  return out;
}

/** Removes the secrets from the error's message, stack, field errors, response body and headers, location and cause, in place. */
export function scrubError(e: Leap0Error, secrets: readonly string[], depth = 0): void {
  if (!secrets.length || depth > 4) return;
  e.message = scrubText(e.message, secrets);
  if (typeof e.stack === "string") e.stack = scrubText(e.stack, secrets);
  for (const f of e.fieldErrors) {
    f.field = scrubText(f.field, secrets);
    f.error = scrubText(f.error, secrets);
  }
  const body = (e as unknown as { body?: unknown }).body;
  if (body !== undefined) {
    Object.defineProperty(e, "body", { value: scrubDeep(body, secrets), enumerable: true, configurable: true });
  }
  // An API error's response headers and a redirect's location are server text too.
  const headers = (e as unknown as { headers?: unknown }).headers;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    Object.defineProperty(e, "headers", {
      value: scrubHeaders(headers, secrets),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const location = (e as unknown as { location?: unknown }).location;
  if (typeof location === "string") {
    Object.defineProperty(e, "location", {
      value: scrubText(location, secrets),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (e.cause instanceof Leap0Error) scrubError(e.cause, secrets, depth + 1);
  else if (e.cause instanceof Error) {
    e.cause.message = scrubText(e.cause.message, secrets);
    if (typeof e.cause.stack === "string") e.cause.stack = scrubText(e.cause.stack, secrets);
  }
}
