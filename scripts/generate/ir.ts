/**
 * openapi.yaml → a small intermediate form (IR) that the emitters walk. Everything the spec states
 * about a value ends up here (type, bounds, enum, format, nullability, required, descriptions, the
 * SDK-only `x-leap0-…` rules); anything the emitter does not understand is a {@link SpecError}, so a
 * new kind of shape in the spec stops the generator instead of being silently dropped.
 */
import { camel, SpecError } from "./names";

export type Node = Record<string, unknown>;

/**
 * `x-leap0-secret`: what of a value the SDK keeps out of errors, logs and printed objects.
 * `value` the string itself; `url` the user name and password in a URL's userinfo; `service-account`
 * a JSON key file's private key (and the whole text); `header-values` each value of a header map
 * (and the token after its scheme, `Bearer sk-…` → `sk-…`).
 */
export type SecretKind = "value" | "url" | "service-account" | "header-values";
const SECRET_KINDS: readonly SecretKind[] = ["value", "url", "service-account", "header-values"];

/** Annotations any schema may carry. */
export interface Base {
  /** `x-leap0-secret`: see {@link SecretKind}. */
  secret?: SecretKind;
  nullable?: boolean;
  description?: string;
  title?: string;
  default?: unknown;
  deprecated?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
}

export interface StringIR extends Base {
  kind: "string";
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** `x-leap0-trim`: the SDK trims the value before its length checks. */
  trim?: boolean;
  /** `x-leap0-pattern`'s message: what the pattern asks for, in words. */
  patternMessage?: string;
  enum?: string[];
}
export interface NumberIR extends Base {
  kind: "number";
  int: boolean;
  format?: string;
  /** Inclusive bounds, including those implied by an integer format (int32, uint32, uint64). */
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  enum?: number[];
}
export interface BooleanIR extends Base {
  kind: "boolean";
  enum?: boolean[];
}
export interface ArrayIR extends Base {
  kind: "array";
  items: IR;
  minItems?: number;
  maxItems?: number;
  unique?: boolean;
}
export interface Prop {
  wire: string;
  camel: string;
  schema: IR;
  required: boolean;
}
/** `x-leap0-onlyWhen`: a field that may be given only while another has one of some values. */
export interface OnlyWhen {
  field: string;
  other: string;
  values: unknown[];
}
export interface ObjectIR extends Base {
  kind: "object";
  props: Prop[];
  /** `x-leap0-onlyWhen` rules (wire names). */
  onlyWhen?: OnlyWhen[];
  /** `additionalProperties: true` next to `properties`. */
  open?: boolean;
}
/** A free-form map (`additionalProperties` without `properties`): its keys are data, never renamed. */
export interface MapIR extends Base {
  kind: "map";
  values: IR;
}
export interface UnionIR extends Base {
  kind: "union";
  variants: IR[];
  /** Wire name of a property whose enum tells the variants apart. */
  discriminator?: string;
}
/** A `#/components/schemas/…` reference, kept so that each component is emitted once. */
export interface RefIR extends Base {
  kind: "ref";
  name: string;
}
export type IR =
  | StringIR
  | NumberIR
  | BooleanIR
  | ArrayIR
  | ObjectIR
  | MapIR
  | UnionIR
  | RefIR
  | (Base & { kind: "null" | "unknown" | "binary" });

/** The SDK-only keys the generator understands, by where they may appear. */
export const LEAP0_SCHEMA_KEYS = [
  "x-leap0-trim",
  "x-leap0-minLength",
  "x-leap0-maxLength",
  "x-leap0-multipleOf",
  "x-leap0-secret",
  "x-leap0-pattern",
  "x-leap0-onlyWhen",
];
export const LEAP0_OPERATION_KEYS = ["x-leap0-retry", "x-leap0-exclusive", "x-leap0-together", "x-leap0-zeroTogether"];

