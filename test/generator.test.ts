/**
 * The generated checks, key maps and operation facts say exactly what openapi.yaml says.
 *
 * For every operation, the spec's params (query, header and body fields, with the SDK-only
 * `x-leap0-…` rules) and the generated zod check are each flattened to `path → facts` (type,
 * bounds, enum, format, nullability, required) and compared. The spec side is read here, by its
 * own small walker, not by the generator. A drifted copy of the spec must fail the comparison.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import * as z from "zod/mini";
import * as generated from "../generated/operations";
import { emit } from "../scripts/generate/emit";
import { SpecError } from "../scripts/generate/names";
import { camel, fromWire, toWire, toWireRequest } from "../src/core/keys";

type J = Record<string, unknown>;
type Op = generated.Operation;
/** path → fact name → the values stated there (sorted, JSON). */
type Flat = Map<string, Map<string, Set<string>>>;

const SPEC_TEXT = readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8");
const SPEC = parse(SPEC_TEXT) as J;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];
const BOUNDS = [
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "pattern",
] as const;
const isObj = (v: unknown): v is J => typeof v === "object" && v !== null && !Array.isArray(v);

function note(out: Flat, path: string, fact?: string, value?: unknown): void {
  const facts = out.get(path) ?? new Map<string, Set<string>>();
  out.set(path, facts);
  if (fact === undefined) return;
  const set = facts.get(fact) ?? new Set<string>();
  facts.set(fact, set);
  set.add(JSON.stringify(value));
}

function plain(flat: Flat): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [path, facts] of [...flat].sort(([a], [b]) => a.localeCompare(b))) {
    out[path] = Object.fromEntries(
      [...facts].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]),
    );
  }
  return out;
}

// ── the spec side ────────────────────────────────────────────────────────────

function pointer(doc: J, ref: string): J {
  return ref
    .slice(2)
    .split("/")
    .reduce<J>((acc, part) => acc[part.replace(/~1/g, "/").replace(/~0/g, "~")] as J, doc);
}

const INT_FORMAT: Record<string, [number?, number?]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, undefined],
};

