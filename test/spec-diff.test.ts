/**
 * spec:diff: each kind of change between two small contracts, and how it is classified for
 * SDK users; then the CLI on two fixture files with $refs (Redocly resolves them).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type Change, diffDocuments, formatReport } from "../scripts/spec-diff/diff";
import { loadSpec } from "../scripts/spec-diff/load";

// Fixture documents are mutated freely in each case; strict typing would only add casts.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = Record<string, any>;

function base(): Json {
  return {
    openapi: "3.1.0",
    paths: {
      "/v1/things": {
        post: {
          operationId: "createThing",
          parameters: [{ in: "query", name: "dry", required: false, schema: { type: "boolean" } }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["name"],
                  properties: {
                    name: { type: "string", maxLength: 64 },
                    size: { type: "integer", minimum: 1, maximum: 8, default: 1 },
                    mode: { type: "string", enum: ["a", "b"] },
                    policy: { anyOf: [{ type: "object", properties: { x: { type: "string" } } }, { type: "null" }] },
                  },
                },
              },
            },
          },
          responses: {
            "201": {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["id", "state"],
                    properties: {
                      id: { type: "string" },
                      state: { type: "string", enum: ["on", "off"] },
                      note: { type: "string" },
                    },
                  },
                },
              },
            },
            "409": {
              content: {
                "application/json": { schema: { type: "object", properties: { message: { type: "string" } } } },
              },
            },
          },
        },
      },
      "/v1/things/{id}": {
        delete: {
          operationId: "deleteThing",
          parameters: [{ in: "path", name: "id", required: true, schema: { type: "string" } }],
          responses: { "204": { description: "gone" } },
        },
      },
    },
  };
}

const post = (d: Json) => d.paths["/v1/things"].post;
const reqBody = (d: Json) => post(d).requestBody.content["application/json"].schema;
const resBody = (d: Json) => post(d).responses["201"].content["application/json"].schema;

/** Applies `change` to a copy of the base and returns the one change the diff reports. */
function only(change: (d: Json) => void): Change {
  const after = structuredClone(base());
  change(after);
  const changes = diffDocuments(base(), after);
  expect(changes, formatReport(changes)).toHaveLength(1);
  return changes[0] as Change;
}

describe("what the SDK sends (request bodies and parameters)", () => {
  test.each<[string, (d: Json) => void, string, boolean]>([
    [
      "a new required field",
      (d) => {
        reqBody(d).properties.region = { type: "string" };
        reqBody(d).required.push("region");
      },
      "required-field-added",
      true,
    ],
    [
      "a new optional field",
      (d) => {
        reqBody(d).properties.label = { type: "string" };
      },
      "field-added",
      false,
    ],
    [
      "a removed field",
      (d) => {
        delete reqBody(d).properties.mode;
      },
      "field-removed",
      true,
    ],
    [
      "optional → required",
      (d) => {
        reqBody(d).required.push("size");
      },
      "became-required",
      true,
    ],
    [
      "required → optional",
      (d) => {
        reqBody(d).required = [];
      },
      "became-optional",
      false,
    ],
    [
      "a changed type",
      (d) => {
        reqBody(d).properties.size.type = "string";
      },
      "type-changed",
      true,
    ],
    [
      "a removed enum value",
      (d) => {
        reqBody(d).properties.mode.enum = ["a"];
      },
      "enum-value-removed",
      true,
    ],
    [
      "an added enum value",
      (d) => {
        reqBody(d).properties.mode.enum = ["a", "b", "c"];
      },
      "enum-value-added",
      false,
    ],
    [
      "a narrowed bound",
      (d) => {
        reqBody(d).properties.name.maxLength = 32;
      },
      "bound-narrowed",
      true,
    ],
    [
      "a new bound",
      (d) => {
        reqBody(d).properties.mode.maxLength = 1;
      },
      "bound-narrowed",
      true,
    ],
    [
      "a widened bound",
      (d) => {
        reqBody(d).properties.size.maximum = 16;
      },
      "bound-widened",
      false,
    ],
    [
      "a changed default",
      (d) => {
        reqBody(d).properties.size.default = 2;
      },
      "default-changed",
      true,
    ],
    [
      "null no longer accepted",
      (d) => {
        reqBody(d).properties.policy = { type: "object", properties: { x: { type: "string" } } };
      },
      "nullable-removed",
      true,
    ],
    [
      "a nested field added as required",
      (d) => {
        const p = reqBody(d).properties.policy.anyOf[0];
        p.properties.y = { type: "string" };
        p.required = ["y"];
      },
      "required-field-added",
      true,
    ],
    [
      "a new required parameter",
      (d) => {
        post(d).parameters.push({ in: "query", name: "zone", required: true, schema: { type: "string" } });
      },
      "required-parameter-added",
      true,
    ],
    [
      "a new optional parameter",
      (d) => {
        post(d).parameters.push({ in: "header", name: "x-trace", schema: { type: "string" } });
      },
      "parameter-added",
      false,
    ],
    [
      "a removed parameter",
      (d) => {
        post(d).parameters = [];
      },
      "parameter-removed",
      true,
    ],
  ])("%s", (_name, change, kind, breaking) => {
    expect(only(change)).toMatchObject({ operation: "createThing", kind, breaking });
  });
});