const ANNOTATIONS = new Set([
  "description",
  "title",
  "example",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "externalDocs",
  "xml",
  "$comment",
  "summary",
]);
const SHAPE = new Set([
  "type",
  "format",
  "enum",
  "const",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "properties",
  "required",
  "additionalProperties",
  "allOf",
  "oneOf",
  "anyOf",
  "discriminator",
  "nullable",
  "$ref",
  "contentMediaType",
  "contentEncoding",
]);

/** String formats: enforced on params (see the emitter) or only documented. */
export const ENFORCED_STRING_FORMATS = new Set([
  "uri",
  "url",
  "ipv4",
  "ipv6",
  "cidr",
  "email",
  "uuid",
  "date-time",
  "date",
  "time",
  "duration",
  "byte",
  "hostname",
]);
const DOCUMENTED_STRING_FORMATS = new Set(["password", "uri-reference", "uri-template", "regex", "json-pointer"]);
/** Integer formats and the range they imply. int64 is a JS safe integer (never a bigint). */
const INT_FORMATS: Record<string, [number | undefined, number | undefined]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [undefined, undefined],
  uint64: [0, undefined],
};
const NUMBER_FORMATS = new Set(["float", "double", "decimal"]);

const isObj = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown, what: string): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new SpecError(`${what} must be a number`);
  return v;
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class Spec {
  readonly components = new Map<string, IR>();
  private readonly converting = new Set<string>();

  constructor(readonly doc: Node) {
    if (typeof doc.openapi !== "string" || !/^3\.[01]\./.test(doc.openapi)) {
      throw new SpecError(`unsupported OpenAPI version ${String(doc.openapi)} (3.0 or 3.1 expected)`);
    }
    checkLeap0Keys(doc);
  }

  /** The node a local `$ref` points to. */
  pointer(ref: string): unknown {
    if (!ref.startsWith("#/")) throw new SpecError(`only local $refs are supported: ${ref}`);
    let at: unknown = this.doc;
    for (const raw of ref.slice(2).split("/")) {
      const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      if (!isObj(at) || !(part in at)) throw new SpecError(`$ref ${ref} points nowhere`);
      at = at[part];
    }
    return at;
  }

  /** Follows `$ref`s until a node without one (sibling keys of a `$ref` are dropped here). */
  deref(node: unknown): Node {
    let n = node;
    for (let i = 0; isObj(n) && typeof n.$ref === "string"; i++) {
      if (i > 50) throw new SpecError(`$ref cycle at ${n.$ref}`);
      n = this.pointer(n.$ref);
    }
    if (!isObj(n)) throw new SpecError(`expected an object, found ${JSON.stringify(n)}`);
    return n;
  }

  /** The IR of one component schema (converted once). */
  component(name: string): IR {
    const done = this.components.get(name);
    if (done) return done;
    const schemas = isObj(this.doc.components) && isObj(this.doc.components.schemas) ? this.doc.components.schemas : {};
    if (!(name in schemas)) throw new SpecError(`no component schema ${name}`);
    if (this.converting.has(name)) return { kind: "ref", name }; // recursion: resolved by reference
    this.converting.add(name);
    const ir = this.schema(schemas[name], `#/components/schemas/${name}`);
    this.converting.delete(name);
    this.components.set(name, ir);
    return ir;
  }

  /** Every component schema, converted (so a rule in an unused component is checked too). */
  allComponents(): string[] {
    const schemas = isObj(this.doc.components) && isObj(this.doc.components.schemas) ? this.doc.components.schemas : {};
    const names = Object.keys(schemas).sort();
    for (const n of names) this.component(n);
    return names;
  }

  /** Follows references to components until a non-reference IR. */
  resolve(ir: IR): IR {
    let r = ir;
    for (let i = 0; r.kind === "ref"; i++) {
      if (i > 50) throw new SpecError(`component reference cycle at ${r.name}`);
      r = this.component(r.name);
    }
    return r;
  }

  schema(raw: unknown, where: string): IR {
    if (raw === undefined || raw === true) return { kind: "unknown" };
    if (!isObj(raw)) throw new SpecError(`${where}: a schema must be an object, found ${JSON.stringify(raw)}`);
    for (const k of Object.keys(raw)) {
      if (ANNOTATIONS.has(k) || SHAPE.has(k)) continue;
      if (k.startsWith("x-leap0-")) {
        if (!LEAP0_SCHEMA_KEYS.includes(k)) throw new SpecError(`${where}: ${k} is not a schema-level x-leap0 key`);
        continue;
      }
      if (k.startsWith("x-")) continue;
      throw new SpecError(`${where}: unsupported schema keyword "${k}"`);
    }
    const node = raw;

    if (typeof node.$ref === "string") {
      const siblings = Object.keys(node).filter((k) => k !== "$ref");
      const annotationOnly = siblings.every(
        (k) =>
          ANNOTATIONS.has(k) ||
          k === "nullable" ||
          k === "x-leap0-secret" ||
          (k.startsWith("x-") && !k.startsWith("x-leap0-")),
      );
      const m = /^#\/components\/schemas\/([^/]+)$/.exec(node.$ref);
      if (annotationOnly) {
        let target: IR;
        if (m?.[1]) {
          const name = decodeURIComponent(m[1]).replace(/~1/g, "/").replace(/~0/g, "~");
          this.component(name);
          target = { kind: "ref", name };
        } else {
          target = this.schema(this.pointer(node.$ref), node.$ref);
        }
        return withBase(target, node);
      }
      // Validation keywords beside a $ref narrow it: the result is a new, inline shape.
      const { $ref: _, ...rest } = node;
      return this.schema(mergeSchemas(this.flatten(this.pointer(node.$ref)), rest, where), where);
    }

    if (Array.isArray(node.allOf)) {
      const { allOf, ...rest } = node;
      let merged: Node = {};
      for (const [i, part] of (allOf as unknown[]).entries()) {
        merged = mergeSchemas(merged, this.flatten(part), `${where}/allOf/${i}`);
      }
      return this.schema(mergeSchemas(merged, rest, where), where);
    }

    const alts = node.oneOf ?? node.anyOf;
    if (alts !== undefined) {
      if (node.oneOf && node.anyOf) throw new SpecError(`${where}: both oneOf and anyOf`);
      if (!Array.isArray(alts) || alts.length === 0) throw new SpecError(`${where}: empty oneOf/anyOf`);
      const { oneOf: _o, anyOf: _a, discriminator, ...base } = node;
      const withShape = Object.keys(base).some((k) => SHAPE.has(k) && k !== "type" && k !== "nullable");
      let nullable = base.nullable === true || (Array.isArray(base.type) && base.type.includes("null"));
      const variants: IR[] = [];
      for (const [i, alt] of alts.entries()) {
        const at = `${where}/${node.oneOf ? "oneOf" : "anyOf"}/${i}`;
        const d = this.flatten(alt);
        if (isNullOnly(d)) {
          nullable = true;
          continue;
        }
        const ir = withShape ? this.schema(mergeSchemas(stripAnnotations(base), d, at), at) : this.schema(alt, at);
        variants.push(ir);
      }
      let ir: IR;
      if (variants.length === 0) ir = { kind: "null" };
      else if (variants.length === 1) ir = variants[0] as IR;
      else {
        const disc = isObj(discriminator) ? discriminator.propertyName : undefined;
        ir = { kind: "union", variants, discriminator: this.discriminator(variants, disc as string | undefined) };
      }
      const out = withBase(ir, base);
      if (nullable) out.nullable = true;
      return out;
    }

    let types: string[];
    if (node.type === undefined) types = inferTypes(node);
    else if (Array.isArray(node.type)) types = node.type.map(String);
    else types = [String(node.type)];
    let nullable = node.nullable === true || types.includes("null");
    let values = Array.isArray(node.enum) ? [...node.enum] : node.const !== undefined ? [node.const] : undefined;
    if (values?.includes(null)) {
      nullable = true;
      values = values.filter((v) => v !== null);
    }
    types = types.filter((t) => t !== "null");
    let ir: IR;
    if (types.length === 0) ir = { kind: nullable && (node.type !== undefined || values) ? "null" : "unknown" };
    else if (types.length === 1) ir = this.typed(node, types[0] as string, values, where);
    else ir = { kind: "union", variants: types.map((t) => this.typed(node, t, values, where)) };
    const out = withBase(ir, node);
    if (nullable && out.kind !== "null") out.nullable = true;
    else delete out.nullable;
    return out;
  }

  /** A node with its `$ref`s and `allOf`s resolved into one plain schema (for merging). */
  private flatten(node: unknown): Node {
    const d = this.deref(node);
    if (!Array.isArray(d.allOf)) return d;
    const { allOf, ...rest } = d;
    let merged: Node = {};
    for (const part of allOf as unknown[]) merged = mergeSchemas(merged, this.flatten(part), "allOf");
    return mergeSchemas(merged, rest, "allOf");
  }

  private typed(node: Node, type: string, values: unknown[] | undefined, where: string): IR {
    const leap0 = (k: string) => node[`x-leap0-${k}`];
    const only = (allowed: string[]) => {
      for (const k of LEAP0_SCHEMA_KEYS) {
        if (k === "x-leap0-secret") continue; // checked against the kind of value in withBase()
        if (node[k] !== undefined && !allowed.includes(k))
          throw new SpecError(`${where}: ${k} does not apply to ${type}`);
      }
    };
    switch (type) {
      case "string": {
        only(["x-leap0-trim", "x-leap0-minLength", "x-leap0-maxLength", "x-leap0-pattern"]);
        const format = node.format === undefined ? undefined : String(node.format);
        if (format === "binary" || (node.contentMediaType !== undefined && node.contentEncoding === undefined)) {
          return { kind: "binary" };
        }
        if (format && !ENFORCED_STRING_FORMATS.has(format) && !DOCUMENTED_STRING_FORMATS.has(format)) {
          throw new SpecError(`${where}: unknown string format "${format}"`);
        }
        if (values?.some((v) => typeof v !== "string"))
          throw new SpecError(`${where}: a string enum holds a non-string`);
        const ir: StringIR = { kind: "string" };
        if (format) ir.format = format;
        const minLength = tighter(num(node.minLength, `${where} minLength`), num(leap0("minLength"), where), Math.max);
        const maxLength = tighter(num(node.maxLength, `${where} maxLength`), num(leap0("maxLength"), where), Math.min);
        if (minLength !== undefined) ir.minLength = minLength;
        if (maxLength !== undefined) ir.maxLength = maxLength;
        if (node.pattern !== undefined) {
          if (typeof node.pattern !== "string") throw new SpecError(`${where}: pattern must be a string`);
          new RegExp(node.pattern); // throws on a pattern JavaScript cannot run
          ir.pattern = node.pattern;
        }
        const own = leap0("pattern");
        if (own !== undefined) {
          if (!isObj(own) || typeof own.pattern !== "string" || typeof own.message !== "string")
            throw new SpecError(`${where}: x-leap0-pattern must be { pattern, message }`);
          if (ir.pattern !== undefined) throw new SpecError(`${where}: both pattern and x-leap0-pattern`);
          new RegExp(own.pattern);
          ir.pattern = own.pattern;
          ir.patternMessage = own.message;
        }
        const trim = leap0("trim");
        if (trim !== undefined && typeof trim !== "boolean")
          throw new SpecError(`${where}: x-leap0-trim must be true/false`);
        if (trim) ir.trim = true;
        if (values) ir.enum = values as string[];
        return ir;
      }
      case "integer":
      case "number": {
        only(["x-leap0-multipleOf"]);
        const int = type === "integer";
        const format = node.format === undefined ? undefined : String(node.format);
        let implied: [number | undefined, number | undefined] = [undefined, undefined];
        if (format !== undefined) {
          const known = int ? INT_FORMATS[format] : NUMBER_FORMATS.has(format) ? implied : INT_FORMATS[format];
          if (!known) throw new SpecError(`${where}: unknown ${type} format "${format}"`);
          implied = known;
        }
        const ir: NumberIR = { kind: "number", int };
        if (format) ir.format = format;
        let exMin: number | undefined;
        let exMax: number | undefined;
        let min = num(node.minimum, `${where} minimum`);
        let max = num(node.maximum, `${where} maximum`);
        // 3.0 style: exclusiveMinimum: true turns minimum exclusive.
        if (node.exclusiveMinimum === true) [exMin, min] = [min, undefined];
        else if (node.exclusiveMinimum !== false) exMin = num(node.exclusiveMinimum, `${where} exclusiveMinimum`);
        if (node.exclusiveMaximum === true) [exMax, max] = [max, undefined];
        else if (node.exclusiveMaximum !== false) exMax = num(node.exclusiveMaximum, `${where} exclusiveMaximum`);
        if (exMin === undefined || (implied[0] !== undefined && exMin < implied[0])) {
          min = tighter(min, implied[0], Math.max);
        }
        if (exMax === undefined || (implied[1] !== undefined && exMax > implied[1])) {
          max = tighter(max, implied[1], Math.min);
        }
        if (min !== undefined) ir.minimum = min;
        if (max !== undefined) ir.maximum = max;
        if (exMin !== undefined) ir.exclusiveMinimum = exMin;
        if (exMax !== undefined) ir.exclusiveMaximum = exMax;
        const m1 = num(node.multipleOf, `${where} multipleOf`);
        const m2 = num(leap0("multipleOf"), `${where} x-leap0-multipleOf`);
        if (m1 !== undefined && m2 !== undefined && m1 !== m2) {
          throw new SpecError(`${where}: multipleOf ${m1} and x-leap0-multipleOf ${m2} disagree`);
        }
        const m = m1 ?? m2;
        if (m !== undefined) {
          if (!(m > 0)) throw new SpecError(`${where}: multipleOf must be positive`);
          ir.multipleOf = m;
        }
        if (values) {
          if (values.some((v) => typeof v !== "number"))
            throw new SpecError(`${where}: a numeric enum holds a non-number`);
          ir.enum = values as number[];
        }
        return ir;
      }
      case "boolean": {
        only([]);
        if (values?.some((v) => typeof v !== "boolean"))
          throw new SpecError(`${where}: a boolean enum holds a non-boolean`);
        return values ? { kind: "boolean", enum: values as boolean[] } : { kind: "boolean" };
      }
      case "array": {
        only(["x-leap0-minLength", "x-leap0-maxLength"]);
        const ir: ArrayIR = { kind: "array", items: this.schema(node.items, `${where}/items`) };
        const minItems = tighter(num(node.minItems, where), num(leap0("minLength"), where), Math.max);
        const maxItems = tighter(num(node.maxItems, where), num(leap0("maxLength"), where), Math.min);
        if (minItems !== undefined) ir.minItems = minItems;
        if (maxItems !== undefined) ir.maxItems = maxItems;
        if (node.uniqueItems === true) ir.unique = true;
        if (values) throw new SpecError(`${where}: enum on an array is not supported`);
        return ir;
      }
      case "object": {
        only(["x-leap0-onlyWhen"]);
        if (values) throw new SpecError(`${where}: enum on an object is not supported`);
        const properties = isObj(node.properties) ? node.properties : {};
        const required = Array.isArray(node.required) ? node.required.map(String) : [];
        const extra = node.additionalProperties;
        const names = Object.keys(properties);
        for (const r of required) if (!names.includes(r)) names.push(r); // required without a schema: any value
        if (names.length === 0) {
          if (extra === false) return { kind: "object", props: [] };
          return { kind: "map", values: this.schema(extra, `${where}/additionalProperties`) };
        }
        if (
          extra !== undefined &&
          extra !== false &&
          extra !== true &&
          !(isObj(extra) && Object.keys(extra).length === 0)
        ) {
          throw new SpecError(`${where}: additionalProperties with a schema beside properties is not supported`);
        }
        const props: Prop[] = [];
        const seen = new Map<string, string>();
        for (const wire of names) {
          const c = camel(wire);
          const clash = seen.get(c);
          if (clash !== undefined) throw new SpecError(`${where}: properties ${clash} and ${wire} both become ${c}`);
          seen.set(c, wire);
          props.push({
            wire,
            camel: c,
            schema: this.schema(properties[wire], `${where}/properties/${wire}`),
            required: required.includes(wire),
          });
        }
        const ir: ObjectIR = { kind: "object", props };
        if (extra === true || isObj(extra)) ir.open = true;
        const onlyWhen = leap0("onlyWhen");
        if (onlyWhen !== undefined) {
          if (!isObj(onlyWhen)) throw new SpecError(`${where}: x-leap0-onlyWhen must map fields to conditions`);
          ir.onlyWhen = Object.entries(onlyWhen).map(([field, cond]) => {
            const [other, values] = isObj(cond) ? (Object.entries(cond)[0] ?? []) : [];
            if (!isObj(cond) || Object.keys(cond).length !== 1 || !Array.isArray(values) || typeof other !== "string")
              throw new SpecError(`${where}: x-leap0-onlyWhen.${field} must be { otherField: [values] }`);
            for (const name of [field, other]) {
              if (!names.includes(name))
                throw new SpecError(`${where}: x-leap0-onlyWhen names ${name}, no property here`);
            }
            return { field, other, values };
          });
        }
        return ir;
      }
      default:
        throw new SpecError(`${where}: unknown type "${type}"`);
    }
  }

  /** The wire name of a property whose enum values tell every variant apart, if there is one. */
  private discriminator(variants: IR[], preferred: string | undefined): string | undefined {
    const objects = variants.map((v) => this.resolve(v));
    if (!objects.every((o): o is ObjectIR => o.kind === "object")) return undefined;
    const first = objects[0] as ObjectIR;
    const candidates = preferred ? [preferred] : first.props.map((p) => p.wire);
    for (const name of candidates) {
      const seen = new Set<unknown>();
      const ok = objects.every((o) => {
        const p = o.props.find((q) => q.wire === name);
        if (!p?.required) return false;
        const s = this.resolve(p.schema);
        const vals = s.kind === "string" || s.kind === "number" || s.kind === "boolean" ? s.enum : undefined;
        if (!vals || s.nullable) return false;
        for (const v of vals) {
          if (seen.has(v)) return false;
          seen.add(v);
        }
        return true;
      });
      if (ok) return name;
    }
    return undefined;
  }
}

