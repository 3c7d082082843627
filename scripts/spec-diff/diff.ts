/**
 * What changed between two versions of the contract, operation by operation, and whether each
 * change breaks users of this SDK. Works on dereferenced documents (see load.ts); the
 * classification is ours because no maintained OpenAPI diff library on the registry reads 3.1.
 *
 * The rules, from the SDK user's side:
 * - what the SDK sends (parameters, request bodies): a new required field, a removed field,
 *   optional → required, a narrowed bound, a removed enum value, a changed type or default,
 *   or losing `null` are breaking; the opposite moves are not (but the zod bounds must follow).
 * - what the SDK reads (response bodies): a removed field, required → optional, a changed type,
 *   or a field becoming nullable are breaking; new fields, new enum values (the SDK passes
 *   unknown values through), bounds and defaults are not.
 * - a removed operation, or one moved to another path or method, is breaking; a new one is not.
 */

type Json = Record<string, unknown>;
/** Which way data flows for the part being compared. */
export type Direction = "request" | "response";

/** One classified change. */
export interface Change {
  /** operationId (or `METHOD path`). */
  operation: string;
  /** Where in the operation, e.g. `request body .network_policy.mode` or `response 201 .state`. */
  location: string;
  /** A short machine-readable kind, e.g. `field-added`, `enum-value-removed`. */
  kind: string;
  breaking: boolean;
  /** One sentence for humans. */
  detail: string;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const LOWER_BOUNDS = ["minimum", "exclusiveMinimum", "minLength", "minItems"] as const;
const UPPER_BOUNDS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems"] as const;

interface Op {
  id: string;
  path: string;
  method: string;
  op: Json;
  params: Map<string, Json>;
}

function operations(doc: Json): Map<string, Op> {
  const out = new Map<string, Op>();
  for (const [path, item] of Object.entries((doc.paths as Record<string, Json>) ?? {})) {
    const shared = (item.parameters as Json[]) ?? [];
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const params = new Map<string, Json>();
      for (const p of [...shared, ...((op.parameters as Json[]) ?? [])]) params.set(`${p.in} ${p.name}`, p);
      const id = (op.operationId as string) ?? `${method.toUpperCase()} ${path}`;
      out.set(id, { id, path, method, op, params });
    }
  }
  return out;
}

/** A schema with nullability folded into a flag (3.0 `nullable`, 3.1 type arrays, `anyOf` with null). */
function normalize(schema: Json | undefined): { s: Json; nullable: boolean } {
  if (!schema) return { s: {}, nullable: false };
  let s = schema;
  let nullable = s.nullable === true;
  for (const key of ["anyOf", "oneOf"] as const) {
    const alts = s[key] as Json[] | undefined;
    if (!alts) continue;
    const rest = alts.filter((a) => a.type !== "null");
    if (rest.length < alts.length) nullable = true;
    if (rest.length === 1) {
      const { [key]: _dropped, ...others } = s;
      s = { ...(rest[0] as Json), ...others };
    }
  }
  if (Array.isArray(s.type)) {
    const types = (s.type as string[]).filter((t) => t !== "null");
    if (types.length < (s.type as string[]).length) nullable = true;
    s = { ...s, type: types.length === 1 ? types[0] : types };
  }
  return { s, nullable };
}

const show = (v: unknown) => JSON.stringify(v);

