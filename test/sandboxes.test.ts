import { afterEach, describe, expect, test } from "vitest";
import { NetworkPolicyMode, Sandbox, SandboxState } from "../src";
import { mockClient, type Recorder } from "./support/helpers";

let rec: Recorder;
afterEach(() => {
  // Prism validated every request we sent against openapi.yaml.
  expect(rec.violations()).toEqual([]);
});

describe("client.sandboxes against the Prism mock", () => {
  test("create() with no params sends only the default template and returns a live handle", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = await m.client.sandboxes.create();
    expect(rec.sent).toHaveLength(1);
    expect(rec.sent[0]).toMatchObject({ method: "POST", path: "/v1/sandbox/", status: 201 });
    expect(rec.sent[0]?.body).toEqual({ template_name: "system/debian:bookworm" });
    expect(sandbox).toBeInstanceOf(Sandbox);
    expect(sandbox).toMatchObject({
      id: "sbx-7f3k2m9q4d",
      templateId: "tpl-debian-bookworm",
      state: SandboxState.STARTING,
      vcpu: 2,
      memory: 2048,
      disk: 4096,
      timeout: 600,
      autoPause: true,
      networkPolicy: { mode: "allow-all" },
      createdAt: "2026-11-25T09:14:03Z",
    });
  });

  test("create() maps every camelCase option to its snake_case wire field", async () => {
    const m = mockClient();
    rec = m.rec;
    await m.client.sandboxes.create({
      templateName: "  system/python:3.12  ",
      vcpu: 2,
      memory: 2048,
      timeout: 600,
      autoPause: true,
      envVars: { NODE_ENV: "production" },
      networkPolicy: {
        mode: NetworkPolicyMode.CUSTOM,
        allowDomains: ["pypi.org"],
        allowCidrs: ["1.2.3.4/32", "2001:db8::/32"],
        transforms: [
          { domain: "api.openai.com", injectHeaders: { Authorization: "Bearer x" }, stripHeaders: ["Cookie"] },
        ],
      },
      mounts: [{ bucket: "assets", mountPath: "/data", endpoint: "https://s3.example.com", readOnly: true }],
    });
    expect(rec.sent[0]?.body).toEqual({
      template_name: "system/python:3.12",
      vcpu: 2,
      memory: 2048,
      timeout: 600,
      auto_pause: true,
      env_vars: { NODE_ENV: "production" },
      network_policy: {
        mode: "custom",
        allow_domains: ["pypi.org"],
        allow_cidrs: ["1.2.3.4/32", "2001:db8::/32"],
        transforms: [
          { domain: "api.openai.com", inject_headers: { Authorization: "Bearer x" }, strip_headers: ["Cookie"] },
        ],
      },
      mounts: [
        {
          type: "object-storage",
          bucket: "assets",
          mount_path: "/data",
          endpoint: "https://s3.example.com",
          read_only: true,
        },
      ],
    });
  });

  test("create() sends networkPolicy: null as null (no policy)", async () => {
    const m = mockClient();
    rec = m.rec;
    await m.client.sandboxes.create({ networkPolicy: null });
    expect(rec.sent[0]?.body).toEqual({ template_name: "system/debian:bookworm", network_policy: null });
  });

  test("get() accepts an id or an object with an id, and keeps network policy unknown", async () => {
    const m = mockClient();
    rec = m.rec;
    const byId = await m.client.sandboxes.get("sbx-7f3k2m9q4d");
    const byRef = await m.client.sandboxes.get({ id: "sbx-7f3k2m9q4d" });
    expect(rec.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      "GET /v1/sandbox/sbx-7f3k2m9q4d/",
      "GET /v1/sandbox/sbx-7f3k2m9q4d/",
    ]);
    expect(byId.state).toBe("running");
    expect(byRef.id).toBe("sbx-7f3k2m9q4d");
    expect(byId.networkPolicy).toBeUndefined();
  });

  test("ids are percent-encoded so they cannot change the request path", async () => {
    const m = mockClient({ headers: { Prefer: "code=404" } });
    rec = m.rec;
    await expect(m.client.sandboxes.get("a/b?c#d")).rejects.toMatchObject({ status: 404 });
    await expect(m.client.sandboxes.delete("../x")).rejects.toMatchObject({ status: 404 });
    expect(rec.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      "GET /v1/sandbox/a%2Fb%3Fc%23d/",
      "DELETE /v1/sandbox/..%2Fx/",
    ]);
    expect([...rec.sent[0]!.query.keys()]).toEqual([]);
  });

  test("list() sends the filters as the contract's query names and maps the page", async () => {
    const m = mockClient();
    rec = m.rec;
    const page = await m.client.sandboxes.list({
      state: "running",
      sort: "state",
      orderBy: "asc",
      page: 2,
      pageSize: 50,
    });
    expect(Object.fromEntries(rec.sent[0]!.query)).toEqual({
      state: "running",
      sort: "state",
      "order-by": "asc",
      page: "2",
      "page-size": "50",
    });
    expect(page.totalItems).toBe(1);
    expect(page.items[0]).toEqual({
      id: "sbx-7f3k2m9q4d",
      templateId: "tpl-debian-bookworm",
      podId: "runner-eu1-07",
      state: "running",
      launchTime: "2026-11-25T09:14:05Z",
      stateChangeTime: "2026-11-25T09:14:06Z",
      timeoutAt: 1796116443,
      createdAt: "2026-11-25T09:14:03Z",
    });
  });

  test("list() with no params sends no query string", async () => {
    const m = mockClient();
    rec = m.rec;
    await m.client.sandboxes.list();
    expect([...rec.sent[0]!.query.keys()]).toEqual([]);
  });

  test("iterate() walks the pages and stops at the total", async () => {
    const m = mockClient();
    rec = m.rec;
    const ids: string[] = [];
    for await (const s of m.client.sandboxes.iterate({ state: "running" })) ids.push(s.id);
    expect(ids).toEqual(["sbx-7f3k2m9q4d"]);
    expect(rec.sent).toHaveLength(1);
    expect(rec.sent[0]?.query.get("page-size")).toBe("100");
  });

  test("pause/stop/start/delete by reference hit their endpoints and return handles", async () => {
    const m = mockClient();
    rec = m.rec;
    const paused = await m.client.sandboxes.pause("sbx-7f3k2m9q4d");
    const stopped = await m.client.sandboxes.stop({ id: "sbx-7f3k2m9q4d" });
    const started = await m.client.sandboxes.start(stopped);
    await m.client.sandboxes.delete(started);
    expect([paused.state, stopped.state, started.state]).toEqual(["paused", "stopped", "starting"]);
    expect(rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      "POST /v1/sandbox/sbx-7f3k2m9q4d/pause 201",
      "POST /v1/sandbox/sbx-7f3k2m9q4d/stop 200",
      "POST /v1/sandbox/sbx-7f3k2m9q4d/start 200",
      "DELETE /v1/sandbox/sbx-7f3k2m9q4d/ 204",
    ]);
    expect(rec.sent.every((s) => s.body === undefined)).toBe(true);
  });

  test("handle methods keep the handle's own state current", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = await m.client.sandboxes.create();
    expect(sandbox.state).toBe("starting");
    expect(await sandbox.refresh()).toBe(sandbox);
    expect(sandbox.state).toBe("running");
    // getSandbox says nothing about the policy: the handle keeps the one it knew.
    expect(sandbox.networkPolicy).toEqual({ mode: "allow-all" });
    await sandbox.pause();
    expect(sandbox.state).toBe("paused");
    await sandbox.stop();
    expect(sandbox.state).toBe("stopped");
    await sandbox.start();
    expect(sandbox.state).toBe("starting");
    await sandbox.delete();
    expect(sandbox.state).toBe(SandboxState.DELETED);
    expect(rec.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      "POST /v1/sandbox/",
      "GET /v1/sandbox/sbx-7f3k2m9q4d/",
      "POST /v1/sandbox/sbx-7f3k2m9q4d/pause",
      "POST /v1/sandbox/sbx-7f3k2m9q4d/stop",
      "POST /v1/sandbox/sbx-7f3k2m9q4d/start",
      "DELETE /v1/sandbox/sbx-7f3k2m9q4d/",
    ]);
  });
});