describe("what the SDK reads (response bodies)", () => {
  test.each<[string, (d: Json) => void, string, boolean]>([
    [
      "a new field",
      (d) => {
        resBody(d).properties.region = { type: "string" };
        resBody(d).required.push("region");
      },
      "field-added",
      false,
    ],
    [
      "a removed field",
      (d) => {
        delete resBody(d).properties.note;
      },
      "field-removed",
      true,
    ],
    [
      "required → optional",
      (d) => {
        resBody(d).required = ["id"];
      },
      "became-optional",
      true,
    ],
    [
      "optional → required",
      (d) => {
        resBody(d).required.push("note");
      },
      "became-required",
      false,
    ],
    [
      "a new enum value (a new state)",
      (d) => {
        resBody(d).properties.state.enum.push("archived");
      },
      "enum-value-added",
      false,
    ],
    [
      "a removed enum value",
      (d) => {
        resBody(d).properties.state.enum = ["on"];
      },
      "enum-value-removed",
      false,
    ],
    [
      "a field that may now be null",
      (d) => {
        resBody(d).properties.note.type = ["string", "null"];
      },
      "nullable-added",
      true,
    ],
    [
      "a changed type",
      (d) => {
        resBody(d).properties.id.type = "integer";
      },
      "type-changed",
      true,
    ],
    [
      "a new bound",
      (d) => {
        resBody(d).properties.note.maxLength = 10;
      },
      "bound-narrowed",
      false,
    ],
  ])("%s", (_name, change, kind, breaking) => {
    expect(only(change)).toMatchObject({ operation: "createThing", kind, breaking });
  });
});

describe("operations and statuses", () => {
  test.each<[string, (d: Json) => void, string, boolean]>([
    [
      "a new operation",
      (d) => {
        d.paths["/v1/things"].get = { operationId: "listThings", responses: { "200": {} } };
      },
      "operation-added",
      false,
    ],
    [
      "a removed operation",
      (d) => {
        delete d.paths["/v1/things/{id}"];
      },
      "operation-removed",
      true,
    ],
    [
      "a moved operation",
      (d) => {
        d.paths["/v1/things/{id}/"] = d.paths["/v1/things/{id}"];
        delete d.paths["/v1/things/{id}"];
      },
      "route-changed",
      true,
    ],
    [
      "a new error status",
      (d) => {
        post(d).responses["429"] = {};
      },
      "status-added",
      false,
    ],
    [
      "an error status no longer documented",
      (d) => {
        delete post(d).responses["409"];
      },
      "status-removed",
      false,
    ],
    [
      "the only success status removed",
      (d) => {
        delete d.paths["/v1/things/{id}"].delete.responses["204"];
        d.paths["/v1/things/{id}"].delete.responses["404"] = {};
      },
      "status-removed",
      true,
    ],
  ])("%s", (_name, change, kind, breaking) => {
    const changes = (() => {
      const after = structuredClone(base());
      change(after);
      return diffDocuments(base(), after);
    })();
    expect(changes.find((c) => c.kind === kind)).toMatchObject({ kind, breaking });
  });

  test("identical documents: no changes", () => {
    expect(diffDocuments(base(), base())).toEqual([]);
    expect(formatReport([])).toBe("No structural changes.");
  });
});

describe("the CLI on fixture files with $refs", () => {
  const dir = join(__dirname, "fixtures", "spec-diff");
  const v1 = join(dir, "v1.yaml");
  const v2 = join(dir, "v2.yaml");

  test("restore gains a required field and a new sandbox state appears", async () => {
    const changes = diffDocuments(await loadSpec(v1), await loadSpec(v2));
    expect(changes.filter((c) => c.breaking)).toEqual([
      expect.objectContaining({
        operation: "restoreSnapshot",
        location: "request body › region",
        kind: "required-field-added",
      }),
    ]);
    const stateOps = changes.filter((c) => c.kind === "enum-value-added").map((c) => c.operation);
    expect(stateOps.sort()).toEqual([
      "createSandbox",
      "getSandbox",
      "pauseSandbox",
      "restoreSnapshot",
      "startSandbox",
      "stopSandbox",
    ]);
  });

  test("npm run spec:diff prints the report, --json the data, and exits 1 on a breaking change", () => {
    const tsx = join(__dirname, "..", "node_modules", ".bin", "tsx");
    const cli = join(__dirname, "..", "scripts", "spec-diff", "cli.ts");
    const run = (args: string[]) => {
      try {
        return { code: 0, out: execFileSync(tsx, [cli, ...args], { encoding: "utf8" }) };
      } catch (e) {
        const err = e as { status: number; stdout: string };
        return { code: err.status, out: err.stdout };
      }
    };
    const text = run([v1, v2]);
    expect(text.code).toBe(1);
    expect(text.out).toContain("BREAKING      request body › region: new required field");
    expect(text.out).toContain("7 change(s): 1 breaking, 6 non-breaking for SDK users.");
    const json = run([v1, v2, "--json"]);
    expect(JSON.parse(json.out)).toMatchObject({ breaking: 1, nonBreaking: 6 });
    expect(run([v1, v1])).toMatchObject({ code: 0 });
  });
});