/** Compares two schemas of the same place and records each change with its classification. */
function diffSchema(
  before: Json | undefined,
  after: Json | undefined,
  dir: Direction,
  where: string,
  add: (location: string, kind: string, breaking: boolean, detail: string) => void,
  seen = new Set<Json>(),
  field = "",
): void {
  const here = field ? `${where} › ${field}` : where;
  const child = (name: string) => (field ? `${field}.${name}` : name);
  if (!before || !after || seen.has(before)) return;
  seen.add(before);
  const { s: a, nullable: aNull } = normalize(before);
  const { s: b, nullable: bNull } = normalize(after);
  const req = dir === "request";

  if (show(a.type) !== show(b.type)) {
    add(here, "type-changed", true, `type changed from ${show(a.type)} to ${show(b.type)}`);
    return;
  }
  if (aNull !== bNull) {
    const nowNullable = bNull;
    add(
      here,
      nowNullable ? "nullable-added" : "nullable-removed",
      req ? !nowNullable : nowNullable,
      nowNullable ? "may now be null" : "may no longer be null",
    );
  }
  if (a.format !== b.format) {
    add(here, "format-changed", req, `format changed from ${show(a.format)} to ${show(b.format)}`);
  }
  if (show(a.default) !== show(b.default)) {
    add(
      here,
      "default-changed",
      req,
      `default changed from ${show(a.default)} to ${show(b.default)}${req ? " (callers who omit it get other behaviour)" : ""}`,
    );
  }
  if (Array.isArray(a.enum) || Array.isArray(b.enum)) {
    const ea = (a.enum as unknown[]) ?? [];
    const eb = (b.enum as unknown[]) ?? [];
    for (const v of eb.filter((v) => !ea.some((x) => show(x) === show(v)))) {
      add(
        here,
        "enum-value-added",
        false,
        req
          ? `accepts a new value ${show(v)}`
          : `may now return ${show(v)} (the SDK passes unknown values through; exhaustive switches in user code need a case)`,
      );
    }
    for (const v of ea.filter((v) => !eb.some((x) => show(x) === show(v)))) {
      add(here, "enum-value-removed", req, req ? `no longer accepts ${show(v)}` : `no longer returns ${show(v)}`);
    }
  }
  for (const key of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    if (a[key] === b[key]) continue;
    const lower = (LOWER_BOUNDS as readonly string[]).includes(key);
    const from = a[key] as number | undefined;
    const to = b[key] as number | undefined;
    // A lower bound that rises, or an upper bound that falls (or appears), refuses values that were valid.
    const narrowed = to !== undefined && (from === undefined || (lower ? to > from : to < from));
    add(
      here,
      narrowed ? "bound-narrowed" : "bound-widened",
      req && narrowed,
      `${key} changed from ${show(from)} to ${show(to)}${req && !narrowed ? " (update the zod bound to allow it)" : ""}`,
    );
  }

  const pa = (a.properties as Record<string, Json>) ?? {};
  const pb = (b.properties as Record<string, Json>) ?? {};
  const ra = new Set((a.required as string[]) ?? []);
  const rb = new Set((b.required as string[]) ?? []);
  for (const name of Object.keys(pb)) {
    const at = `${where} › ${child(name)}`;
    if (!(name in pa)) {
      if (req) {
        const required = rb.has(name);
        add(
          at,
          required ? "required-field-added" : "field-added",
          required,
          `new ${required ? "required" : "optional"} field`,
        );
      } else {
        add(at, "field-added", false, "new field in the response (passed through; map it to expose it)");
      }
      continue;
    }
    if (ra.has(name) !== rb.has(name)) {
      const nowRequired = rb.has(name);
      add(
        at,
        nowRequired ? "became-required" : "became-optional",
        req ? nowRequired : !nowRequired,
        nowRequired ? "optional → required" : "required → optional",
      );
    }
    diffSchema(pa[name], pb[name], dir, where, add, seen, child(name));
  }
  for (const name of Object.keys(pa)) {
    if (name in pb) continue;
    add(
      `${where} › ${child(name)}`,
      "field-removed",
      true,
      req ? "field removed: the SDK still offers and sends it" : "field removed: the SDK's model still promises it",
    );
  }
  if (a.items || b.items) diffSchema(a.items as Json, b.items as Json, dir, where, add, seen, `${field}[]`);
  if (typeof a.additionalProperties === "object" && typeof b.additionalProperties === "object") {
    diffSchema(a.additionalProperties as Json, b.additionalProperties as Json, dir, where, add, seen, `${field}{}`);
  }
}

function jsonSchema(holder: Json | undefined): Json | undefined {
  const content = holder?.content as Record<string, { schema?: Json }> | undefined;
  return content?.["application/json"]?.schema;
}

