/**
 * Property-based checks of the parameter rules: every generated invalid value is refused before
 * the network with a message naming the field; every generated valid value is sent and accepted
 * by Prism's request validation against openapi.yaml (no `sl-violations`).
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Leap0ValidationError, NetworkPolicyMode } from "../src";
import { mockClient } from "./support/helpers";

const RUNS = 60;

const notInt = fc.oneof(
  fc.double({ noNaN: false }).filter((n) => !Number.isInteger(n)),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
);
const intOutside = (min: number, max: number) => fc.oneof(fc.integer({ max: min - 1 }), fc.integer({ min: max + 1 }));
const blank = fc.stringMatching(/^[ \t\n]*$/);
const tooLongName = fc.string({ minLength: 65, maxLength: 200 }).filter((s) => s.trim().length > 64);

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
    ["vcpu", fc.oneof(intOutside(1, 8), notInt)],
    [
      "memory",
      fc.oneof(
        intOutside(512, 8192),
        notInt,
        fc.integer({ min: 256, max: 4095 }).map((n) => n * 2 + 1),
      ),
    ],
    ["timeout", fc.oneof(intOutside(1, 28800), notInt)],
    ["templateName", fc.oneof(blank, fc.integer())],
  ] as const)("sandboxes.create: %s", async (field, arb) => {
    await fc.assert(
      fc.asyncProperty(arb, (value) => refused(field, (c) => c.sandboxes.create({ [field]: value } as never))),
      { numRuns: RUNS },
    );
  });

  test.each([
    ["snapshotName", fc.oneof(blank, tooLongName, fc.integer())],
    ["timeout", fc.oneof(intOutside(1, 28800), notInt)],
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
    ["pageSize", fc.oneof(intOutside(1, 100), notInt)],
    ["query", fc.string({ minLength: 65, maxLength: 100 })],
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
const validName = fc.string({ minLength: 1, maxLength: 64 }).filter((s) => s.trim().length > 0);

describe("valid values are accepted by Prism's validation of openapi.yaml", () => {
  test("sandboxes.create", async () => {
    const { client, rec } = mockClient();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            templateName: validName,
            vcpu: fc.integer({ min: 1, max: 8 }),
            memory: fc.integer({ min: 256, max: 4096 }).map((n) => n * 2),
            timeout: fc.integer({ min: 1, max: 28800 }),
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
            timeout: fc.integer({ min: 1, max: 28800 }),
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
            query: fc.string({ maxLength: 64 }),
            sort: fc.constantFrom("created_at", "template_id"),
            orderBy: fc.constantFrom("asc", "desc"),
            page: fc.integer({ min: 1, max: 10_000 }),
            pageSize: fc.integer({ min: 1, max: 100 }),
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
