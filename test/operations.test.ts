/**
 * Every operation in openapi.yaml, through the core, against the Prism mock: a request with only
 * the required fields and one with every field, each accepted by Prism with no contract
 * violation and decoded; and each documented error status mapped to its error class. The
 * table grows with the spec: an operation added to openapi.yaml is tested here without a line
 * of test code. Sample params are built from the spec itself (bounds, enums, formats), in the
 * camelCase the SDK takes.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import type { Operation } from "../generated/operations";
import * as generated from "../generated/operations";
import { startPrism } from "../scripts/prism";
import { resolveConfig } from "../src/core/config";
import { apiErrorClass, Leap0APIError } from "../src/core/errors";
import { invoke } from "../src/core/invoke";
import { camel } from "../src/core/keys";
import { Pipeline } from "../src/core/pipeline";
import { API_KEY, recorder } from "./support/helpers";
import { resolve, SPEC, sample } from "./support/spec-sample";

type Node = Record<string, unknown>;
const spec = SPEC;

interface Case {
  op: Operation;
  specOp: Node;
  /** Parameters declared on the path item, shared by its operations. */
  shared: Node[];
}

const METHODS = ["get", "post", "put", "patch", "delete"];
const cases: Case[] = [];
for (const value of Object.values(generated)) {
  if (!value || typeof value !== "object" || !("pathParams" in value)) continue;
  const op = value as Operation;
  const specOp = (spec.paths as Node)[op.path] as Node;
  const found = METHODS.map((m) => specOp[m] as Node).find((o) => o?.operationId === op.name);
  if (found) cases.push({ op, specOp: found, shared: (specOp.parameters as Node[]) ?? [] });
}

/** Operations Prism cannot mock, with the reason; they are tested against local servers instead. */
const PRISM_CANNOT: Record<string, string> = {
  connectPtySession: "a WebSocket upgrade",
  filesystemReadFiles: "a multipart response",
  executeStream: "an event stream described by an object schema",
};

function params(c: Case, all: boolean): Node {
  const out: Node = {};
  for (const p of [...c.shared, ...((c.specOp.parameters as Node[]) ?? [])].map(resolve)) {
    if (p.in === "path") continue;
    if (!p.required && !all) continue;
    const camelName =
      Object.entries(c.op.query ?? {}).find(([, wire]) => wire === p.name)?.[0] ?? camel(p.name as string);
    out[camelName] = sample(p.schema as Node, all);
  }
  const content = (resolve(c.specOp.requestBody as Node).content as Record<string, Node>) ?? {};
  const json = content["application/json"] ?? content["multipart/form-data"];
  if (json && c.op.request !== "bytes") {
    const body = sample(json.schema as Node, all) as Node;
    for (const [k, v] of Object.entries(body))
      if (!(c.op.binary ?? []).includes(k) && !c.op.binary?.includes("*")) out[k] = v;
  }
  const exclusive = c.specOp["x-leap0-exclusive"] as string[] | undefined;
  if (exclusive) for (const name of exclusive.slice(1)) delete out[camel(name)];
  const ignored = c.specOp["x-leap0-ignored"] as string[] | undefined;
  if (ignored) for (const name of ignored) delete out[camel(name)];
  return out;
}

function pipelineFor(headers: Record<string, string> = {}) {
  const rec = recorder(headers);
  const config = resolveConfig({
    apiKey: API_KEY,
    baseUrl: inject("prismUrl"),
    sandboxUrl: inject("prismUrl"),
    fetch: rec.fetch,
    maxRetries: 0,
  });
  return { pipeline: new Pipeline(config), rec };
}

function input(c: Case, all: boolean) {
  const ids: Record<string, string> = {};
  for (const name of c.op.pathParams) ids[name] = name === "processName" ? "xvfb" : `id-${name}`;
  const form = c.op.request === "multipart" ? multipart(c) : undefined;
  return {
    ids,
    params: params(c, all),
    sandboxId: "sbx-a1",
    bytes: c.op.request === "bytes" ? new Uint8Array([0, 1, 2, 255]) : undefined,
    form,
  };
}

function multipart(c: Case): FormData {
  const form = new FormData();
  const content = resolve(c.specOp.requestBody as Node).content as Record<string, Node>;
  const schema = resolve((content["multipart/form-data"] as Node).schema as Node);
  for (const [name, prop] of Object.entries((schema.properties as Record<string, Node>) ?? {})) {
    const p = resolve(prop);
    const isFile = p.format === "binary" || resolve(p.items as Node).format === "binary";
    if (isFile) form.append(name, new Blob([new Uint8Array([1, 2, 3])]), "a.txt");
    else form.append(name, String(sample(p, false)));
  }
  return form;
}

const runnable = cases.filter((c) => !(c.op.name in PRISM_CANNOT));