function tighter(a: number | undefined, b: number | undefined, pick: (x: number, y: number) => number) {
  return a === undefined ? b : b === undefined ? a : pick(a, b);
}

function inferTypes(node: Node): string[] {
  if (node.properties !== undefined || node.additionalProperties !== undefined || node.required !== undefined) {
    return ["object"];
  }
  if (node.items !== undefined) return ["array"];
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  if (values) {
    const kinds = new Set(
      values.map((v) =>
        v === null ? "null" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v,
      ),
    );
    if (kinds.has("number")) kinds.delete("integer");
    return [...kinds];
  }
  if (node.minLength !== undefined || node.maxLength !== undefined || node.pattern !== undefined) return ["string"];
  if (node.minimum !== undefined || node.maximum !== undefined) return ["number"];
  return [];
}

function isNullOnly(n: Node): boolean {
  return n.type === "null" || (Array.isArray(n.enum) && n.enum.length === 1 && n.enum[0] === null) || n.const === null;
}

function stripAnnotations(n: Node): Node {
  return Object.fromEntries(Object.entries(n).filter(([k]) => !ANNOTATIONS.has(k)));
}

/** Copies the annotations of `node` (description, default, nullable, …) onto a copy of `ir`. */
function withBase<T extends IR>(ir: T, node: Node): T {
  const out = { ...ir };
  const secret = node["x-leap0-secret"];
  if (secret !== undefined) {
    if (!SECRET_KINDS.includes(secret as SecretKind)) {
      throw new SpecError(`x-leap0-secret must be one of ${SECRET_KINDS.join(", ")}, not ${JSON.stringify(secret)}`);
    }
    const fits = secret === "header-values" ? ir.kind === "map" : ir.kind === "string" || ir.kind === "ref";
    if (!fits) throw new SpecError(`x-leap0-secret: ${secret} does not apply to a ${ir.kind}`);
    out.secret = secret as SecretKind;
  }
  if (typeof node.description === "string") out.description = node.description.trim();
  if (typeof node.title === "string" && !out.title) out.title = node.title;
  if (node.default !== undefined) out.default = node.default;
  if (node.deprecated === true) out.deprecated = true;
  if (node.readOnly === true) out.readOnly = true;
  if (node.writeOnly === true) out.writeOnly = true;
  if (node.nullable === true) out.nullable = true;
  return out;
}