/** Every classified change between two dereferenced documents. */
export function diffDocuments(before: Json, after: Json): Change[] {
  const changes: Change[] = [];
  const opsA = operations(before);
  const opsB = operations(after);

  for (const [id, b] of opsB) {
    const a = opsA.get(id);
    const add = (location: string, kind: string, breaking: boolean, detail: string) =>
      changes.push({ operation: id, location, kind, breaking, detail });
    if (!a) {
      add(
        `${b.method.toUpperCase()} ${b.path}`,
        "operation-added",
        false,
        "new operation (the facade needs a method for it)",
      );
      continue;
    }
    if (a.path !== b.path || a.method !== b.method) {
      add(
        "route",
        "route-changed",
        true,
        `moved from ${a.method.toUpperCase()} ${a.path} to ${b.method.toUpperCase()} ${b.path}`,
      );
    }

    for (const [key, pb] of b.params) {
      const pa = a.params.get(key);
      const at = `parameter ${key}`;
      if (!pa) {
        add(
          at,
          pb.required ? "required-parameter-added" : "parameter-added",
          !!pb.required,
          `new ${pb.required ? "required" : "optional"} parameter`,
        );
        continue;
      }
      if (!!pa.required !== !!pb.required) {
        add(
          at,
          pb.required ? "became-required" : "became-optional",
          !!pb.required,
          pb.required ? "optional → required" : "required → optional",
        );
      }
      diffSchema(pa.schema as Json, pb.schema as Json, "request", at, add);
    }
    for (const key of a.params.keys()) {
      if (!b.params.has(key))
        add(`parameter ${key}`, "parameter-removed", true, "parameter removed: the SDK still sends it");
    }

    const bodyA = a.op.requestBody as Json | undefined;
    const bodyB = b.op.requestBody as Json | undefined;
    if (!bodyA && bodyB)
      add(
        "request body",
        "request-body-added",
        !!bodyB.required,
        `new ${bodyB.required ? "required" : "optional"} request body`,
      );
    else if (bodyA && !bodyB) add("request body", "request-body-removed", true, "request body removed");
    else if (bodyA && bodyB) {
      if (!!bodyA.required !== !!bodyB.required && bodyB.required)
        add("request body", "became-required", true, "request body is now required");
      diffSchema(jsonSchema(bodyA), jsonSchema(bodyB), "request", "request body", add);
    }

    const ra = (a.op.responses as Record<string, Json>) ?? {};
    const rb = (b.op.responses as Record<string, Json>) ?? {};
    for (const code of Object.keys(rb)) {
      if (!(code in ra)) {
        add(
          `response ${code}`,
          "status-added",
          false,
          code.startsWith("2") ? "new success status" : "new documented error status (mapped to its error class)",
        );
        continue;
      }
      diffSchema(jsonSchema(ra[code]), jsonSchema(rb[code]), "response", `response ${code}`, add);
    }
    for (const code of Object.keys(ra)) {
      if (code in rb) continue;
      const success = code.startsWith("2");
      const otherSuccess = Object.keys(rb).some((c) => c.startsWith("2"));
      add(
        `response ${code}`,
        "status-removed",
        success && !otherSuccess,
        success
          ? otherSuccess
            ? "success status replaced (any 2xx is accepted)"
            : "no success response documented any more"
          : "error status no longer documented",
      );
    }
  }
  for (const [id, a] of opsA) {
    if (!opsB.has(id)) {
      changes.push({
        operation: id,
        location: `${a.method.toUpperCase()} ${a.path}`,
        kind: "operation-removed",
        breaking: true,
        detail: "operation removed: the facade method calling it will fail",
      });
    }
  }
  return changes;
}

/** The report for humans: one block per operation, breaking changes first. */
export function formatReport(changes: Change[]): string {
  if (changes.length === 0) return "No structural changes.";
  const lines: string[] = [];
  const byOp = new Map<string, Change[]>();
  for (const c of changes) byOp.set(c.operation, [...(byOp.get(c.operation) ?? []), c]);
  for (const [op, list] of byOp) {
    lines.push(op);
    for (const c of [...list].sort((x, y) => Number(y.breaking) - Number(x.breaking))) {
      lines.push(`  ${c.breaking ? "BREAKING    " : "non-breaking"}  ${c.location}: ${c.detail}`);
    }
  }
  const breaking = changes.filter((c) => c.breaking).length;
  lines.push(
    "",
    `${changes.length} change(s): ${breaking} breaking, ${changes.length - breaking} non-breaking for SDK users.`,
  );
  return lines.join("\n");
}
