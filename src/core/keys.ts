/**
 * Key mapping between the public camelCase params/results and the wire (snake_case, kebab-case),
 * driven by the descriptors generated from openapi.yaml (see generated/operations.ts).
 *
 * A descriptor ({@link KeyNode}) says where the known objects are inside a value:
 * - an object `{ camelKey: entry }`: the value is an object of the API. Each of its keys is renamed
 *   by the rule ({@link camel} from the wire, {@link snake} to it); an entry says more about one key:
 *   the wire name where the rule cannot find it (a string), a descriptor for its value, or both
 *   (`[wire, node]`). `{}`: an object whose keys all follow the rule and hold no known objects;
 * - `() => node` defers a reference (recursive schemas);
 * - `[node]` is a free-form map whose values `node` describes; its keys are data and never renamed.
 * Arrays are mapped element by element; `null` and primitives pass through. A value without a
 * descriptor (a free-form map such as env vars, injected headers or an LSP payload) is copied with
 * every key as it is, however deep.
 */
export type KeyNode = KeyMap | (() => KeyNode) | readonly [KeyNode];

/** What an object's keys need beyond the rule: camelCase name → wire name, descriptor, or both. */
export interface KeyMap {
  readonly [camelKey: string]: string | KeyNode | readonly [string, KeyNode];
}

type Plain = Record<string, unknown>;

const own = (o: object, k: string) => Object.hasOwn(o, k);
const ALNUM = /[A-Za-z0-9]/;

/**
 * The camelCase key of a wire name: `template_name` → `templateName`, `order-by` → `orderBy`,
 * `X-Request-Id` → `xRequestId`. Names without a separator (`sandboxID`, `class`) are kept.
 */
export function camel(wire: string): string {
  let changed = false;
  const out = wire.replace(/[-_.]+([A-Za-z0-9])/g, (m: string, c: string, at: number) => {
    if (at === 0 || !ALNUM.test(wire.charAt(at - 1))) return m;
    changed = true;
    return c.toUpperCase();
  });
  return changed ? out.charAt(0).toLowerCase() + out.slice(1) : wire;
}

/** The snake_case wire name the rule gives a camelCase key: `templateName` → `template_name`. */
export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isPlain(v: unknown): v is Plain {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property, even one named `__proto__` (plain assignment would set the prototype). */
function put(o: Plain, k: string, v: unknown): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function deref(n: KeyNode): KeyMap | readonly [KeyNode] {
  let d = n;
  while (typeof d === "function") d = d();
  return d;
}

/** [wire name, descriptor of the value] of camelCase key `k` in `map`. */
function entryOf(map: KeyMap, k: string): [string | undefined, KeyNode | undefined] {
  if (!own(map, k)) return [undefined, undefined];
  const e = map[k];
  if (typeof e === "string") return [e, undefined];
  if (Array.isArray(e) && typeof e[0] === "string") return [e[0], e[1] as KeyNode];
  return [undefined, e as KeyNode];
}

/**
 * Per object descriptor, each wire name seen so far → [camelCase key, descriptor of its value]:
 * what {@link fromWire} would otherwise work out again (a regular expression, two lookups) for
 * every key of every answer. Filled as answers arrive; capped, so an answer with endless made-up
 * keys cannot grow it without bound (past the cap, keys are mapped as before, uncached).
 */
const wireIndexes = new WeakMap<KeyMap, Map<string, readonly [string, KeyNode | undefined]>>();
/** The most wire names remembered per descriptor: far more than any object of the API has. */
const WIRE_INDEX_MAX = 512;

function fromWireKey(map: KeyMap, wire: string): readonly [string, KeyNode | undefined] {
  let index = wireIndexes.get(map);
  if (!index) {
    index = new Map();
    wireIndexes.set(map, index);
  }
  let entry = index.get(wire);
  if (!entry) {
    const key = camel(wire);
    entry = [key, entryOf(map, key)[1]];
    if (index.size < WIRE_INDEX_MAX) index.set(wire, entry);
  }
  return entry;
}

/**
 * Params (camelCase, as checked by zod) → wire. `original` is what the caller passed: zod's output
 * leaves out a free-form map's `__proto__` key, so a map's keys come from the caller's object and
 * its values from zod's output wherever it has them. `undefined` values are left out.
 */
export function toWire(value: unknown, desc: KeyNode | undefined, original: unknown = value): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => toWire(v, desc, Array.isArray(original) ? original[i] : undefined));
  }
  if (!isPlain(value)) return value;
  const orig = isPlain(original) ? original : undefined;
  const out: Plain = {};
  const d = desc === undefined ? undefined : deref(desc);
  if (d === undefined || Array.isArray(d)) {
    // A free-form map: every own key the caller gave, as given.
    const child = d === undefined ? undefined : (d as readonly [KeyNode])[0];
    const src = orig ?? value;
    for (const k of Object.keys(src)) {
      const v = own(value, k) ? value[k] : src[k];
      if (v !== undefined) put(out, k, toWire(v, child, src[k]));
    }
    return out;
  }
  const map = d as KeyMap;
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === undefined) continue;
    const [wire, node] = entryOf(map, k);
    put(out, wire ?? snake(k), toWire(v, node, orig && own(orig, k) ? orig[k] : undefined));
  }
  return out;
}

/**
 * A wire body → camelCase. Keys the spec does not know (a newer server's fields) are renamed by
 * the same rule, their values left as they are; optional fields the server left out stay absent;
 * free-form maps come back as they came.
 */
export function fromWire(value: unknown, desc: KeyNode | undefined): unknown {
  if (desc === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => fromWire(v, desc));
  if (!isPlain(value)) return value;
  const d = deref(desc);
  const out: Plain = {};
  if (Array.isArray(d)) {
    const child = (d as readonly [KeyNode])[0];
    for (const k of Object.keys(value)) put(out, k, fromWire(value[k], child));
    return out;
  }
  const map = d as KeyMap;
  for (const k of Object.keys(value)) {
    const [key, node] = fromWireKey(map, k);
    put(out, key, fromWire(value[k], node));
  }
  return out;
}

/** What {@link toWireRequest} needs of an operation (generated/operations.ts has them all). */
export interface KeyedOperation {
  readonly request: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly bodyKeys?: KeyNode;
}

/** The parts of a request, under their wire names. */
export interface WireRequest {
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The JSON body, or the multipart form's non-file fields. */
  body?: Record<string, unknown>;
}

/**
 * Splits checked params (`parsed`: the params check's output; `input`: what the caller passed)
 * into query, headers and body, each under its wire names.
 */
export function toWireRequest(op: KeyedOperation, parsed: Plain, input: unknown): WireRequest {
  const req: WireRequest = {};
  const query: Plain = {};
  const headers: Record<string, string> = {};
  const body: Plain = {};
  for (const k of Object.keys(parsed)) {
    const v = parsed[k];
    if (v === undefined) continue;
    if (op.query && own(op.query, k)) query[op.query[k] as string] = v;
    else if (op.headers && own(op.headers, k)) headers[op.headers[k] as string] = String(v);
    else body[k] = v;
  }
  if (Object.keys(query).length) req.query = query;
  if (Object.keys(headers).length) req.headers = headers;
  if (op.request === "json" || op.request === "multipart") {
    req.body = toWire(body, op.bodyKeys ?? {}, input) as Plain;
  }
  return req;
}