/** The facts a schema of the spec states, with the SDK-only rules folded in. */
function specFlat(doc: J, raw: unknown, path: string, out: Flat, stack: string[], side: "params"): void {
  note(out, path);
  if (!isObj(raw)) return;
  let n = raw;
  if (typeof n.$ref === "string") {
    if (stack.includes(n.$ref)) return; // recursion: the first pass said it all
    const { $ref, ...siblings } = n;
    specFlat(doc, { ...pointer(doc, $ref), ...siblings }, path, out, [...stack, $ref], side);
    return;
  }
  if (Array.isArray(n.allOf)) {
    const { allOf, ...rest } = n;
    for (const part of allOf) specFlat(doc, part, path, out, stack, side);
    n = rest;
  }
  const alts = (n.oneOf ?? n.anyOf) as unknown[] | undefined;
  if (alts) {
    const { oneOf: _o, anyOf: _a, discriminator: _d, ...base } = n;
    for (const alt of alts) {
      const a = isObj(alt) && typeof alt.$ref === "string" ? pointer(doc, alt.$ref) : (alt as J);
      if (a.type === "null") note(out, path, "nullable", true);
      else specFlat(doc, alt, path, out, stack, side);
    }
    n = base;
  }
  const types = (Array.isArray(n.type) ? n.type : n.type === undefined ? [] : [n.type]) as string[];
  if (types.includes("null") || n.nullable === true) note(out, path, "nullable", true);
  const values = (Array.isArray(n.enum) ? n.enum : n.const !== undefined ? [n.const] : []).filter((v) => v !== null);
  if (Array.isArray(n.enum) && n.enum.includes(null)) note(out, path, "nullable", true);
  for (const v of values) note(out, path, "enum", v);
  if (!values.length) for (const t of types) if (t !== "null") note(out, path, "type", t);
  const fmt = n.format === "url" ? "uri" : n.format;
  if (typeof fmt === "string" && ["uri", "ipv4", "ipv6", "cidr", "email", "uuid", "date-time", "date"].includes(fmt)) {
    note(out, path, "format", fmt);
  }
  const b: Record<string, unknown> = {};
  for (const k of BOUNDS) if (n[k] !== undefined) b[k] = n[k];
  if (n.exclusiveMinimum === true) [b.exclusiveMinimum, b.minimum] = [n.minimum, undefined];
  if (n.exclusiveMaximum === true) [b.exclusiveMaximum, b.maximum] = [n.maximum, undefined];
  const [lo, hi] = INT_FORMAT[String(n.format)] ?? [];
  if (types.includes("integer")) {
    if (lo !== undefined && b.exclusiveMinimum === undefined) b.minimum = Math.max(lo, (b.minimum as number) ?? lo);
    if (hi !== undefined && b.exclusiveMaximum === undefined) b.maximum = Math.min(hi, (b.maximum as number) ?? hi);
  }
  // SDK-only rules (the comment block at the top of openapi.yaml).
  const xMin = n["x-leap0-minLength"] as number | undefined;
  const xMax = n["x-leap0-maxLength"] as number | undefined;
  const lenMin = types.includes("array") ? "minItems" : "minLength";
  const lenMax = types.includes("array") ? "maxItems" : "maxLength";
  if (xMin !== undefined) b[lenMin] = Math.max(xMin, (b[lenMin] as number) ?? xMin);
  if (xMax !== undefined) b[lenMax] = Math.min(xMax, (b[lenMax] as number) ?? xMax);
  if (n["x-leap0-multipleOf"] !== undefined) b.multipleOf = n["x-leap0-multipleOf"];
  if (isObj(n["x-leap0-pattern"])) b.pattern = n["x-leap0-pattern"].pattern;
  // As zod reports it: a RegExp's source (which escapes "/").
  if (typeof b.pattern === "string") b.pattern = new RegExp(b.pattern).source;
  for (const [k, v] of Object.entries(b)) if (v !== undefined && !values.length) note(out, path, k, v);

  const props = isObj(n.properties) ? n.properties : undefined;
  for (const r of (n.required as string[] | undefined) ?? []) note(out, path, "required", camel(r));
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      const target = isObj(v) && typeof v.$ref === "string" ? pointer(doc, v.$ref) : (v as J);
      if (target.readOnly === true || (isObj(v) && v.readOnly === true)) continue;
      specFlat(doc, v, `${path}.${camel(k)}`, out, stack, side);
    }
  } else if (types.includes("object") || n.additionalProperties !== undefined) {
    specFlat(doc, n.additionalProperties ?? {}, `${path}{}`, out, stack, side);
  }
  if (n.items !== undefined) specFlat(doc, n.items, `${path}[]`, out, stack, side);
}

interface SpecOp {
  id: string;
  method: string;
  path: string;
  item: J;
  op: J;
  params: J[];
}

function specOps(doc: J): SpecOp[] {
  const list: SpecOp[] = [];
  for (const [path, item] of Object.entries(doc.paths as J)) {
    for (const m of METHODS) {
      const op = (item as J)[m] as J | undefined;
      if (!op) continue;
      const byKey = new Map<string, J>();
      for (const p of [...(((item as J).parameters as J[]) ?? []), ...((op.parameters as J[]) ?? [])]) {
        const param = typeof p.$ref === "string" ? pointer(doc, p.$ref) : p;
        byKey.set(`${String(param.in)}:${String(param.name)}`, param);
      }
      list.push({
        id: op.operationId as string,
        method: m.toUpperCase(),
        path,
        item: item as J,
        op,
        params: [...byKey.values()],
      });
    }
  }
  return list;
}

/** An operation's params as one object schema: query and header params, then the body's fields. */
function specParams(doc: J, o: SpecOp): Flat {
  const properties: J = {};
  const required: string[] = [];
  for (const p of o.params) {
    if (p.in === "path") continue;
    const extra = Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith("x-leap0-")));
    properties[p.name as string] = { ...(p.schema as J), ...extra };
    if (p.required === true) required.push(p.name as string);
  }
  const rb = o.op.requestBody as J | undefined;
  const content = rb ? ((typeof rb.$ref === "string" ? pointer(doc, rb.$ref) : rb).content as J) : {};
  for (const [type, media] of Object.entries(content)) {
    if (type !== "application/json" && !type.startsWith("multipart/")) continue;
    let schema = (media as J).schema as J;
    const seen: string[] = [];
    while (typeof schema.$ref === "string") {
      seen.push(schema.$ref);
      schema = pointer(doc, schema.$ref);
    }
    for (const [k, v] of Object.entries((schema.properties as J) ?? {})) {
      const t = isObj(v) && typeof v.$ref === "string" ? pointer(doc, v.$ref) : (v as J);
      if (t.readOnly === true || t.format === "binary") continue; // files travel beside the params
      if (t.type === "array" && isObj(t.items) && t.items.format === "binary") continue;
      properties[k] = v;
      if (((schema.required as string[]) ?? []).includes(k)) required.push(k);
    }
  }
  const out: Flat = new Map();
  specFlat(doc, { type: "object", properties, required }, "", out, [], "params");
  return out;
}

