import { afterEach, describe, expect, test } from "vitest";
import { NetworkPolicyMode, Sandbox } from "../src";
import { mockClient, type Recorder } from "./support/helpers";

let rec: Recorder;
afterEach(() => {
  expect(rec.violations()).toEqual([]);
});

const SNAPSHOT = {
  id: "snap-4n8w2c6x1p",
  name: "workspace-warm",
  templateId: "tpl-debian-bookworm",
  vcpu: 2,
  memory: 2048,
  disk: 4096,
  networkPolicy: { mode: "allow-all" },
  createdAt: "2026-11-25T09:31:47Z",
};

describe("snapshots against the Prism mock", () => {
  test("sandbox.createSnapshot() trims the name and maps killSandboxAfter", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = await m.client.sandboxes.get("sbx-7f3k2m9q4d");
    const snapshot = await sandbox.createSnapshot({ name: "  workspace-warm ", killSandboxAfter: true });
    expect(rec.sent[1]).toMatchObject({
      method: "POST",
      path: "/v1/sandbox/sbx-7f3k2m9q4d/snapshot/create",
      status: 201,
    });
    expect(rec.sent[1]?.body).toEqual({ name: "workspace-warm", kill_sandbox_after: true });
    expect(snapshot).toEqual(SNAPSHOT);
  });

  test("createSnapshot() with no params sends an empty body (the service names it)", async () => {
    const m = mockClient();
    rec = m.rec;
    await m.client.snapshots.create("sbx-7f3k2m9q4d");
    expect(rec.sent[0]?.body).toEqual({});
  });

  test("restore() sends the snake_case body and returns a live Sandbox handle", async () => {
    const m = mockClient();
    rec = m.rec;
    const restored = await m.client.snapshots.restore({
      snapshotName: " workspace-warm ",
      autoPause: true,
      timeout: 1800,
      networkPolicy: { mode: NetworkPolicyMode.DENY_ALL },
    });
    expect(rec.sent[0]).toMatchObject({ method: "POST", path: "/v1/snapshot/restore", status: 201 });
    expect(rec.sent[0]?.body).toEqual({
      snapshot_name: "workspace-warm",
      auto_pause: true,
      timeout: 1800,
      network_policy: { mode: "deny-all" },
    });
    expect(restored).toBeInstanceOf(Sandbox);
    expect(restored).toMatchObject({ id: "sbx-2r6t8y1u5h", state: "running", timeout: 1800 });
    await restored.pause();
    expect(restored.state).toBe("paused");
    expect(rec.sent[1]?.path).toBe("/v1/sandbox/sbx-2r6t8y1u5h/pause");
  });

  test("restore() with only a name omits every optional field", async () => {
    const m = mockClient();
    rec = m.rec;
    await m.client.snapshots.restore({ snapshotName: "workspace-warm" });
    expect(rec.sent[0]?.body).toEqual({ snapshot_name: "workspace-warm" });
  });

  test("list() and iterate() map snapshots and their query", async () => {
    const m = mockClient();
    rec = m.rec;
    const page = await m.client.snapshots.list({
      query: "workspace",
      sort: "template_id",
      orderBy: "asc",
      page: 1,
      pageSize: 5,
    });
    expect(Object.fromEntries(rec.sent[0]!.query)).toEqual({
      query: "workspace",
      sort: "template_id",
      "order-by": "asc",
      page: "1",
      "page-size": "5",
    });
    expect(page).toEqual({ items: [SNAPSHOT], totalItems: 1 });
    const names: string[] = [];
    for await (const s of m.client.snapshots.iterate({ query: "workspace" })) names.push(s.name);
    expect(names).toEqual(["workspace-warm"]);
  });

  test("delete() takes an id or a Snapshot", async () => {
    const m = mockClient();
    rec = m.rec;
    await m.client.snapshots.delete("snap-4n8w2c6x1p");
    const page = await m.client.snapshots.list();
    await m.client.snapshots.delete(page.items[0]!);
    expect(rec.sent.filter((s) => s.method === "DELETE").map((s) => `${s.path} ${s.status}`)).toEqual([
      "/v1/snapshot/snap-4n8w2c6x1p 204",
      "/v1/snapshot/snap-4n8w2c6x1p 204",
    ]);
  });
});
