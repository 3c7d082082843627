/**
 * Property-based checks of the parameter rules: every generated invalid value is refused before
 * the network with a message naming the field; every generated valid value is sent and accepted
 * by Prism's request validation against openapi.yaml (no `sl-violations`). The bounds come from
 * openapi.yaml, read here on their own (not through the generated checks under test), so a
 * bound the spec changes moves the test with it.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Leap0ValidationError, NetworkPolicyMode } from "../src";
import { mockClient } from "./support/helpers";
import { resolve, SPEC } from "./support/spec-sample";

const RUNS = 60;

type Node = Record<string, unknown>;
/** A field of a component schema of openapi.yaml (wire name). */
const field = (schema: string, name: string): Node =>
  resolve((resolve((SPEC.components as Node).schemas as Node)[schema] as Node).properties as Node)[name] as Node;
/** A parameter of openapi.yaml's components (`page`, `pageSize`), its schema. */
const param = (name: string): Node =>
  resolve(resolve(((SPEC.components as Node).parameters as Node)[name] as Node).schema as Node);
const num = (n: Node, key: string) => n[key] as number;
const CREATE = {
  vcpu: field("SandboxCreateRequest", "vcpu"),
  memory: field("SandboxCreateRequest", "memory"),
  timeout: field("SandboxCreateRequest", "timeout"),
};
const RESTORE_TIMEOUT = field("SnapshotRestoreRequest", "timeout");
const NAME_MAX = num(field("SnapshotCreateRequest", "name"), "x-leap0-maxLength");
const QUERY_MAX = num(
  resolve(
    (((SPEC.paths as Node)["/v1/snapshots"] as Node).get as { parameters: Node[] }).parameters
      .map((p) => resolve(p))
      .find((p) => p.name === "query")?.schema as Node,
  ),
  "maxLength",
);
const PAGE_SIZE = param("pageSize");
const between = (n: Node) => [num(n, "minimum"), num(n, "maximum")] as const;

const notInt = fc.oneof(
  fc.double({ noNaN: false }).filter((n) => !Number.isInteger(n)),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
);
const intOutside = (min: number, max: number) => fc.oneof(fc.integer({ max: min - 1 }), fc.integer({ min: max + 1 }));
const blank = fc.stringMatching(/^[ \t\n]*$/);
const tooLongName = fc
  .string({ minLength: NAME_MAX + 1, maxLength: NAME_MAX + 136 })
  .filter((s) => s.trim().length > NAME_MAX);

/** Calls with `value` at `field` and expects a refusal naming it, with nothing sent. */
async function refused(field: string, call: (c: ReturnType<typeof mockClient>["client"]) => Promise<unknown>) {
  const { client, rec } = mockClient();
  const error = await call(client).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Leap0ValidationError);
  expect((error as Leap0ValidationError).fieldErrors.map((f) => f.field)).toContain(field);
  expect((error as Error).message).toContain(field);
  expect(rec.sent).toHaveLength(0);
}

describe("invalid values never reach the network", () => {
  test.each([
    ["vcpu", fc.oneof(intOutside(...between(CREATE.vcpu)), notInt)],
    [
      "memory",
      fc.oneof(
        intOutside(...between(CREATE.memory)),
        notInt,
        // Inside the range but not a multiple of the step (x-leap0-multipleOf).
        fc
          .integer({ min: num(CREATE.memory, "minimum"), max: num(CREATE.memory, "maximum") - 1 })
          .filter((n) => n % num(CREATE.memory, "x-leap0-multipleOf") !== 0),
      ),
    ],
    ["timeout", fc.oneof(intOutside(...between(CREATE.timeout)), notInt)],
    ["templateName", fc.oneof(blank, fc.integer())],
  ] as const)("sandboxes.create: %s", async (field, arb) => {
    await fc.assert(
      fc.asyncProperty(arb, (value) => refused(field, (c) => c.sandboxes.create({ [field]: value } as never))),
      { numRuns: RUNS },
    );
  });

  test.each([
    ["snapshotName", fc.oneof(blank, tooLongName, fc.integer())],
    ["timeout", fc.oneof(intOutside(...between(RESTORE_TIMEOUT)), notInt)],
  ] as const)("snapshots.restore: %s", async (field, arb) => {
    await fc.assert(
      fc.asyncProperty(arb, (value) =>
        refused(field, (c) => c.snapshots.restore({ snapshotName: "warm", [field]: value } as never)),
      ),
      { numRuns: RUNS },
    );
  });

  test("createSnapshot: name", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(blank, tooLongName), (name) =>
        refused("name", (c) => c.snapshots.create("sbx-a1", { name })),
      ),
      { numRuns: RUNS },
    );
  });

  test.each([
    ["page", fc.oneof(fc.integer({ max: 0 }), notInt)],
    ["pageSize", fc.oneof(intOutside(...between(PAGE_SIZE)), notInt)],
    ["query", fc.string({ minLength: QUERY_MAX + 1, maxLength: QUERY_MAX + 36 })],
  ] as const)("snapshots.list: %s", async (field, arb) => {
    await fc.assert(
      fc.asyncProperty(arb, (value) => refused(field, (c) => c.snapshots.list({ [field]: value } as never))),
      { numRuns: RUNS },
    );
  });
});