// ── the zod side ─────────────────────────────────────────────────────────────

function zodFlat(root: J, node: unknown, path: string, out: Flat, stack: unknown[]): void {
  note(out, path);
  if (!isObj(node)) return;
  if (typeof node.$ref === "string") {
    const target = node.$ref === "#" ? root : pointer(root, node.$ref);
    if (stack.includes(target)) return;
    zodFlat(root, target, path, out, [...stack, target]);
    return;
  }
  for (const alt of ((node.anyOf ?? node.oneOf) as unknown[] | undefined) ?? []) {
    if (isObj(alt) && alt.type === "null") note(out, path, "nullable", true);
    else zodFlat(root, alt, path, out, stack);
  }
  const types = (Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type]) as string[];
  if (types.includes("null")) note(out, path, "nullable", true);
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : [];
  for (const v of values) note(out, path, "enum", v);
  if (!values.length) for (const t of types) if (t !== "null") note(out, path, "type", t);
  const format = typeof node.format === "string" ? node.format.replace(/^cidrv[46]$/, "cidr") : undefined;
  if (format) note(out, path, "format", format);
  if (!values.length) {
    for (const k of BOUNDS) {
      const v = node[k];
      if (v === undefined) continue;
      if (k === "pattern" && format) continue; // zod spells its formats as patterns too
      if ((k === "minimum" || k === "maximum") && Math.abs(v as number) === Number.MAX_SAFE_INTEGER) continue;
      note(out, path, k, v);
    }
  }
  for (const r of (node.required as string[] | undefined) ?? []) note(out, path, "required", r);
  if (isObj(node.properties)) {
    for (const [k, v] of Object.entries(node.properties)) zodFlat(root, v, `${path}.${k}`, out, stack);
  } else if (isObj(node.additionalProperties)) {
    zodFlat(root, node.additionalProperties, `${path}{}`, out, stack);
  } else if (types.includes("object")) note(out, `${path}{}`);
  if (node.items !== undefined) zodFlat(root, node.items, `${path}[]`, out, stack);
}

function fromZod(schema: z.ZodMiniType): Flat {
  const json = z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as J;
  const out: Flat = new Map();
  zodFlat(json, json, "", out, [json]);
  return out;
}

function compareAll(doc: J, module: Record<string, unknown>): void {
  for (const o of specOps(doc)) {
    const op = module[o.id] as Op;
    expect(op, o.id).toBeDefined();
    expect({ op: o.id, ...plain(fromZod(op.params())) }).toEqual({ op: o.id, ...plain(specParams(doc, o)) });
  }
}

