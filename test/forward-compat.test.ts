/**
 * Forward compatibility, two ways. Facade methods against Prism in dynamic mode with fixed
 * seeds: Prism answers with random data from the schemas (`null` where a field is nullable,
 * optional fields present or not, unknown extra properties), the way a newer server may; nothing
 * may break, and what comes back must still have the shape the models promise. And a sandbox
 * field the service adds: it arrives on the handle.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningPrism, startPrism } from "../scripts/prism";
import { Leap0Client, Sandbox } from "../src";
import { FaultServer, ok, SANDBOX } from "./support/fault-server";
import { API_KEY, type Recorder, recorder } from "./support/helpers";

function expectSandbox(s: Sandbox): void {
  expect(s).toBeInstanceOf(Sandbox);
  expect(typeof s.id).toBe("string");
  expect(typeof s.state).toBe("string");
  expect(Number.isInteger(s.vcpu)).toBe(true);
  expect(typeof s.autoPause).toBe("boolean");
  expect(s.networkPolicy === null || s.networkPolicy === undefined || typeof s.networkPolicy.mode === "string").toBe(
    true,
  );
  expect(JSON.parse(JSON.stringify(s)).id).toBe(s.id);
}

// Two fixed seeds: each makes Prism answer every operation with one repeatable random body
// (the second one, for instance, has `network_policy: null`).
describe.each([20261125, 42])("random responses from Prism -d --seed %i break nothing", (seed) => {
  let prism: RunningPrism;
  let client: Leap0Client;
  let rec: Recorder;
  beforeAll(async () => {
    prism = await startPrism({ dynamic: true, seed });
    rec = recorder();
    client = new Leap0Client({ apiKey: API_KEY, baseUrl: prism.url, fetch: rec.fetch });
  });
  afterAll(async () => {
    await prism?.stop();
  });

  test("sandbox lifecycle", async () => {
    for (let i = 0; i < 5; i++) {
      const sandbox = await client.sandboxes.create({ vcpu: 2, memory: 2048 });
      expectSandbox(sandbox);
      expectSandbox(await sandbox.refresh());
      expectSandbox(await sandbox.pause());
      expectSandbox(await sandbox.stop());
      expectSandbox(await sandbox.start());
      expectSandbox(await client.sandboxes.get(sandbox.id));
      await sandbox.delete();
    }
  });

  test("snapshots: create, restore, list, iterate, delete", async () => {
    for (let i = 0; i < 5; i++) {
      const snapshot = await client.snapshots.create("sbx-any", { name: "warm" });
      expect(typeof snapshot.name).toBe("string");
      expectSandbox(await client.snapshots.restore({ snapshotName: "warm" }));
      const page = await client.snapshots.list({ pageSize: 5 });
      expect(Number.isInteger(page.totalItems)).toBe(true);
      for (const s of page.items) expect(typeof s.id).toBe("string");
      let seen = 0;
      for await (const s of client.snapshots.iterate({ query: "w" })) {
        expect(typeof s.createdAt).toBe("string");
        if (++seen > 1000) break;
      }
      await client.snapshots.delete(snapshot);
    }
  });

  test("sandbox lists", async () => {
    for (let i = 0; i < 5; i++) {
      const page = await client.sandboxes.list({ state: "running" });
      for (const s of page.items) expect(typeof s.podId).toBe("string");
      let seen = 0;
      for await (const s of client.sandboxes.iterate()) {
        expect(typeof s.id).toBe("string");
        if (++seen > 1000) break;
      }
    }
  });

  test("Prism found every request valid", () => {
    expect(rec.sent.length).toBeGreaterThan(40);
    expect(rec.violations()).toEqual([]);
  });
});

describe("what Prism does not generate: unknown fields, states and modes", () => {
  const server = new FaultServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  test("a newer server's sandbox body still maps, keeping the new values", async () => {
    const newer = {
      ...SANDBOX,
      state: "hibernating",
      network_policy: { mode: "egress-proxy", allow_domains: ["a.com"], proxy_url: "http://proxy" },
      region: "eu-west",
      labels: { team: "agents" },
    };
    server.next(ok(newer, 201), ok(newer));
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url });
    const sandbox = await client.snapshots.restore({ snapshotName: "warm" });
    expect(sandbox.state).toBe("hibernating");
    // Unknown fields are kept (camelCased by the same rule), so a newer server loses nothing.
    expect(sandbox.networkPolicy).toEqual({ mode: "egress-proxy", allowDomains: ["a.com"], proxyUrl: "http://proxy" });
    await sandbox.refresh();
    expect(sandbox.state).toBe("hibernating");
  });
});

describe("a sandbox field the service adds arrives on the handle", () => {
  test("create, refresh and state calls carry it; printing and JSON show it; members are not overwritten", async () => {
    const { createMockLeap0 } = await import("../src/testing");
    const mock = createMockLeap0();
    // The service of tomorrow: every sandbox answer has a field today's contract lacks, and one
    // named like a member of the handle.
    const newer = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await mock.fetch(input, init);
      const type = res.headers.get("content-type") ?? "";
      if (!type.includes("json")) return res;
      const body = await res.json();
      if (body && typeof body === "object" && "template_id" in body) {
        Object.assign(body, { gpu_count: 2, region_name: "eu-west", git: "not the git client" });
      }
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    }) as typeof fetch;
    const client = new Leap0Client({ apiKey: API_KEY, fetch: newer });
    const sandbox = await client.sandboxes.create();
    const fields = sandbox as unknown as Record<string, unknown>;
    expect(fields.gpuCount).toBe(2);
    expect(fields.regionName).toBe("eu-west");
    expect(sandbox.git).toBeInstanceOf(Object);
    expect(typeof sandbox.git.status).toBe("function");
    expect(JSON.parse(JSON.stringify(sandbox))).toMatchObject({ id: sandbox.id, gpuCount: 2, regionName: "eu-west" });
    await sandbox.refresh();
    expect(fields.gpuCount).toBe(2);
    expect(sandbox.state).toBe("running");
  });
});
