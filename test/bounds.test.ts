/**
 * The zod checks and openapi.yaml must state the same bounds, enums and fields, so neither can
 * drift alone. Both are flattened to `path → {bounds}` and compared; the few rules the SDK adds on
 * purpose (stated in the contract's prose or by Leap0's other SDKs, not in its schema) are listed
 * here and nowhere else.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import * as z from "zod/mini";
import { paramSchemas } from "../src/schemas/params";

const { createSandboxParams, createSnapshotParams, listSandboxesParams, listSnapshotsParams, restoreSnapshotParams } =
  paramSchemas();

type Node = Record<string, unknown>;
const spec = parse(readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8")) as Node;
const KEYS = ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "enum"] as const;

function resolve(node: Node): Node {
  let n = node;
  while (typeof n.$ref === "string") {
    n = n.$ref
      .slice(2)
      .split("/")
      .reduce<Node>((acc, part) => acc[part] as Node, spec);
  }
  return n;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** path → the bounds stated there; every field appears, even with no bounds. */
function flatten(node: Node, path: string, out: Map<string, Node>, keyName: (k: string) => string): Map<string, Node> {
  const n = resolve(node);
  const here = out.get(path) ?? {};
  for (const k of KEYS) {
    const v = n[k];
    // zod states "any safe integer" for unbounded ints; the spec says nothing.
    if (v !== undefined && !(typeof v === "number" && Math.abs(v) === Number.MAX_SAFE_INTEGER)) here[k] = v;
  }
  if (n.const !== undefined) here.enum = [n.const];
  out.set(path, here);
  for (const alt of [...((n.anyOf as Node[]) ?? []), ...((n.oneOf as Node[]) ?? [])]) {
    if (resolve(alt).type !== "null") flatten(alt, path, out, keyName);
  }
  for (const [k, v] of Object.entries((n.properties as Record<string, Node>) ?? {})) {
    flatten(v, `${path}.${keyName(k)}`, out, keyName);
  }
  if (n.items) flatten(n.items as Node, `${path}[]`, out, keyName);
  if (n.additionalProperties && typeof n.additionalProperties === "object") {
    flatten(n.additionalProperties as Node, `${path}{}`, out, keyName);
  }
  return out;
}

function fromZod(schema: z.ZodMiniType, keyName = snake): Map<string, Node> {
  return flatten(z.toJSONSchema(schema, { unrepresentable: "any" }) as Node, "", new Map(), keyName);
}

function fromSpec(schemaName: string): Map<string, Node> {
  const schemas = (spec.components as Node).schemas as Record<string, Node>;
  return flatten(schemas[schemaName] as Node, "", new Map(), (k) => k);
}

function fromQuery(path: string): Map<string, Node> {
  const op = ((spec.paths as Node)[path] as Node).get as Node;
  const props: Record<string, Node> = {};
  for (const p of op.parameters as Node[]) {
    const param = resolve(p);
    props[param.name as string] = param.schema as Node;
  }
  return flatten({ type: "object", properties: props }, "", new Map(), (k) => k);
}

const queryName = (k: string) => ({ orderBy: "order-by", pageSize: "page-size" })[k] ?? k;

// Rules the SDK adds on purpose, beyond the schema. Each says why.
const SDK_ONLY: Record<string, Record<string, Node>> = {
  SandboxCreateRequest: {
    // A blank template name can never boot; refused before sending.
    ".template_name": { minLength: 1 },
  },
  SnapshotCreateRequest: {
    // Names are trimmed, non-empty and at most 64 characters, as in Leap0's other SDKs (the
    // list filter `query` has the same 64 limit).
    ".name": { minLength: 1, maxLength: 64 },
  },
  SnapshotRestoreRequest: { ".snapshot_name": { minLength: 1, maxLength: 64 } },
};

function compare(zodSide: Map<string, Node>, specSide: Map<string, Node>, extras: Record<string, Node> = {}) {
  expect([...zodSide.keys()].sort()).toEqual([...specSide.keys()].sort());
  for (const [path, specBounds] of specSide) {
    const expected = { ...specBounds, ...extras[path] };
    const actual = zodSide.get(path) ?? {};
    const norm = (b: Node) =>
      Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v]));
    expect({ path, ...norm(actual) }).toEqual({ path, ...norm(expected) });
  }
}

describe("zod bounds equal openapi.yaml bounds", () => {
  test("sandboxes.create ↔ SandboxCreateRequest", () => {
    compare(fromZod(createSandboxParams), fromSpec("SandboxCreateRequest"), SDK_ONLY.SandboxCreateRequest);
  });
  test("createSnapshot ↔ SnapshotCreateRequest", () => {
    compare(fromZod(createSnapshotParams), fromSpec("SnapshotCreateRequest"), SDK_ONLY.SnapshotCreateRequest);
  });
  test("snapshots.restore ↔ SnapshotRestoreRequest", () => {
    compare(fromZod(restoreSnapshotParams), fromSpec("SnapshotRestoreRequest"), SDK_ONLY.SnapshotRestoreRequest);
  });
  test("sandboxes.list ↔ listSandboxes query", () => {
    compare(fromZod(listSandboxesParams, queryName), fromQuery("/v1/sandboxes"));
  });
  test("snapshots.list ↔ listSnapshots query", () => {
    compare(fromZod(listSnapshotsParams, queryName), fromQuery("/v1/snapshots"));
  });
  test("the comparison notices a drifted bound", () => {
    const drifted = z.strictObject({
      ...restoreSnapshotParams.def.shape,
      timeout: z.optional(z.int().check(z.minimum(1), z.maximum(600))),
    });
    expect(() =>
      compare(fromZod(drifted), fromSpec("SnapshotRestoreRequest"), SDK_ONLY.SnapshotRestoreRequest),
    ).toThrow();
  });
});
