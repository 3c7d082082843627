/**
 * Credentials, found where openapi.yaml marks them (`x-leap0-secret`, generated into each
 * operation's `secretParams` and `secretResult`): what a call sends is scrubbed from anything
 * the server echoes (errors, logs, spans, success bodies); what it receives reads as usual but
 * is hidden when the object is printed or serialised. Nothing here names a field.
 */
import { REDACTED, scrubDeep } from "./redact";

/** A generated secret place: `[kind, ...camelCase keys]`, `"*"` for each item of a list or value of a map. */
export type SecretPlace = readonly string[];

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Secrets shorter than this are not searched for in text: replacing "ab" everywhere would garble
 * it. The API key too: a key of one to three characters is no credential (only a local mock takes
 * one), and scrubbing "k" from every answer broke them.
 */
const MIN_SCRUBBED = 4;

/** The non-empty string values among `values` worth scrubbing, with their URL-encoded forms, longest first. */
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

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The user name and password of a URL's userinfo (`https://x-access-token:TOKEN@host/…`), raw and decoded. */
function userinfoOf(url: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url);
  if (!m?.[1]) return [];
  const info = m[1];
  const colon = info.indexOf(":");
  const parts = colon < 0 ? [info] : [info.slice(colon + 1), info.slice(0, colon), info];
  return parts.flatMap((p) => [p, decode(p)]);
}

/** A service account key file: the whole text, its private key (as is, as JSON writes it, line by line) and key id. */
function serviceAccountOf(text: string): string[] {
  const out = [text];
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    return out;
  }
  if (!key || typeof key !== "object") return out;
  const { private_key: pem, private_key_id: id } = key as Record<string, unknown>;
  if (typeof pem === "string") {
    out.push(pem, JSON.stringify(pem).slice(1, -1));
    // A server may echo one line of the key alone; the PEM armour lines are not secret.
    for (const line of pem.split(/\r?\n/)) if (line && !line.startsWith("-----")) out.push(line);
  }
  if (typeof id === "string") out.push(id);
  return out;
}

/** Each value of a header map, whole and without its scheme (`Bearer sk-…` and `sk-…`). */
function headerValuesOf(map: unknown): string[] {
  if (!map || typeof map !== "object") return [];
  const out: string[] = [];
  for (const v of Object.values(map)) {
    if (typeof v !== "string") continue;
    out.push(v);
    const bare = v.trim().split(/\s+/).pop();
    if (bare && bare !== v) out.push(bare);
  }
  return out;
}

/** Calls `visit` with each value (and its parent and key) found at `path` under `value`. */
function walk(
  value: unknown,
  path: readonly string[],
  visit: (found: unknown, parent: Record<string, unknown>, key: string) => void,
  depth = 0,
): void {
  if (!value || typeof value !== "object" || depth > 32) return;
  const [key, ...rest] = path;
  if (key === undefined) return;
  const obj = value as Record<string, unknown>;
  const keys = key === "*" ? Object.keys(obj) : Object.hasOwn(obj, key) ? [key] : [];
  for (const k of keys) {
    if (rest.length === 0) visit(obj[k], obj, k);
    else walk(obj[k], rest, visit, depth + 1);
  }
}

/** The strings to scrub that `params` hold at the operation's secret places (none when it has none). */
export function secretsIn(params: unknown, places: readonly SecretPlace[] | undefined): string[] {
  if (!places) return [];
  const found: unknown[] = [];
  for (const [kind, ...path] of places) {
    walk(params, path, (v) => {
      if (kind === "header-values") found.push(...headerValuesOf(v));
      else if (typeof v !== "string") return;
      else if (kind === "url") found.push(...userinfoOf(v));
      else if (kind === "service-account") found.push(...serviceAccountOf(v));
      else found.push(v);
    });
  }
  return secretsOf(...found);
}

/** Gives `obj` a `toJSON` and a Node `util.inspect` view: what printing and serialising show. */
function setView(obj: object, view: () => unknown): void {
  Object.defineProperty(obj, "toJSON", { value: view, enumerable: false, configurable: true });
  Object.defineProperty(obj, INSPECT, {
    value: (_depth: number, options: unknown, inspect: (v: unknown, o: unknown) => string) =>
      typeof inspect === "function" ? inspect(view(), options) : view(),
    enumerable: false,
    configurable: true,
  });
}

/**
 * Makes `keys` of `obj` non-enumerable (readable as usual, but skipped by `Object.keys`, spread
 * and `JSON.stringify`) and gives `obj` a `toJSON` and a Node `util.inspect` view that show them
 * as {@link REDACTED}. Other string fields are scrubbed of the secrets' values in those views
 * (a URL may contain its token). Returns `obj`.
 */
export function hideSecrets<T extends object>(obj: T, keys: readonly string[]): T {
  const rec = obj as Record<string, unknown>;
  const values = secretsOf(...keys.map((k) => rec[k]));
  for (const k of keys) {
    if (!(k in rec)) continue;
    Object.defineProperty(obj, k, { value: rec[k], enumerable: false, writable: true, configurable: true });
  }
  setView(obj, () => {
    const shown = scrubDeep({ ...rec }, values) as Record<string, unknown>;
    for (const k of keys) if (k in rec) shown[k] = REDACTED;
    return shown;
  });
  return obj;
}

/**
 * A header map whose values are credentials: it keeps its entries (code that forwards them still
 * can), but prints and serialises each value as {@link REDACTED}, wherever it ends up (a spread
 * copy of its owner, `Object.entries` of it, `console.log` of the policy).
 */
function hideHeaderValues(map: object): void {
  setView(map, () => Object.fromEntries(Object.keys(map).map((k) => [k, REDACTED])));
}

/** Hides the secrets a result holds at the operation's secret places, in place; returns it. */
export function hideSecretsIn<T>(result: T, places: readonly SecretPlace[] | undefined): T {
  if (!places) return result;
  const byParent = new Map<object, string[]>();
  for (const [kind, ...path] of places) {
    walk(result, path, (v, parent, key) => {
      if (kind === "header-values") {
        if (v && typeof v === "object") hideHeaderValues(v);
      } else if (typeof v === "string") {
        byParent.set(parent, [...(byParent.get(parent) ?? []), key]);
      }
    });
  }
  for (const [parent, keys] of byParent) hideSecrets(parent, keys);
  return result;
}
