/**
 * Keeping credentials the caller sent (git and registry passwords, bucket keys) or received (SSH
 * passwords, presigned tokens) out of what the SDK prints, serialises and throws. Internal: not
 * exported from the package.
 */
import { Leap0Error } from "../core/errors";
import { REDACTED, scrubDeep, scrubError, scrubText } from "../core/redact";

export { scrubText };

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Secrets shorter than this are not searched for in text: replacing "ab" everywhere would garble it. */
const MIN_SCRUBBED = 4;

/** The non-empty string values among `values` worth scrubbing, with their URL-encoded forms. */
export function secretsOf(...values: unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== "string" || v.length < MIN_SCRUBBED) continue;
    out.add(v);
    const encoded = encodeURIComponent(v);
    if (encoded !== v) out.add(encoded);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Runs `call` and, when it throws a {@link Leap0Error}, removes the secrets from the error's
 * message, stack, field errors and response body (a server or proxy may echo what it was sent)
 * before passing it on. The class, status and other facts are kept.
 */
export async function withoutSecrets<T>(secrets: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (secrets.length && e instanceof Leap0Error) scrubError(e, secrets);
    throw e;
  }
}

/**
 * Makes `keys` of `obj` non-enumerable (readable as usual, but skipped by `Object.keys`, spread
 * and `JSON.stringify`) and gives `obj` a `toJSON` and a Node `util.inspect` view that show them
 * as {@link REDACTED}. Other string fields are scrubbed of the secrets' values in those views
 * (a URL may contain its token). Returns `obj`.
 */
export function hideSecrets<T extends object>(obj: T, keys: readonly (keyof T & string)[]): T {
  const rec = obj as Record<string, unknown>;
  const values = secretsOf(...keys.map((k) => rec[k]));
  for (const k of keys) {
    if (!(k in rec)) continue;
    Object.defineProperty(obj, k, { value: rec[k], enumerable: false, writable: true, configurable: true });
  }
  const view = (): Record<string, unknown> => {
    const shown = scrubDeep({ ...rec }, values) as Record<string, unknown>;
    for (const k of keys) if (k in rec) shown[k] = REDACTED;
    return shown;
  };
  Object.defineProperty(obj, "toJSON", { value: view, enumerable: false, configurable: true });
  Object.defineProperty(obj, INSPECT, {
    value: (_depth: number, options: unknown, inspect: (v: unknown, o: unknown) => string) =>
      typeof inspect === "function" ? inspect(view(), options) : view(),
    enumerable: false,
    configurable: true,
  });
  return obj;
}

/** A network policy's transforms (none for anything else). */
function transformsOf(policy: unknown): unknown[] {
  const transforms = policy && typeof policy === "object" ? (policy as { transforms?: unknown }).transforms : undefined;
  return Array.isArray(transforms) ? transforms : [];
}

/** The headers one transform injects, if any. */
function injectedBy(transform: unknown): Record<string, unknown> | undefined {
  const headers =
    transform && typeof transform === "object" ? (transform as { injectHeaders?: unknown }).injectHeaders : undefined;
  return headers && typeof headers === "object" ? (headers as Record<string, unknown>) : undefined;
}

/**
 * The header values a network policy injects (credentials the sandbox is never meant to see),
 * whole and without their scheme (`Bearer sk-…` and `sk-…`): for {@link secretsOf}.
 */
export function policySecrets(policy: unknown): string[] {
  const out: string[] = [];
  for (const t of transformsOf(policy)) {
    for (const v of Object.values(injectedBy(t) ?? {})) {
      if (typeof v !== "string") continue;
      out.push(v);
      const bare = v.trim().split(/\s+/).pop();
      if (bare && bare !== v) out.push(bare);
    }
  }
  return out;
}

/** A copy of a network policy with every injected header value shown as {@link REDACTED}. */
export function redactPolicy<T>(policy: T): T {
  const transforms = transformsOf(policy);
  if (!transforms.some(injectedBy)) return policy;
  return {
    ...policy,
    transforms: transforms.map((t) => {
      const headers = injectedBy(t);
      return headers
        ? { ...(t as object), injectHeaders: Object.fromEntries(Object.keys(headers).map((k) => [k, REDACTED])) }
        : t;
    }),
  };
}