/** Merges two plain schemas as `allOf` would (properties merged, required united, enums intersected). */
export function mergeSchemas(a: Node, b: Node, where: string): Node {
  const out: Node = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (prev === undefined) {
      out[k] = v;
      continue;
    }
    if (k === "properties" && isObj(prev) && isObj(v)) {
      const props: Node = { ...prev };
      for (const [name, schema] of Object.entries(v)) {
        const before = props[name];
        props[name] =
          before === undefined || (isObj(before) && Object.keys(before).length === 0)
            ? schema
            : isObj(before) && isObj(schema) && !before.$ref && !schema.$ref
              ? mergeSchemas(before, schema, `${where}/properties/${name}`)
              : { allOf: [before, schema] };
      }
      out.properties = props;
    } else if (k === "required" && Array.isArray(prev) && Array.isArray(v)) {
      out.required = [...new Set([...prev, ...v])];
    } else if (k === "enum" && Array.isArray(prev) && Array.isArray(v)) {
      out.enum = prev.filter((x) => v.some((y) => same(x, y)));
    } else if (ANNOTATIONS.has(k)) {
      out[k] = v; // the narrower schema's words win
    } else if (!same(prev, v)) {
      throw new SpecError(`${where}: cannot merge ${k} ${JSON.stringify(prev)} with ${JSON.stringify(v)}`);
    }
  }
  return out;
}

