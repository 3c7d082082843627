/**
 * Sample params built from openapi.yaml itself (bounds, enums, formats, the SDK-only rules), in
 * the camelCase the SDK takes: what the operation tests and the mock's contract test send.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { camel } from "../../src/core/keys";

type Node = Record<string, unknown>;

/** openapi.yaml, parsed. */
export const SPEC = parse(readFileSync(new URL("../../openapi.yaml", import.meta.url), "utf8")) as Node;
const spec = SPEC;

/** A node with its `$ref`s followed. */
export function resolve(node: Node | undefined): Node {
  let n = node ?? {};
  while (typeof n.$ref === "string") {
    n = n.$ref
      .slice(2)
      .split("/")
      .reduce<Node>((acc, part) => acc[part] as Node, spec);
  }
  return n;
}

/** A valid value for a schema, honouring its bounds, enums and formats. */
export function sample(schemaIn: Node | undefined, all: boolean, depth = 0): unknown {
  const schema = resolve(schemaIn);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
  if (alternatives) {
    const first = alternatives.map(resolve).find((a) => a.type !== "null") ?? {};
    // A base object with variants (the variant fixes a discriminator and adds required fields).
    const merged: Node = { ...schema, anyOf: undefined, oneOf: undefined, ...first };
    if (schema.properties) {
      merged.properties = { ...(schema.properties as Node), ...((first.properties as Node) ?? {}) };
      merged.required = [...((schema.required as string[]) ?? []), ...((first.required as string[]) ?? [])];
      merged.type = "object";
    }
    return sample(merged, all, depth);
  }
  if (schema.allOf) {
    const merged: Node = { type: "object", properties: {}, required: [] };
    for (const part of (schema.allOf as Node[]).map(resolve)) {
      Object.assign(merged.properties as Node, part.properties ?? {});
      (merged.required as string[]).push(...((part.required as string[]) ?? []));
    }
    return sample(merged, all, depth);
  }
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null);
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string": {
      if (schema.format === "uri") return "https://example.com/x";
      if (schema.format === "cidr") return "10.0.0.0/8";
      if (schema.format === "date-time") return "2026-11-25T10:00:00Z";
      const min = (schema.minLength as number) ?? 1;
      const own = schema["x-leap0-pattern"] as { pattern: string } | undefined;
      if (own) {
        // The first simple value the SDK-only pattern accepts.
        const fits = ["a", "a/", "data/"].find((v) => new RegExp(own.pattern).test(v));
        if (!fits) throw new Error(`no sample fits x-leap0-pattern ${own.pattern}`);
        return fits;
      }
      return "a".repeat(Math.max(min, 1));
    }
    case "integer":
    case "number": {
      let n = (schema.minimum as number) ?? (schema.exclusiveMinimum as number) + 1;
      if (Number.isNaN(n) || n === undefined) n = 1;
      if (schema.maximum !== undefined && n > (schema.maximum as number)) n = schema.maximum as number;
      const step = (schema["x-leap0-multipleOf"] as number) ?? (schema.multipleOf as number);
      if (step && n % step !== 0) n += step - (n % step);
      return n;
    }
    case "boolean":
      return true;
    case "array": {
      const count = Math.max((schema.minItems as number) ?? 0, all ? 1 : 0);
      return Array.from({ length: count }, () => sample(schema.items as Node, all, depth + 1));
    }
    default: {
      const props = (schema.properties as Record<string, Node>) ?? {};
      const required = new Set((schema.required as string[]) ?? []);
      if (!schema.properties && schema.additionalProperties && typeof schema.additionalProperties === "object") {
        // A free-form map: its keys are data and keep their spelling.
        return all ? { SOME_KEY: sample(schema.additionalProperties as Node, all, depth + 1) } : {};
      }
      const out: Node = {};
      for (const [k, v] of Object.entries(props)) {
        if (!required.has(k) && (!all || depth > 4)) continue;
        if (resolve(v).readOnly) continue;
        out[camel(k)] = sample(v, all, depth + 1);
      }
      // A field given only while another has some value (x-leap0-onlyWhen): give it that value.
      const onlyWhen = (schema["x-leap0-onlyWhen"] as Record<string, Record<string, unknown[]>>) ?? {};
      for (const [field, cond] of Object.entries(onlyWhen)) {
        const [other, values] = Object.entries(cond)[0] ?? [];
        if (other && out[camel(field)] !== undefined) out[camel(other)] = values?.[0];
      }
      return out;
    }
  }
}