describe("every operation against the Prism mock of openapi.yaml", () => {
  test("the table covers every operation of the spec", () => {
    expect(cases).toHaveLength(106);
    expect(runnable.length + Object.keys(PRISM_CANNOT).length).toBe(106);
  });

  test.each(runnable.map((c) => [c.op.name, c] as const))(
    "%s: required fields only, then every field",
    async (_n, c) => {
      for (const all of [false, true]) {
        const { pipeline, rec } = pipelineFor();
        const { params: p, ...rest } = input(c, all);
        // Operations whose answers the core cannot buffer (event streams) are read through invokeStream by their facades.
        if (c.op.response === "event-stream" || c.op.response === "websocket") continue;
        await invoke(pipeline, c.op as never, { ...rest, params: p });
        expect(rec.violations()).toEqual([]);
        expect(rec.sent).toHaveLength(1);
        expect(rec.sent[0]?.method).toBe(c.op.method);
      }
    },
  );

  const errorCases = runnable.flatMap((c) =>
    Object.keys(c.specOp.responses as Node)
      .filter((s) => /^[45]\d\d$/.test(s))
      .map((status) => [`${c.op.name} ${status}`, c, Number(status)] as const),
  );

  test.each(errorCases)("%s maps to its error class", async (_n, c, status) => {
    if (c.op.response === "event-stream" || c.op.response === "websocket") return;
    const { pipeline } = pipelineFor({ Prefer: `code=${status}` });
    const error = await invoke(pipeline, c.op as never, input(c, false)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Leap0APIError);
    expect(error).toBeInstanceOf(apiErrorClass(status));
    expect((error as Leap0APIError).status).toBe(status);
    expect((error as Leap0APIError).operation).toBe(c.op.name);
  });
});

describe("forward compatibility: Prism's random answers (unknown fields, nulls, any enum value) decode for every operation", () => {
  let url = "";
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const prism = await startPrism({ dynamic: true, seed: 11 });
    url = prism.url;
    stop = prism.stop;
  });
  afterAll(async () => {
    await stop?.();
  });

  test.each(runnable.map((c) => [c.op.name, c] as const))("%s", async (_n, c) => {
    if (c.op.response === "event-stream" || c.op.response === "websocket") return;
    const rec = recorder();
    const pipeline = new Pipeline(
      resolveConfig({ apiKey: API_KEY, baseUrl: url, sandboxUrl: url, fetch: rec.fetch, maxRetries: 0 }),
    );
    await invoke(pipeline, c.op as never, input(c, true));
    expect(rec.violations()).toEqual([]);
  });
});

describe("every numeric bound and enum of every operation's params, as properties", () => {
  interface Bound {
    op: Operation;
    base: Node;
    field: string;
    schema: Node;
    /** Fields that go with this one (x-leap0-together): set to the same value. */
    partners: string[];
  }
  const bounds: Bound[] = [];
  for (const c of cases) {
    const base = params(c, false);
    const content = (resolve(c.specOp.requestBody as Node).content as Record<string, Node>) ?? {};
    const body = resolve((content["application/json"] as Node | undefined)?.schema as Node);
    const fields: [string, Node][] = [
      ...[...c.shared, ...((c.specOp.parameters as Node[]) ?? [])]
        .map(resolve)
        .filter((p) => p.in === "query")
        .map(
          (p) =>
            [
              Object.entries(c.op.query ?? {}).find(([, w]) => w === p.name)?.[0] ?? camel(p.name as string),
              resolve(p.schema as Node),
            ] as [string, Node],
        ),
      ...Object.entries((body.properties as Record<string, Node>) ?? {}).map(
        ([k, v]) => [camel(k), resolve(v)] as [string, Node],
      ),
    ];
    const together = (c.specOp["x-leap0-together"] as string[] | undefined)?.map(camel) ?? [];
    for (const [field, schema] of fields) {
      if (schema.minimum !== undefined || schema.maximum !== undefined || Array.isArray(schema.enum)) {
        const partners = together.includes(field) ? together.filter((f) => f !== field) : [];
        bounds.push({ op: c.op, base, field, schema, partners });
      }
    }
  }

  test("the spec states bounds and enums to test", () => {
    expect(bounds.length).toBeGreaterThan(30);
  });

  test.each(bounds.map((b) => [`${b.op.name}.${b.field}`, b] as const))("%s", (_n, b) => {
    const check = b.op.params();
    const withValue = (v: unknown) => ({
      ...b.base,
      ...Object.fromEntries(b.partners.map((f) => [f, v])),
      [b.field]: v,
    });
    const accepts = (v: unknown) => check.safeParse(withValue(v)).success;
    const refusal = (v: unknown) => {
      const r = check.safeParse(withValue(v));
      return r.success ? undefined : r.error.issues.map((i) => i.path.join("."));
    };
    if (Array.isArray(b.schema.enum)) {
      const values = (b.schema.enum as unknown[]).filter((v) => v !== null);
      fc.assert(fc.property(fc.constantFrom(...values), (v) => accepts(v)));
      fc.assert(
        fc.property(
          fc.string().filter((s) => !values.includes(s)),
          (v) => refusal(v)?.includes(b.field) === true,
        ),
        { numRuns: 30 },
      );
      return;
    }
    const min = (b.schema.minimum as number | undefined) ?? -1e9;
    const max = Math.min((b.schema.maximum as number | undefined) ?? 1e9, 1e9);
    const step = (b.schema["x-leap0-multipleOf"] as number | undefined) ?? 1;
    const integer = b.schema.type === "integer" || (Array.isArray(b.schema.type) && b.schema.type.includes("integer"));
    const inside = integer
      ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
      : fc.double({ min, max, noNaN: true });
    fc.assert(
      fc.property(inside, (v) => {
        // With a multipleOf rule, the nearest multiple inside the range.
        const up = Math.ceil(v / step) * step;
        return accepts(step > 1 ? (up > max ? up - step : up) : v);
      }),
      { numRuns: 40 },
    );
    if (b.schema.minimum !== undefined) {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1e6 }), (d) => refusal(min - d)?.includes(b.field) === true),
        { numRuns: 30 },
      );
    }
    if (b.schema.maximum !== undefined) {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1e6 }),
          (d) => refusal((b.schema.maximum as number) + d)?.includes(b.field) === true,
        ),
        { numRuns: 30 },
      );
    }
  });
});
