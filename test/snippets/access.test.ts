/**
 * Every documented JavaScript snippet for SSH, templates and presigned URLs, verbatim, run against the Prism mock.
 * Sources (leap0-dev/docs, HEAD of the mirror): content/docs/(core)/human-tools/ssh.mdx (4), content/docs/(core)/introduction/templates.mdx (3), content/docs/(core)/introduction/presigned-urls.mdx (2).
 * Generated from the docs mirror by a script (not committed); each test's body is the snippet as
 * published (dedented). Only the setup around it is ours: the snippet's `import` is hoisted to the
 * top of this file, the environment points `new Leap0Client()` at Prism, `console.log` is
 * captured, and a recording fetch checks that every request is valid against openapi.yaml.
 */
// biome-ignore-all format: the snippets stay exactly as the docs publish them
// biome-ignore-all lint: the snippets stay exactly as the docs publish them
import { Leap0Client } from "leap0";
import { afterEach, beforeEach, expect, inject, test, vi } from "vitest";

const realFetch = globalThis.fetch;
let sent: { method: string; path: string; status: number; violations: string | null; body: string }[] = [];
let logged: unknown[][] = [];
const savedOtel = {
  endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
  headers: process.env.OTEL_EXPORTER_OTLP_HEADERS,
};

beforeEach(() => {
  sent = [];
  logged = [];
  vi.stubEnv("LEAP0_API_KEY", "sk-snippet-test-key-0123456789");
  vi.stubEnv("LEAP0_BASE_URL", inject("prismUrl"));
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = request.body ? await request.clone().text() : "";
    const response = await realFetch(request);
    sent.push({
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      violations: response.headers.get("sl-violations"),
      body,
    });
    return response;
  };
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logged.push(args);
  });
});

afterEach(() => {
  globalThis.fetch = realFetch;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const [k, v] of [
    ["OTEL_EXPORTER_OTLP_ENDPOINT", savedOtel.endpoint],
    ["OTEL_EXPORTER_OTLP_HEADERS", savedOtel.headers],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Every request the snippet made was valid and succeeded; returns "METHOD route" lines (ids cut). */
function calls(): string[] {
  expect(sent.map((s) => s.violations).filter(Boolean)).toEqual([]);
  expect(sent.every((s) => s.status < 300)).toBe(true);
  return sent.map((s) => `${s.method} ${s.path.replace(/^\/v1\/sandbox\/[^/]+\//, "/v1/sandbox/{id}/")}`);
}

// (core)/human-tools/ssh.mdx: "SSH: Create SSH access"
test("SSH: Create SSH access", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();

    const access = await client.ssh.createAccess(sandbox);

    console.log("SSH username:", access.id);
    console.log(access.sshCommand);
    console.log("Password:", access.password);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/ssh/access"]);
  // The snippet prints the password on purpose: it is readable, and a string.
  expect(logged[2]).toEqual(["Password:", expect.any(String)]);
  expect(String(logged[2]?.[1]).length).toBeGreaterThan(0);
});

// (core)/human-tools/ssh.mdx: "SSH: Validate SSH access"
test("SSH: Validate SSH access", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const access = await client.ssh.createAccess(sandbox);

    const validation = await client.ssh.validateAccess(sandbox, {
      id: access.id,
      password: access.password,
    });

    console.log("Valid:", validation.valid);
    console.log("Sandbox:", validation.sandboxId);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/ssh/access", expect.stringMatching(/^POST \/v1\/sandbox\/\{id\}\/ssh\/.+\/validate$/)]);
  expect(logged[0]).toEqual(["Valid:", expect.any(Boolean)]);
});

// (core)/human-tools/ssh.mdx: "SSH: Regenerate SSH access"
test("SSH: Regenerate SSH access", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const access = await client.ssh.createAccess(sandbox);

    const regenerated = await client.ssh.regenerateAccess(sandbox, { id: access.id });

    console.log("New password:", regenerated.password);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/ssh/access", expect.stringMatching(/^POST \/v1\/sandbox\/\{id\}\/ssh\/.+\/regen$/)]);
  expect(logged[0]).toEqual(["New password:", expect.any(String)]);
});

// (core)/human-tools/ssh.mdx: "SSH: Delete SSH access"
test("SSH: Delete SSH access", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const access = await client.ssh.createAccess(sandbox);

    await client.ssh.deleteAccess(sandbox, { id: access.id });
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/ssh/access", expect.stringMatching(/^DELETE \/v1\/sandbox\/\{id\}\/ssh\/.+$/)]);
});

// (core)/introduction/templates.mdx: "Templates: Create a template"
test("Templates: Create a template", async () => {
  {
    const client = new Leap0Client();
    const template = await client.templates.create({
      name: "python-fastapi-hello",
      uri: "docker.io/library/python:3.12-slim",
    });

    console.log(template.id);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/template"]);
  expect(JSON.parse(sent[0]?.body ?? "")).toEqual({ name: "python-fastapi-hello", uri: "docker.io/library/python:3.12-slim" });
});

// (core)/introduction/templates.mdx: "Templates: Rename a template"
test("Templates: Rename a template", async () => {
  {
    const client = new Leap0Client();
    await client.templates.rename("<template_id>", { name: "python-fastapi-v2" });
    await client.close();
  }
  expect(calls()).toEqual(["PATCH /v1/template/%3Ctemplate_id%3E"]);
  expect(JSON.parse(sent[0]?.body ?? "")).toEqual({ name: "python-fastapi-v2" });
});

// (core)/introduction/templates.mdx: "Templates: Delete a template"
test("Templates: Delete a template", async () => {
  {
    const client = new Leap0Client();
    await client.templates.delete("<template_id>");
    await client.close();
  }
  expect(calls()).toEqual(["DELETE /v1/template/%3Ctemplate_id%3E"]);
});

// (core)/introduction/presigned-urls.mdx: "Presigned URLs: Create a presigned URL"
test("Presigned URLs: Create a presigned URL", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();

    const presignedUrl = await sandbox.createPresignedUrl(8080, 900);

    console.log(presignedUrl.id);
    console.log(presignedUrl.url);
    // Treat the token as a secret. Do not log or commit it.
    const token = presignedUrl.token;
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/presigned-url"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ port: 8080, expires_in: 900 });
  expect(logged).toHaveLength(2);
});

// (core)/introduction/presigned-urls.mdx: "Presigned URLs: Delete a presigned URL"
test("Presigned URLs: Delete a presigned URL", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();

    const presignedUrl = await sandbox.createPresignedUrl(8080);
    await sandbox.deletePresignedUrl(presignedUrl.id);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/presigned-url", expect.stringMatching(/^DELETE \/v1\/sandbox\/\{id\}\/presigned-url\/.+$/)]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ port: 8080 });
});
