/**
 * Live contract tests, run by `npm run test:contract` through a validating Prism proxy. Every
 * facade method is used against the real API; any request or response that breaks
 * openapi.yaml fails with Prism's violation message. Everything created is deleted in
 * afterAll, straight against the API (not through the proxy), even when a test fails.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Leap0Client, Leap0NotFoundError, type Sandbox, type Snapshot } from "../../src";

const PROXY = process.env.LEAP0_CONTRACT_PROXY;
const UPSTREAM = process.env.LEAP0_CONTRACT_UPSTREAM;
const violations: string[] = [];

/** Forwards to the proxy and turns a Prism violation answer into a readable failure. */
const checkingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const header = response.headers.get("sl-violations");
  if (header) violations.push(header);
  if (response.status >= 400 && (response.headers.get("content-type") ?? "").includes("problem+json")) {
    const problem = (await response.clone().json()) as { type?: string; detail?: string; validation?: unknown[] };
    if (problem.type?.includes("prism") || problem.validation) {
      const detail = JSON.stringify(problem.validation ?? problem.detail);
      violations.push(detail);
      throw new Error(`contract violation (${response.status}): ${detail}`);
    }
  }
  return response;
};

const created = { sandboxes: new Set<string>(), snapshots: new Set<string>() };
let client: Leap0Client;
let sandbox: Sandbox;
let snapshot: Snapshot;
let restored: Sandbox;

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 300_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

beforeAll(() => {
  if (!PROXY) throw new Error("run through `npm run test:contract`, which starts the validating proxy");
  client = new Leap0Client({ baseUrl: PROXY, fetch: checkingFetch, timeout: 600 });
});

afterAll(async () => {
  // Clean up straight against the API, so a broken proxy cannot leave sandboxes running.
  const direct = new Leap0Client({ baseUrl: UPSTREAM, timeout: 120 });
  const settle = async (del: () => Promise<void>) => {
    for (let i = 0; i < 30; i++) {
      try {
        return await del();
      } catch (e) {
        if (e instanceof Leap0NotFoundError) return;
        await new Promise((r) => setTimeout(r, 3000)); // 409 while transitioning: wait and retry
      }
    }
  };
  for (const id of created.sandboxes) await settle(() => direct.sandboxes.delete(id));
  for (const id of created.snapshots) await settle(() => direct.snapshots.delete(id));
  await direct.close();
  await client?.close();
});

describe("live contract", () => {
  test("create a sandbox and wait until it runs", async () => {
    sandbox = await client.sandboxes.create({ vcpu: 1, memory: 1024, timeout: 900 });
    created.sandboxes.add(sandbox.id);
    await until(
      "running",
      () => sandbox.refresh(),
      (s) => s.state === "running",
    );
    expect(sandbox.id).toBeTruthy();
  });

  test("get and list it", async () => {
    const same = await client.sandboxes.get(sandbox.id);
    expect(same.id).toBe(sandbox.id);
    const page = await client.sandboxes.list({ state: "running", pageSize: 100 });
    expect(page.totalItems).toBeGreaterThanOrEqual(1);
  });

  test("snapshot it", async () => {
    snapshot = await sandbox.createSnapshot({ name: `leap0-js-contract-${Date.now().toString(36)}` });
    created.snapshots.add(snapshot.id);
    expect(snapshot.name).toMatch(/^leap0-js-contract-/);
    const names: string[] = [];
    for await (const s of client.snapshots.iterate({ query: snapshot.name })) names.push(s.name);
    expect(names).toContain(snapshot.name);
  });

  test("restore the snapshot, then stop and start the restored sandbox", async () => {
    restored = await client.snapshots.restore({ snapshotName: snapshot.name, timeout: 900 });
    created.sandboxes.add(restored.id);
    await until(
      "restored running",
      () => restored.refresh(),
      (s) => s.state === "running",
    );
    await restored.stop();
    await until(
      "stopped",
      () => restored.refresh(),
      (s) => s.state === "stopped",
    );
    await restored.start();
    await until(
      "running again",
      () => restored.refresh(),
      (s) => s.state === "running",
    );
  });

  test("a missing sandbox is a Leap0NotFoundError with a contract-shaped body", async () => {
    await expect(client.sandboxes.get("sbx-does-not-exist-leap0-js")).rejects.toBeInstanceOf(Leap0NotFoundError);
  });

  test("delete what was made", async () => {
    await restored.delete();
    await sandbox.delete();
    await until(
      "snapshot deletable",
      () =>
        client.snapshots.delete(snapshot).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      120_000,
    );
    created.snapshots.delete(snapshot.id);
  });

  test("Prism saw no violation in any request or response", () => {
    expect(violations).toEqual([]);
  });
});