const ipv4Cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`);
const networkPolicy = fc
  .record(
    {
      mode: fc.constantFrom(NetworkPolicyMode.ALLOW_ALL, NetworkPolicyMode.DENY_ALL, NetworkPolicyMode.CUSTOM),
      allowDomains: fc.array(fc.domain(), { maxLength: 50 }),
      allowCidrs: fc.array(ipv4Cidr, { maxLength: 10 }),
      transforms: fc.array(
        fc.record(
          {
            domain: fc.domain(),
            injectHeaders: fc.dictionary(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string()),
            stripHeaders: fc.array(fc.stringMatching(/^[A-Za-z-]{1,20}$/), { maxLength: 5 }),
          },
          { requiredKeys: ["domain"] },
        ),
        { maxLength: 20 },
      ),
    },
    { requiredKeys: ["mode"] },
  )
  .map((p) =>
    // The lists are for custom mode only (x-leap0-onlyWhen): other modes get none.
    p.mode === NetworkPolicyMode.CUSTOM ? p : { ...p, allowDomains: undefined, allowCidrs: undefined },
  );
const validName = fc.string({ minLength: 1, maxLength: NAME_MAX }).filter((s) => s.trim().length > 0);

describe("valid values are accepted by Prism's validation of openapi.yaml", () => {
  test("sandboxes.create", async () => {
    const { client, rec } = mockClient();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            templateName: validName,
            vcpu: fc.integer({ min: num(CREATE.vcpu, "minimum"), max: num(CREATE.vcpu, "maximum") }),
            memory: fc
              .integer({
                min: num(CREATE.memory, "minimum") / num(CREATE.memory, "x-leap0-multipleOf"),
                max: num(CREATE.memory, "maximum") / num(CREATE.memory, "x-leap0-multipleOf"),
              })
              .map((n) => n * num(CREATE.memory, "x-leap0-multipleOf")),
            timeout: fc.integer({ min: num(CREATE.timeout, "minimum"), max: num(CREATE.timeout, "maximum") }),
            autoPause: fc.boolean(),
            envVars: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,16}$/), fc.string()),
            networkPolicy: fc.option(networkPolicy),
          },
          { requiredKeys: [] },
        ),
        async (params) => {
          const sandbox = await client.sandboxes.create(params);
          expect(sandbox.id).toMatch(/^sbx-/);
        },
      ),
      { numRuns: RUNS },
    );
    expect(rec.violations()).toEqual([]);
    expect(rec.sent.every((s) => s.status === 201)).toBe(true);
  });

  test("snapshots.restore and createSnapshot", async () => {
    const { client, rec } = mockClient();
    await fc.assert(
      fc.asyncProperty(
        validName,
        fc.record(
          {
            timeout: fc.integer({ min: num(RESTORE_TIMEOUT, "minimum"), max: num(RESTORE_TIMEOUT, "maximum") }),
            autoPause: fc.boolean(),
            networkPolicy: fc.option(networkPolicy),
          },
          { requiredKeys: [] },
        ),
        fc.boolean(),
        async (name, rest, kill) => {
          await client.snapshots.create("sbx-7f3k2m9q4d", { name, killSandboxAfter: kill });
          await client.snapshots.restore({ snapshotName: name, ...rest });
        },
      ),
      { numRuns: RUNS },
    );
    expect(rec.violations()).toEqual([]);
    expect(rec.sent.every((s) => s.status === 201)).toBe(true);
  });

  test("snapshots.list and sandboxes.list", async () => {
    const { client, rec } = mockClient();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            query: fc.string({ maxLength: QUERY_MAX }),
            sort: fc.constantFrom("created_at", "template_id"),
            orderBy: fc.constantFrom("asc", "desc"),
            page: fc.integer({ min: 1, max: 10_000 }),
            pageSize: fc.integer({ min: num(PAGE_SIZE, "minimum"), max: num(PAGE_SIZE, "maximum") }),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom(
          "starting",
          "stopping",
          "snapshotting",
          "running",
          "paused",
          "unpausing",
          "stopped",
          "deleting",
        ),
        async (params, state) => {
          await client.snapshots.list(params);
          await client.sandboxes.list({ state, pageSize: params.pageSize });
        },
      ),
      { numRuns: RUNS },
    );
    expect(rec.violations()).toEqual([]);
    expect(rec.sent.every((s) => s.status === 200)).toBe(true);
  });
});