/** Rejects an `x-leap0-…` key the generator does not know, or one in a place where it means nothing. */
function checkLeap0Keys(doc: Node): void {
  const walk = (n: unknown, path: string[]) => {
    if (Array.isArray(n)) {
      n.forEach((x, i) => {
        walk(x, [...path, String(i)]);
      });
      return;
    }
    if (!isObj(n)) return;
    const isOperation =
      path.length === 3 &&
      path[0] === "paths" &&
      /^(get|put|post|delete|options|head|patch|trace)$/.test(path[2] ?? "");
    for (const [k, v] of Object.entries(n)) {
      if (k.startsWith("x-leap0-")) {
        const at = `#/${path.join("/")}`;
        if (isOperation) {
          if (!LEAP0_OPERATION_KEYS.includes(k)) {
            throw new SpecError(`${at}: unknown operation key ${k} (known: ${LEAP0_OPERATION_KEYS.join(", ")})`);
          }
        } else if (!LEAP0_SCHEMA_KEYS.includes(k)) {
          const all = [...LEAP0_SCHEMA_KEYS, ...LEAP0_OPERATION_KEYS].join(", ");
          throw new SpecError(`${at}: unknown or misplaced key ${k} (known: ${all})`);
        } else if (path[0] === "paths" && path.length <= 3) {
          throw new SpecError(`${at}: ${k} belongs on a schema or a parameter, not here`);
        }
      }
      walk(v, [...path, k]);
    }
  };
  walk(doc, []);
}
