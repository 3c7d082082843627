import { describe, expect, inject, test } from "vitest";
import { Leap0ValidationError } from "../src";
import { mockClient } from "./support/helpers";

/** Runs `call`, expects a Leap0ValidationError naming `field`, and proves nothing was sent. */
async function rejects(call: (c: ReturnType<typeof mockClient>["client"]) => unknown, field: string, error?: string) {
  const { client, rec } = mockClient();
  let thrown: unknown;
  try {
    await call(client);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(Leap0ValidationError);
  const e = thrown as Leap0ValidationError;
  expect(e.fieldErrors.map((f) => f.field)).toContain(field);
  if (error) expect(e.fieldErrors.find((f) => f.field === field)?.error).toBe(error);
  expect(e.message).toContain(field);
  expect(e.message).toContain("Nothing was sent");
  expect(rec.sent).toHaveLength(0);
}

describe("bad input is refused before any request, naming the field", () => {
  test.each<[object, string, string?]>([
    [{ vcpu: 0 }, "vcpu", "must be at least 1"],
    [{ vcpu: 9 }, "vcpu", "must be at most 8"],
    [{ vcpu: 1.5 }, "vcpu", "must be a whole number"],
    [{ memory: 510 }, "memory", "must be at least 512"],
    [{ memory: 8194 }, "memory", "must be at most 8192"],
    [{ memory: 1025 }, "memory", "must be a multiple of 2"],
    [{ timeout: 0 }, "timeout", "must be at least 1"],
    [{ timeout: 28801 }, "timeout", "must be at most 28800"],
    [{ templateName: "   " }, "templateName", "must not be empty"],
    [{ autoPause: "yes" }, "autoPause", "must be a boolean"],
    [{ envVars: { A: 1 } }, "envVars.A", "must be a string"],
    [
      { memoryMib: 1024 },
      "memoryMib",
      "is not a field (allowed: templateName, envVars, mounts, vcpu, memory, timeout, autoPause, networkPolicy); did you mean memory?",
    ],
    [{ networkPolicy: { mode: "open" } }, "networkPolicy.mode", 'must be one of "allow-all", "deny-all", "custom"'],
    [
      { networkPolicy: { mode: "custom", allowCidrs: Array(11).fill("10.0.0.0/8") } },
      "networkPolicy.allowCidrs",
      "must be at most 10 items",
    ],
    [
      { networkPolicy: { mode: "custom", allowDomains: Array(51).fill("a.com") } },
      "networkPolicy.allowDomains",
      "must be at most 50 items",
    ],
    [
      { networkPolicy: { mode: "custom", transforms: Array(21).fill({ domain: "a.com" }) } },
      "networkPolicy.transforms",
      "must be at most 20 items",
    ],
    [{ networkPolicy: { mode: "custom", allowCidrs: ["not-a-cidr"] } }, "networkPolicy.allowCidrs.0"],
    [
      { mounts: Array(9).fill({ bucket: "b", mountPath: "/m", endpoint: "https://e" }) },
      "mounts",
      "must be at most 8 items",
    ],
    [{ mounts: [{ bucket: "b", mountPath: "/m", endpoint: "nope" }] }, "mounts.0.endpoint"],
  ])("sandboxes.create(%j) → %s", async (params, field, error) => {
    await rejects((c) => c.sandboxes.create(params as never), field, error);
  });

  test.each<[object, string, string?]>([
    [{ name: "   " }, "name", "must not be empty"],
    [{ name: "x".repeat(65) }, "name", "must be at most 64 characters"],
    [{ killSandboxAfter: 1 }, "killSandboxAfter", "must be a boolean"],
  ])("createSnapshot(%j) → %s", async (params, field, error) => {
    await rejects((c) => c.snapshots.create("sbx-a1", params as never), field, error);
  });

  test.each<[object, string, string?]>([
    [{}, "snapshotName", "is required"],
    [{ snapshotName: "" }, "snapshotName", "must not be empty"],
    [{ snapshotName: ` ${"y".repeat(65)} ` }, "snapshotName", "must be at most 64 characters"],
    [{ snapshotName: "a", timeout: 28801 }, "timeout", "must be at most 28800"],
    [{ snapshotName: "a", timeoutMin: 5 }, "timeoutMin"],
  ])("snapshots.restore(%j) → %s", async (params, field, error) => {
    await rejects((c) => c.snapshots.restore(params as never), field, error);
  });

  test.each<[object, string, string?]>([
    [{ page: 0 }, "page", "must be at least 1"],
    [{ pageSize: 101 }, "pageSize", "must be at most 100"],
    [{ pageSize: 0 }, "pageSize", "must be at least 1"],
    [{ query: "q".repeat(65) }, "query", "must be at most 64 characters"],
    [{ sort: "name" }, "sort", 'must be one of "created_at", "template_id"'],
    [{ orderBy: "up" }, "orderBy", 'must be one of "asc", "desc"'],
  ])("snapshots.list(%j) → %s", async (params, field, error) => {
    await rejects((c) => c.snapshots.list(params as never), field, error);
  });

  test("sandboxes.list refuses a state the list endpoint does not filter by", async () => {
    await rejects((c) => c.sandboxes.list({ state: "deleted" as never }), "state");
  });

  test("iterate() refuses bad params at once, before the first page", async () => {
    await rejects((c) => c.snapshots.iterate({ pageSize: 500 }), "pageSize");
  });

  test.each([[""], ["  "], ["."], [".."]])("sandbox reference %j is refused", async (id) => {
    await rejects((c) => c.sandboxes.get(id), "sandbox id");
    await rejects((c) => c.sandboxes.get({ id }), "sandbox id");
    await rejects((c) => c.snapshots.delete({ id }), "snapshot id");
  });

  test("a per-call timeout that is not a positive number is refused", async () => {
    const { client, rec } = mockClient();
    await expect(client.sandboxes.list({}, { timeout: -1 })).rejects.toThrow("timeout: must be a positive number");
    expect(rec.sent).toHaveLength(0);
  });
});

describe("the key goes only to a sandbox's own host", () => {
  // The in-sandbox APIs carry the organisation's key to https://{id}.{domain}; https://{id}-{port}.{domain}
  // is a port of that sandbox, which serves the user's own code.
  test.each([
    ["sbx-a1-8080", "names port 8080 of another sandbox", /port 8080 of sandbox "sbx-a1"/],
    ["sbx-1", "names port 1 of sandbox sbx", /port 1 of sandbox "sbx"/],
    ["SBX-A1", "differs from sbx-a1 only by case, which a host name ignores", /lower-case/],
    ["Sbx-a1", "has an upper-case letter", /lower-case/],
  ])("%s (%s) is refused before anything is sent, on every in-sandbox path", async (id, _why, message) => {
    for (const call of [
      (c: ReturnType<typeof mockClient>["client"]) => c.sandboxes.connect(id).codeInterpreter.execute({ code: "1" }),
      (c: ReturnType<typeof mockClient>["client"]) => c.sandboxes.connect(id).desktop.screenshot(),
      (c: ReturnType<typeof mockClient>["client"]) => c.sandboxes.connect(id).invokeUrl("/", 3000),
      (c: ReturnType<typeof mockClient>["client"]) => c.sandboxes.connect(id).desktop.desktopUrl(),
    ]) {
      await rejects(call, "sandbox id");
      const { client } = mockClient();
      expect(() => client.sandboxes.connect(id).invokeUrl()).toThrow(message);
    }
  });

  test("an id whose last part is a number but no port (over 65535), or letters, is a sandbox of its own", () => {
    const { client } = mockClient();
    expect(client.sandboxes.connect("sbx-70000").invokeUrl("/")).toMatch(/^https:\/\/sbx-70000\./);
    expect(client.sandboxes.connect("sbx-7f3k2m9q4d").invokeUrl("/", 8080)).toMatch(/^https:\/\/sbx-7f3k2m9q4d-8080\./);
  });

  test("a sandboxDomain that looks like a key is refused, and the message does not repeat it", async () => {
    const { Leap0Client } = await import("../src");
    const key = "sk-live-0123456789abcdef0123";
    for (const sandboxDomain of [key, `${key}.sandbox.leap0.dev`, "lp0abcdef0123456789"]) {
      let thrown: unknown;
      try {
        new Leap0Client({ apiKey: key, sandboxDomain });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Leap0ValidationError);
      expect((thrown as Error).message).toContain("sandboxDomain");
      expect((thrown as Error).message).not.toContain(sandboxDomain);
      expect((thrown as Error).message).not.toContain(key);
    }
    for (const sandboxDomain of ["sandbox.leap0.dev", "localhost", "sandboxes.internal.example:8443"]) {
      expect(() => new Leap0Client({ apiKey: key, sandboxDomain })).not.toThrow();
    }
  });
});

describe("rules the contracts state only in prose are checked before sending (x-leap0-…)", () => {
  const sandbox = (c: ReturnType<typeof mockClient>["client"]) => c.sandboxes.connect("sbx-7f3k2m9q4d");
  const mount = { bucket: "b", endpoint: "https://s3.example.com", mountPath: "/data" };

  test.each<[string, (c: ReturnType<typeof mockClient>["client"]) => unknown, string]>([
    ["screenshot: width without height", (c) => sandbox(c).desktop.screenshot({ width: 100 }), "height"],
    ["screenshot: height without width", (c) => sandbox(c).desktop.screenshot({ height: 100 }), "height"],
    ["screenshot: a 0 width with a height", (c) => sandbox(c).desktop.screenshot({ width: 0, height: 80 }), "height"],
    ["click: x without y", (c) => sandbox(c).desktop.click({ x: 10 }), "y"],
    ["click: y without x", (c) => sandbox(c).desktop.click({ y: 10 }), "y"],
    [
      "a deny-all policy with domains to allow",
      (c) => c.sandboxes.create({ networkPolicy: { mode: "deny-all", allowDomains: ["pypi.org"] } }),
      "networkPolicy.allowDomains",
    ],
    [
      "an allow-all policy with CIDRs to allow, on restore",
      (c) =>
        c.snapshots.restore({ snapshotName: "w", networkPolicy: { mode: "allow-all", allowCidrs: ["1.2.3.4/32"] } }),
      "networkPolicy.allowCidrs",
    ],
    ["a mount prefix that is no key prefix", (c) => sandbox(c).addMount({ ...mount, prefix: "logs" }), "prefix"],
    ["a template name with a space", (c) => c.templates.create({ name: "my image", uri: "docker.io/x" }), "name"],
    ["a template name under system/", (c) => c.templates.create({ name: "system/x", uri: "docker.io/x" }), "name"],
  ])("%s is refused, naming the field", async (_what, call, field) => {
    await rejects(call, field);
  });

  test("what the rules allow is sent", async () => {
    const { client, rec } = mockClient({ sandboxUrl: inject("prismUrl") });
    const s = sandbox(client);
    await s.desktop.screenshot({ width: 100, height: 80 });
    await s.desktop.screenshot({ width: 0, height: 0 });
    await s.desktop.screenshot();
    await s.desktop.click({ x: 1, y: 2 });
    await s.desktop.click();
    await client.sandboxes.create({ networkPolicy: { mode: "custom", allowDomains: ["pypi.org"] } });
    await client.sandboxes.create({ networkPolicy: { mode: "deny-all", allowDomains: [] } });
    await s.addMount({ ...mount, prefix: "logs/" });
    await client.templates.create({ name: "my-image", uri: "docker.io/x" });
    expect(rec.sent).toHaveLength(9);
    expect(rec.violations()).toEqual([]);
  });
});