/** Emits from `doc` and loads the result (bundled with esbuild, zod included). */
async function load(doc: J): Promise<Record<string, unknown>> {
  const generatedDir = fileURLToPath(new URL("../generated/", import.meta.url));
  const { files } = emit(doc, { runtime: "../src/core" });
  const result = await build({
    stdin: { contents: files["operations.ts"] as string, resolveDir: generatedDir, loader: "ts" },
    bundle: true,
    format: "cjs",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  const mod = { exports: {} as Record<string, unknown> };
  new Function("module", "exports", result.outputFiles[0]?.text ?? "")(mod, mod.exports);
  return mod.exports;
}

// ── tests ────────────────────────────────────────────────────────────────────

const OPS = specOps(SPEC);
const ops = generated as unknown as Record<string, Op>;

describe("generated checks state exactly what openapi.yaml states", () => {
  test.each(OPS.map((o) => [o.id, o] as const))("%s", (_id, o) => {
    expect(plain(fromZod(ops[o.id]!.params()))).toEqual(plain(specParams(SPEC, o)));
  });

  test("every operation is generated once, and nothing else", () => {
    const exported = Object.entries(generated)
      .filter(([, v]) => isObj(v) && "params" in v)
      .map(([k]) => k);
    expect(exported.sort()).toEqual(OPS.map((o) => o.id).sort());
  });

  test("a drifted bound, enum or required field fails the comparison", async () => {
    const drifted = structuredClone(SPEC);
    const schemas = (drifted.components as J).schemas as Record<string, J>;
    const props = (name: string) => schemas[name]!.properties as Record<string, J>;
    props("SandboxCreateRequest").vcpu!.maximum = 16;
    const module = await load(drifted);
    expect(() => compareAll(SPEC, module)).toThrow(/createSandbox/);
    compareAll(drifted, module); // and the drifted module does agree with the drifted spec

    const other = structuredClone(SPEC);
    (((other.components as J).schemas as Record<string, J>).NetworkPolicy!.properties as Record<string, J>).mode!.enum =
      ["allow-all", "deny-all"];
    ((other.components as J).schemas as Record<string, J>).SnapshotRestoreRequest!.required = [];
    const module2 = await load(other);
    expect(() => compareAll(SPEC, module2)).toThrow();
  });
});

describe("operation facts", () => {
  test.each(OPS.map((o) => [o.id, o] as const))("%s", (_id, o) => {
    const op = ops[o.id]!;
    expect(op.name).toBe(o.id);
    expect(op.method).toBe(o.method);
    expect(op.path).toBe(o.path);
    expect(op.pathParams).toEqual([...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
    expect(op.host).toBe(Array.isArray(o.item.servers) ? "sandbox" : "api");
    const idempotent =
      ["GET", "PUT", "DELETE", "HEAD", "OPTIONS"].includes(o.method) || o.op["x-leap0-retry"] === "safe";
    expect(op.retry).toBe(idempotent ? "idempotent" : "never");
    const query = o.params.filter((p) => p.in === "query").map((p) => [camel(p.name as string), p.name]);
    expect(Object.entries(op.query ?? {})).toEqual(query);
  });

  test("body and response kinds", () => {
    const kinds = (id: string) => {
      const op = ops[id]!;
      return { request: op.request, response: op.response, accept: op.accept, binary: op.binary };
    };
    expect(kinds("createSandbox")).toEqual({
      request: "json",
      response: "json",
      accept: "application/json",
      binary: undefined,
    });
    expect(kinds("deleteSandbox")).toMatchObject({ request: "none", response: "empty" });
    expect(kinds("filesystemWriteFile")).toMatchObject({ request: "bytes", response: "empty" });
    expect(ops.filesystemWriteFile!.contentType).toBe("application/octet-stream");
    expect(kinds("filesystemWriteFiles")).toMatchObject({ request: "multipart", binary: ["*"] });
    expect(kinds("filesystemReadFile")).toMatchObject({
      request: "json",
      response: "bytes",
      accept: "application/octet-stream",
    });
    expect(kinds("filesystemReadFiles")).toMatchObject({ response: "multipart", accept: "multipart/form-data" });
    expect(kinds("executeStream")).toMatchObject({ response: "event-stream", accept: "text/event-stream" });
    expect(kinds("connectPtySession")).toMatchObject({ response: "websocket" });
    expect(kinds("screenshot")).toMatchObject({ request: "none", response: "bytes", accept: "image/png, image/jpeg" });
    expect(kinds("downloadRecording")).toMatchObject({ response: "bytes", accept: "video/mp4" });
    expect(ops.execute!.host).toBe("sandbox");
    expect(ops.filesystemReadFile!.retry).toBe("idempotent"); // x-leap0-retry: safe
  });
});

describe("SDK-only rules", () => {
  test("head and tail are exclusive (x-leap0-exclusive)", () => {
    const check = ops.filesystemReadFile!.params();
    expect(check.safeParse({ path: "/a", head: 5 }).success).toBe(true);
    expect(check.safeParse({ path: "/a", tail: 5 }).success).toBe(true);
    const both = check.safeParse({ path: "/a", head: 5, tail: 5 });
    expect(both.success).toBe(false);
    expect(both.error?.issues).toEqual([
      expect.objectContaining({ path: ["tail"], message: expect.stringMatching(/head/) }),
    ]);
  });

  test("names are trimmed before their length checks (x-leap0-trim)", () => {
    const check = ops.restoreSnapshot!.params();
    expect(check.parse({ snapshotName: "  warm \n" })).toEqual({ snapshotName: "warm" });
    expect(check.safeParse({ snapshotName: "   " }).success).toBe(false);
    expect(check.safeParse({ snapshotName: "x".repeat(65) }).success).toBe(false);
    expect(ops.createSnapshot!.params().parse({ name: " n " })).toEqual({ name: "n" });
  });

  test("memory is an even number of MiB (x-leap0-multipleOf)", () => {
    const check = ops.createSandbox!.params();
    expect(check.safeParse({ templateName: "t", memory: 1024 }).success).toBe(true);
    const odd = check.safeParse({ templateName: "t", memory: 1025 });
    expect(odd.error?.issues).toEqual([
      expect.objectContaining({ path: ["memory"], message: "must be a multiple of 2" }),
    ]);
  });

  test("spec defaults are never applied; int64 is a number, not a bigint", () => {
    expect(ops.createSandbox!.params().parse({ templateName: "t", timeout: 60 })).toEqual({
      templateName: "t",
      timeout: 60,
    });
  });

  test("x-leap0-secret marks become each operation's secret places, through refs, lists and maps", async () => {
    const ops = await import("../generated/operations");
    expect(ops.gitClone.secretParams).toEqual([
      ["url", "url"],
      ["value", "username"],
      ["value", "password"],
    ]);
    expect(ops.createSandbox.secretParams).toContainEqual([
      "header-values",
      "networkPolicy",
      "transforms",
      "*",
      "injectHeaders",
    ]);
    expect(ops.createSandbox.secretParams).toContainEqual(["value", "mounts", "*", "secretAccessKey"]);
    expect(ops.uploadTemplate.secretParams).toContainEqual(["service-account", "credentials", "gcpServiceAccountJson"]);
    expect(ops.createPresignedURL.secretResult).toEqual([
      ["value", "token"],
      ["value", "url"],
    ]);
    expect(ops.listSnapshots.secretResult).toEqual([
      ["header-values", "items", "*", "networkPolicy", "transforms", "*", "injectHeaders"],
    ]);
    // No facade lists credential fields to scrub or hide: every place comes from the spec. The one
    // secretsOf() outside the core is the OTLP headers the SDK itself copies into envVars.
    const { readdirSync, readFileSync } = await import("node:fs");
    const files = (readdirSync("src", { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    const calls = files.flatMap((f) =>
      [...readFileSync(`src/${f}`, "utf8").matchAll(/\b(secretsOf|hideSecrets|scrubError|withoutSecrets)\(/g)].map(
        (m) => `${f}: ${m[1]}`,
      ),
    );
    expect(calls.filter((c) => !c.startsWith("core/"))).toEqual(["resources/sandboxes.ts: secretsOf"]);
  });

  test("the emitter fails loudly on what it does not understand", () => {
    const bad = (edit: (d: J) => void) => {
      const d = structuredClone(SPEC);
      edit(d);
      return () => emit(d, { runtime: "../src/core" });
    };
    const schemas = (d: J) => (d.components as J).schemas as Record<string, J>;
    const name = (d: J) => (schemas(d).SnapshotCreateRequest!.properties as Record<string, J>).name!;
    expect(
      bad((d) => {
        name(d)["x-leap0-bogus"] = 1;
      }),
    ).toThrow(/unknown or misplaced key x-leap0-bogus/);
    expect(
      bad((d) => {
        name(d).not = {};
      }),
    ).toThrow(/unsupported schema keyword "not"/);
    expect(
      bad((d) => {
        name(d)["x-leap0-secret"] = "maybe";
      }),
    ).toThrow(/x-leap0-secret must be one of value, url, service-account, header-values/);
    expect(
      bad((d) => {
        name(d)["x-leap0-secret"] = "header-values";
      }),
    ).toThrow(/header-values does not apply to a string/);
    expect(
      bad((d) => {
        name(d).format = "made-up";
      }),
    ).toThrow(/unknown string format/);
    expect(
      bad((d) => {
        (((d.paths as J)["/v1/sandbox/"] as J).post as J)["x-leap0-retry"] = "often";
      }),
    ).toThrow(SpecError);
    expect(
      bad((d) => {
        (((d.paths as J)["/v1/sandbox/"] as J).post as J)["x-leap0-trim"] = true;
      }),
    ).toThrow(/unknown operation key/);
  });

  test("the default URLs are the spec's servers; in-sandbox paths that disagree on theirs are refused", async () => {
    const { DEFAULT_BASE_URL, DEFAULT_SANDBOX_DOMAIN, Leap0Client } = await import("../src");
    const top = (SPEC.servers as J[])[0] as J;
    const server = ((Object.values(SPEC.paths as J).find((i) => (i as J).servers) as J).servers as J[])[0] as J;
    expect(DEFAULT_BASE_URL).toBe(top.url);
    expect(DEFAULT_SANDBOX_DOMAIN).toBe(((server.variables as J).sandboxDomain as J).default);
    const sandbox = new Leap0Client({ apiKey: "k" }).sandboxes.connect("sbx-a1");
    expect(sandbox.invokeUrl("/x", 8080)).toBe(`https://sbx-a1-8080.${DEFAULT_SANDBOX_DOMAIN}/x`);

    const edited = (edit: (d: J) => void) => {
      const d = structuredClone(SPEC);
      edit(d);
      return () => emit(d, { runtime: "../src/core" });
    };
    const firstInSandbox = (d: J) => Object.values(d.paths as J).find((i) => (i as J).servers) as J;
    expect(
      edited((d) => {
        firstInSandbox(d).servers = [{ url: "https://{sandboxId}.elsewhere.example" }];
      }),
    ).toThrow(/differs from the other in-sandbox paths'/);
    expect(
      edited((d) => {
        for (const item of Object.values(d.paths as J)) {
          if ((item as J).servers) (item as J).servers = [{ url: "https://{sandboxId}.example" }];
        }
      }),
    ).toThrow(/placing \{sandboxId\} and \{sandboxDomain\}/);
    expect(
      edited((d) => {
        d.servers = [{ url: "http://api.example" }];
      }),
    ).toThrow(/plain https:\/\/ URL/);
  });
});

describe("result checks are loose", () => {
  const wire = {
    id: "sbx-a1",
    template_id: "tpl",
    vcpu: 2,
    memory: 2048,
    disk: 4096,
    timeout: 600,
    state: "hibernating", // a state this SDK does not know yet
    auto_pause: false,
    created_at: "2026-11-25T09:14:03Z",
    brand_new_field: { nested_key: 1 },
  };
  test("unknown fields and enum values pass; missing required fields and wrong types do not", () => {
    const check = ops.getSandbox!.result!();
    expect(check.safeParse(wire).success).toBe(true);
    expect(check.safeParse({ ...wire, vcpu: "2" }).success).toBe(false);
    const { template_id: _, ...missing } = wire;
    expect(check.safeParse(missing).success).toBe(false);
  });
  test("recursive schemas check every level", () => {
    const check = ops.filesystemTree!.result!();
    const tree = { items: [{ name: "a", type: "directory", children: [{ name: "b", type: "file" }] }] };
    expect(check.safeParse(tree).success).toBe(true);
    expect(check.safeParse({ items: [{ name: "a", type: "directory", children: [{ type: "file" }] }] }).success).toBe(
      false,
    );
  });
});

describe("key mapping", () => {
  const input = {
    templateName: " t ",
    envVars: JSON.parse('{"__proto__":"x","A_B":"1"}') as Record<string, string>,
    autoPause: undefined,
    mounts: [
      {
        type: "object-storage" as const,
        bucket: "b",
        mountPath: "/m",
        endpoint: "https://s3.example.com",
        readOnly: true,
      },
    ],
    networkPolicy: {
      mode: "custom" as const,
      allowCidrs: ["10.0.0.0/8"],
      transforms: [{ domain: "api.x", injectHeaders: { "X-Api-Key": "k", x_y: "v" }, stripHeaders: ["Cookie"] }],
    },
  };

  test("params → wire: nested objects and arrays renamed, free-form maps untouched, undefined omitted", () => {
    const op = ops.createSandbox!;
    const parsed = op.params().parse(input) as Record<string, unknown>;
    const { body } = toWireRequest(op, parsed, input);
    const json = JSON.stringify(body);
    expect(JSON.parse(json)).toEqual({
      template_name: "t",
      env_vars: { ["__proto__"]: "x", A_B: "1" },
      mounts: [
        { type: "object-storage", bucket: "b", mount_path: "/m", endpoint: "https://s3.example.com", read_only: true },
      ],
      network_policy: {
        mode: "custom",
        allow_cidrs: ["10.0.0.0/8"],
        transforms: [{ domain: "api.x", inject_headers: { "X-Api-Key": "k", x_y: "v" }, strip_headers: ["Cookie"] }],
      },
    });
    expect(json).toContain('"__proto__":"x"');
    expect(json).not.toContain("auto_pause");
    const env = (body as { env_vars: object }).env_vars;
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
    expect(Object.hasOwn(env, "__proto__")).toBe(true);
  });

  test("query params go to the query string under their wire names", () => {
    const op = ops.listSandboxes!;
    const params = { state: "running", orderBy: "asc", pageSize: 10 };
    expect(toWireRequest(op, op.params().parse(params) as Record<string, unknown>, params)).toEqual({
      query: { state: "running", "order-by": "asc", "page-size": 10 },
    });
  });

  test("wire → result: renamed at every level, maps untouched, absent stays absent, unknown fields kept", () => {
    const op = ops.createSandbox!;
    const wire = JSON.parse(
      '{"id":"s","template_id":"t","vcpu":1,"memory":512,"disk":1,"timeout":1,"state":"running","auto_pause":true,' +
        '"created_at":"c","network_policy":{"mode":"custom","transforms":[{"domain":"d","inject_headers":{"__proto__":"p","X-K":"v"}}]},' +
        '"new_field":{"inner_key":1}}',
    );
    expect(op.result!().safeParse(wire).success).toBe(true);
    const out = fromWire(wire, op.resultKeys) as Record<string, unknown>;
    expect(out).toEqual({
      id: "s",
      templateId: "t",
      vcpu: 1,
      memory: 512,
      disk: 1,
      timeout: 1,
      state: "running",
      autoPause: true,
      createdAt: "c",
      networkPolicy: {
        mode: "custom",
        transforms: [{ domain: "d", injectHeaders: JSON.parse('{"__proto__":"p","X-K":"v"}') }],
      },
      newField: { inner_key: 1 },
    });
    expect("mounts" in out).toBe(false);
    const headers = ((out.networkPolicy as J).transforms as J[])[0]!.injectHeaders as object;
    expect(Object.hasOwn(headers, "__proto__")).toBe(true);
  });

  test("round trip: params → wire → camelCase gives the params back", () => {
    const op = ops.createSandbox!;
    const parsed = op.params().parse(input) as Record<string, unknown>;
    const wire = JSON.parse(JSON.stringify(toWireRequest(op, parsed, input).body));
    const back = fromWire(wire, op.bodyKeys ?? {}) as Record<string, unknown>;
    expect(back).toEqual({ ...input, templateName: "t" });
    expect(Object.hasOwn(back.envVars as object, "__proto__")).toBe(true);
    expect("autoPause" in back).toBe(false);
  });

  test("recursive descriptors and maps of objects", () => {
    const tree = { items: [{ name: "a", type: "directory", children: [{ name: "b", type: "file", extra_key: 1 }] }] };
    expect(fromWire(tree, ops.filesystemTree!.resultKeys)).toEqual({
      items: [{ name: "a", type: "directory", children: [{ name: "b", type: "file", extraKey: 1 }] }],
    });
    // A map (keys are data) of objects with a name the rule cannot invert (`sandboxID` ↛ `sandbox_i_d`).
    const mapOf = { byName: [{ sandboxID: "sandboxID" }] } as const;
    const value = { byName: { some_key: { sandboxID: "a", fooBar: 1 } } };
    const wire = toWire(value, mapOf);
    expect(wire).toEqual({ by_name: { some_key: { sandboxID: "a", foo_bar: 1 } } });
    expect(fromWire(wire, mapOf)).toEqual(value);
  });
});
