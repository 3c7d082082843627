import { inspect } from "node:util";
import { afterEach, describe, expect, test, vi } from "vitest";
import {
  Leap0BadRequestError,
  Leap0Client,
  Leap0ConnectionError,
  Leap0RedirectError,
  Leap0ValidationError,
  Sandbox,
  TEMPLATE_CREATE_TIMEOUT_SECONDS,
} from "../src";
import { API_KEY, loggingClient, mockClient, type Recorder } from "./support/helpers";
import { type LocalAnswer, type LocalServer, localServer } from "./support/local-server";

const SBX = "sbx-7f3k2m9q4d";
const S = `/v1/sandbox/${SBX}`;

/** The secret can be read, but no printing or serialising of `value` shows it. */
function expectHidden(value: object, key: string): void {
  const secret = (value as Record<string, unknown>)[key];
  expect(typeof secret).toBe("string");
  expect((secret as string).length).toBeGreaterThan(0);
  expect(Object.keys(value)).not.toContain(key);
  expect({ ...value }).not.toHaveProperty(key);
  for (const text of [
    inspect(value),
    inspect(value, { depth: 5 }),
    inspect([value]),
    JSON.stringify(value),
    JSON.stringify({ nested: [value] }),
  ]) {
    expect(text).not.toContain(secret as string);
    expect(text).toContain("[redacted]");
  }
  expect(JSON.parse(JSON.stringify(value))[key]).toBe("[redacted]");
}

function expectNotIn(value: unknown, ...secrets: string[]): void {
  const texts = [inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? "", String(value)];
  if (value instanceof Error) texts.push(value.stack ?? "", value.message);
  for (const t of texts) for (const s of secrets) expect(t).not.toContain(s);
}

let rec: Recorder | undefined;
afterEach(() => {
  if (rec) expect(rec.violations()).toEqual([]);
  rec = undefined;
});

describe("SSH against the Prism mock", () => {
  test("client.ssh: create, validate, regenerate, delete; paths, bodies, and the password hidden", async () => {
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const m = mockClient({ logLevel: "debug", logger: { debug: log, info: log, warn: log, error: log } });
    rec = m.rec;
    const sandbox = m.client.sandboxes.connect(SBX);
    const access = await m.client.ssh.createAccess(sandbox);
    expect(access.sandboxId).toEqual(expect.any(String));
    expectHidden(access, "password");
    const validation = await m.client.ssh.validateAccess(sandbox, { id: access.id, password: access.password });
    expect(validation).toEqual({ valid: expect.any(Boolean), sandboxId: expect.any(String) });
    const renewed = await m.client.ssh.regenerateAccess(sandbox, { id: access.id });
    expectHidden(renewed, "password");
    await m.client.ssh.deleteAccess(sandbox, { id: access.id });
    const id = encodeURIComponent(access.id);
    expect(m.rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      `POST ${S}/ssh/access 201`,
      `POST ${S}/ssh/${id}/validate 200`,
      `POST ${S}/ssh/${id}/regen 200`,
      `DELETE ${S}/ssh/${id} 204`,
    ]);
    expect(m.rec.sent[0]?.body).toBeUndefined();
    expect(m.rec.sent[1]?.body).toEqual({ password: access.password });
    // Every call was logged; no password (issued, checked or renewed) was.
    expect(lines.filter((l) => /\b(20\d|204)\b ok\b/.test(l))).toHaveLength(4);
    expectNotIn(lines, access.password, renewed.password);
  });

  test("sandbox.ssh makes the same calls without the sandbox argument; ids or access objects", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = m.client.sandboxes.connect(SBX);
    const access = await sandbox.ssh.createAccess();
    expectHidden(access, "password");
    await sandbox.ssh.validateAccess({ id: access.id, password: "guess" });
    expectHidden(await sandbox.ssh.regenerateAccess(access), "password");
    await sandbox.ssh.deleteAccess(access.id);
    await m.client.ssh.deleteAccess(SBX, access);
    expect(m.rec.sent.map((s) => s.method)).toEqual(["POST", "POST", "POST", "DELETE", "DELETE"]);
    expect(m.rec.sent.every((s) => s.path.startsWith(`${S}/ssh/`))).toBe(true);
    await expect(sandbox.ssh.validateAccess({ id: "", password: "x" })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(sandbox.ssh.validateAccess({ id: access.id } as never)).rejects.toMatchObject({
      fieldErrors: [{ field: "password" }],
    });
    expect(m.rec.sent).toHaveLength(5);
  });
});

describe("templates against the Prism mock", () => {
  test("create maps every credential kind to the contract's names; rename and delete by id or object", async () => {
    const m = mockClient();
    rec = m.rec;
    const t = await m.client.templates.create({ name: "python-fastapi", uri: "docker.io/library/python:3.12-slim" });
    expect(t).toMatchObject({ id: expect.any(String), name: expect.any(String), isSystem: expect.any(Boolean) });
    await m.client.templates.create({
      name: "ecr",
      uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo:latest",
      credentials: {
        type: "aws",
        awsAccessKeyId: "AKIAEXAMPLE",
        awsSecretAccessKey: "wJalrEXAMPLEKEY",
        awsRegion: "us-east-1",
      },
    });
    await m.client.templates.create({
      name: "acr",
      uri: "myregistry.azurecr.io/my-image:latest",
      credentials: { type: "azure", azureClientId: "cid", azureClientSecret: "csecret", azureTenantId: "tid" },
    });
    await m.client.templates.create({
      name: "gcp",
      uri: "us-docker.pkg.dev/p/r/i:latest",
      credentials: { type: "gcp", gcpServiceAccountJson: '{"type":"service_account"}' },
    });
    await m.client.templates.create({
      name: "basic",
      uri: "registry.example.com/org/app:latest",
      credentials: { type: "basic", username: "my-user", password: "my-password" },
    });
    await m.client.templates.rename("tpl-1", { name: "python-fastapi-v2" });
    await m.client.templates.delete(t);
    expect(m.rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      "POST /v1/template 201",
      "POST /v1/template 201",
      "POST /v1/template 201",
      "POST /v1/template 201",
      "POST /v1/template 201",
      "PATCH /v1/template/tpl-1 204",
      `DELETE /v1/template/${encodeURIComponent(t.id)} 204`,
    ]);
    expect(m.rec.sent.map((s) => s.body)).toEqual([
      { name: "python-fastapi", uri: "docker.io/library/python:3.12-slim" },
      {
        name: "ecr",
        uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo:latest",
        credentials: {
          type: "aws",
          aws_access_key_id: "AKIAEXAMPLE",
          aws_secret_access_key: "wJalrEXAMPLEKEY",
          aws_region: "us-east-1",
        },
      },
      {
        name: "acr",
        uri: "myregistry.azurecr.io/my-image:latest",
        credentials: { type: "azure", azure_client_id: "cid", azure_client_secret: "csecret", azure_tenant_id: "tid" },
      },
      {
        name: "gcp",
        uri: "us-docker.pkg.dev/p/r/i:latest",
        credentials: { type: "gcp", gcp_service_account_json: '{"type":"service_account"}' },
      },
      {
        name: "basic",
        uri: "registry.example.com/org/app:latest",
        credentials: { type: "basic", username: "my-user", password: "my-password" },
      },
      { name: "python-fastapi-v2" },
      undefined,
    ]);
  });

  test("credentials missing what their type needs are refused before sending, without echoing secrets", async () => {
    const m = mockClient();
    rec = m.rec;
    const err = await m.client.templates
      .create({ name: "x", uri: "r/x", credentials: { type: "aws", awsSecretAccessKey: "wJalrSECRETvalue" } as never })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Leap0ValidationError);
    expectNotIn(err, "wJalrSECRETvalue");
    expect(m.rec.sent).toHaveLength(0);
  });
});

describe("mounts, presigned URLs and system against the Prism mock", () => {
  test("addMount fills in type, updateMount sends exactly what was passed, deleteMount; sandbox.mounts follows", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = await m.client.sandboxes.get(SBX);
    const before = sandbox.mounts?.length ?? 0;
    const mount = await sandbox.addMount({
      bucket: "project-assets",
      endpoint: "https://storage.googleapis.com",
      mountPath: "/data/assets",
      accessKeyId: "AKIAMOUNTKEY",
      secretAccessKey: "mount-secret-key",
    });
    expect(sandbox.mounts).toHaveLength(before + 1);
    expect(sandbox.mounts?.at(-1)).toEqual(mount);
    expectNotIn(mount, "mount-secret-key");
    // An empty string clears; a left-out (or undefined) field is not sent at all.
    const cleared = await sandbox.updateMount(mount.id, { prefix: "", accessKeyId: "", secretAccessKey: "" });
    await sandbox.updateMount(mount, { readOnly: false, prefix: undefined });
    expect(sandbox.mounts?.filter((x) => x.id === mount.id)).toEqual([cleared]);
    await sandbox.deleteMount(mount.id);
    expect(sandbox.mounts?.some((x) => x.id === mount.id)).toBe(false);
    const mid = encodeURIComponent(mount.id);
    expect(m.rec.sent.slice(1).map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      `POST ${S}/mounts 201`,
      `PATCH ${S}/mounts/${mid} 200`,
      `PATCH ${S}/mounts/${mid} 200`,
      `DELETE ${S}/mounts/${mid} 204`,
    ]);
    expect(m.rec.sent.slice(1).map((s) => s.body)).toEqual([
      {
        type: "object-storage",
        bucket: "project-assets",
        endpoint: "https://storage.googleapis.com",
        mount_path: "/data/assets",
        access_key_id: "AKIAMOUNTKEY",
        secret_access_key: "mount-secret-key",
      },
      { prefix: "", access_key_id: "", secret_access_key: "" },
      { read_only: false },
      undefined,
    ]);
  });

  test("a mount patch with a bad endpoint, or an empty mount id, is refused before sending", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = m.client.sandboxes.connect(SBX);
    await expect(sandbox.updateMount("m-1", { endpoint: "" })).rejects.toMatchObject({
      fieldErrors: [{ field: "endpoint" }],
    });
    await expect(sandbox.deleteMount(" ")).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(m.rec.sent).toHaveLength(0);
  });

  test("createPresignedUrl: positional and object forms; url and token readable but hidden; delete", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = m.client.sandboxes.connect(SBX);
    const a = await sandbox.createPresignedUrl(8080, 900);
    const b = await sandbox.createPresignedUrl({ port: 8080, expiresIn: 900 });
    await sandbox.createPresignedUrl(3000);
    await sandbox.createPresignedUrl(3000, { timeout: 10 });
    await sandbox.createPresignedUrl({ port: 3000 });
    expect(m.rec.sent.map((s) => s.body)).toEqual([
      { port: 8080, expires_in: 900 },
      { port: 8080, expires_in: 900 },
      { port: 3000 },
      { port: 3000 },
      { port: 3000 },
    ]);
    for (const link of [a, b]) {
      expect(link).toMatchObject({ id: expect.any(String), port: expect.any(Number), expiresAt: expect.any(String) });
      expectHidden(link, "token");
      expectHidden(link, "url");
      expect(inspect(link)).toContain(link.id);
    }
    await sandbox.deletePresignedUrl(a.id);
    await sandbox.deletePresignedUrl(b);
    expect(m.rec.sent.slice(5).map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      `DELETE ${S}/presigned-url/${encodeURIComponent(a.id)} 204`,
      `DELETE ${S}/presigned-url/${encodeURIComponent(b.id)} 204`,
    ]);
    await expect(sandbox.createPresignedUrl(0)).rejects.toMatchObject({ fieldErrors: [{ field: "port" }] });
    await expect(sandbox.createPresignedUrl(80, 0)).rejects.toMatchObject({ fieldErrors: [{ field: "expiresIn" }] });
    expect(m.rec.sent).toHaveLength(7);
  });

  test("a token inside the url is redacted in the url too (inspect of a value the API shaped so)", async () => {
    const server = await localServer(() => ({
      status: 201,
      json: {
        id: "pu-1",
        token: "tok_9d8f7a6b5c",
        url: "https://tok_9d8f7a6b5c.presigned.leap0.dev",
        sandbox_id: SBX,
        port: 8080,
        expires_at: "2026-11-25T11:00:00Z",
        created_at: "2026-11-25T10:00:00Z",
      },
    }));
    try {
      const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url });
      const link = await client.sandboxes.connect(SBX).createPresignedUrl(8080);
      expect(link.url).toBe("https://tok_9d8f7a6b5c.presigned.leap0.dev");
      expectNotIn(link, "tok_9d8f7a6b5c");
      expect(JSON.parse(JSON.stringify(link))).toEqual({
        id: "pu-1",
        token: "[redacted]",
        url: "[redacted]",
        sandboxId: SBX,
        port: 8080,
        expiresAt: "2026-11-25T11:00:00Z",
        createdAt: "2026-11-25T10:00:00Z",
      });
    } finally {
      await server.close();
    }
  });

  test("getUserHomeDir and getWorkdir answer plain strings", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = m.client.sandboxes.connect(SBX);
    expect(typeof (await sandbox.getUserHomeDir())).toBe("string");
    expect(typeof (await sandbox.getWorkdir())).toBe("string");
    expect(m.rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      `GET ${S}/system/user-home-dir 200`,
      `GET ${S}/system/workdir 200`,
    ]);
  });
});

describe("secrets echoed back by a server are scrubbed from thrown errors and logs", () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const echo = () =>
    localServer((req) => ({
      status: 400,
      json: {
        message: `refused: ${JSON.stringify(req.body)}`,
        errors: [{ field: "x", error: JSON.stringify(req.body) }],
      },
    }));

  test("SSH validate password, template credentials, mount keys", async () => {
    server = await echo();
    const { client, lines } = loggingClient(server.url);
    const sandbox = client.sandboxes.connect(SBX);
    const cases: [() => Promise<unknown>, string[]][] = [
      [() => client.ssh.validateAccess(SBX, { id: "ssh-1", password: "ssh-Pa55word!" }), ["ssh-Pa55word!"]],
      [
        () =>
          client.templates.create({
            name: "x",
            uri: "r/x",
            credentials: { type: "basic", username: "registry-user", password: "registry-pass" },
          }),
        ["registry-user", "registry-pass"],
      ],
      [
        () =>
          client.templates.create({
            name: "x",
            uri: "r/x",
            credentials: {
              type: "azure",
              azureClientId: "az-client-id",
              azureClientSecret: "az-secret",
              azureTenantId: "t",
            },
          }),
        ["az-client-id", "az-secret"],
      ],
      [
        () =>
          sandbox.addMount({
            bucket: "b",
            endpoint: "https://s3.example.com",
            mountPath: "/m",
            accessKeyId: "AKIAKEYID",
            secretAccessKey: "s3-secret-key",
          }),
        ["AKIAKEYID", "s3-secret-key"],
      ],
      [() => sandbox.updateMount("m-1", { secretAccessKey: "new-s3-secret" }), ["new-s3-secret"]],
    ];
    for (const [call, secrets] of cases) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Leap0BadRequestError);
      expect((err as Error).message).toContain("[redacted]");
      expectNotIn(err, ...secrets);
      expectNotIn(lines, ...secrets);
    }
    expect(lines.filter((l) => l.includes("failed after"))).toHaveLength(cases.length);
    // Every secret did reach the server, in the body.
    expect(JSON.stringify(server.requests.map((r) => r.body))).toContain("s3-secret-key");
  });

  test("sandboxes.create: mount keys and, with otelExport, the OTLP header values", async () => {
    server = await echo();
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example.com");
    vi.stubEnv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=otel-backend-key,x-team=observability-team");
    try {
      const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, sdkOtelEnabled: false });
      const err = await client.sandboxes
        .create({
          otelExport: true,
          mounts: [
            {
              bucket: "b",
              endpoint: "https://s3.example.com",
              mountPath: "/m",
              accessKeyId: "AKIACREATEKEY",
              secretAccessKey: "create-secret-key",
            },
          ],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Leap0BadRequestError);
      expectNotIn(err, "AKIACREATEKEY", "create-secret-key", "otel-backend-key", "observability-team");
      expect(JSON.stringify(server.requests[0]?.body)).toContain("otel-backend-key");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test("a secret the server echoes is scrubbed before any cut: not half of it at a message's 500-character limit, at the 64 KiB body limit, or in a header", async () => {
    const password = "ghp_SECRETTOKEN_0123456789abcdef";
    let mode: "message" | "body" = "message";
    server = await localServer(() =>
      mode === "message"
        ? {
            status: 400,
            json: { message: `${"x".repeat(485)} bad credentials ${password}` },
            headers: { "x-echo": `token=${password}` },
          }
        : { status: 400, text: `${"y".repeat(64 * 1024 - 12)}${password}` },
    );
    const { client, lines } = loggingClient(server.url);
    const call = () => client.ssh.validateAccess(SBX, { id: "ssh-1", password });
    const first = (await call().catch((e: unknown) => e)) as Leap0BadRequestError;
    expect(first).toBeInstanceOf(Leap0BadRequestError);
    expect(first.message).toContain("more characters");
    expect(first.headers.get("x-echo")).toBe("token=[redacted]");
    mode = "body";
    const second = (await call().catch((e: unknown) => e)) as Leap0BadRequestError;
    expect(second).toBeInstanceOf(Leap0BadRequestError);
    for (const part of [password, password.slice(0, 8)]) {
      expectNotIn(first, part);
      expectNotIn(inspect(first, { depth: 5 }), part);
      expectNotIn(second, part);
      expectNotIn(String(second.body), part);
      expectNotIn(lines, part);
    }
  });

  test("network policy: injected header values stay out of errors, log lines, and a printed or serialised handle", async () => {
    const policy = {
      mode: "custom" as const,
      allowDomains: ["api.openai.com"],
      transforms: [{ domain: "api.openai.com", injectHeaders: { Authorization: "Bearer sk-injected-credential" } }],
    };
    server = await echo();
    const { client, lines } = loggingClient(server.url);
    for (const call of [
      () => client.sandboxes.create({ networkPolicy: policy }),
      () => client.snapshots.restore({ snapshotName: "warm", networkPolicy: policy }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Leap0BadRequestError);
      expectNotIn(err, "sk-injected-credential");
    }
    expectNotIn(lines, "sk-injected-credential");
    expect(JSON.stringify(server.requests.map((r) => r.body))).toContain("Bearer sk-injected-credential");

    // The service answers with the policy it applied: the handle keeps it readable, but never
    // prints or serialises the credential.
    const { client: mocked } = mockClient();
    const sandbox = await mocked.sandboxes.create({ networkPolicy: policy });
    sandbox.networkPolicy = structuredClone({
      mode: "custom",
      transforms: [{ domain: "api.openai.com", injectHeaders: { Authorization: "Bearer sk-injected-credential" } }],
    });
    expect(sandbox.networkPolicy?.transforms?.[0]?.injectHeaders?.Authorization).toBe("Bearer sk-injected-credential");
    expect(JSON.stringify(sandbox)).toContain('"Authorization":"[redacted]"');
    expectNotIn(JSON.stringify(sandbox), "sk-injected-credential");
    expect(inspect(sandbox, { depth: 5 })).toMatch(/^Sandbox \{/);
    expectNotIn(inspect(sandbox, { depth: 5 }), "sk-injected-credential");
    expect(JSON.parse(JSON.stringify(sandbox))).toMatchObject({ id: sandbox.id, state: sandbox.state });
  });

  test("templates.create: long default call timeout, never retried", async () => {
    server = await localServer((_req, i) => (i === 0 ? { status: 201, json: TEMPLATE, delayMs: 400 } : "reset"));
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, timeout: 0.2, maxRetries: 3 });
    expect(TEMPLATE_CREATE_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(600);
    await expect(client.templates.create({ name: "t", uri: "docker.io/library/alpine" })).resolves.toMatchObject({
      id: "tpl-1",
      imageConfig: { workingDir: "/" },
    });
    const err = await client.templates.create({ name: "t", uri: "docker.io/library/alpine" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Leap0ConnectionError);
    expect((err as Leap0ConnectionError).mayHaveSucceeded).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});

const TEMPLATE = {
  id: "tpl-1",
  name: "t",
  digest: "sha256:abc",
  image_config: { entrypoint: null, cmd: ["sh"], working_dir: "/" },
  is_system: false,
  created_at: "2026-11-25T10:00:00Z",
};

describe("otelExport on sandboxes.create", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test("copies the local OTLP endpoint and headers into env_vars; explicit envVars win; not sent itself", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "https://otel.example.com";
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "x-api-key=abc123";
    // (The endpoint would also switch on the SDK's own spans; not what this test is about.)
    const m = mockClient({ sdkOtelEnabled: false });
    rec = m.rec;
    await m.client.sandboxes.create({ otelExport: true });
    await m.client.sandboxes.create({
      otelExport: true,
      envVars: { OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=override", OTHER: "1" },
    });
    await m.client.sandboxes.create({ otelExport: false, envVars: { A: "1" } });
    expect(m.rec.sent.map((s) => (s.body as { env_vars?: unknown }).env_vars)).toEqual([
      { OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com", OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc123" },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com",
        OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=override",
        OTHER: "1",
      },
      { A: "1" },
    ]);
    expect(m.rec.sent.every((s) => !JSON.stringify(s.body).includes("otel_export"))).toBe(true);
  });

  test("without OTEL_EXPORTER_OTLP_ENDPOINT locally it is refused before sending; headers are optional", async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    const m = mockClient();
    rec = m.rec;
    await expect(m.client.sandboxes.create({ otelExport: true })).rejects.toMatchObject({
      name: "Leap0ValidationError",
      fieldErrors: [{ field: "otelExport" }],
    });
    await expect(m.client.sandboxes.create({ otelExport: "yes" as never })).rejects.toBeInstanceOf(
      Leap0ValidationError,
    );
    expect(m.rec.sent).toHaveLength(0);
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "https://otel.example.com";
    await m.client.sandboxes.create({ otelExport: true });
    // The client was made before the endpoint was set, so its own spans stay off.
    expect((m.rec.sent[0]?.body as { env_vars?: unknown } | undefined)?.env_vars).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com",
    });
  });
});

describe("snapshots.resume (deprecated alias of restore)", () => {
  test("sends what restore sends, maps 0.1's timeoutMin, and warns once per process", async () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const m = mockClient();
      rec = m.rec;
      const a = await m.client.snapshots.resume({ snapshotName: "workspace-warm", timeout: 1800 });
      const b = await m.client.snapshots.resume({ snapshotName: "workspace-warm", timeoutMin: 30 });
      await m.client.snapshots.restore({ snapshotName: "workspace-warm", timeout: 1800 });
      expect(a).toBeInstanceOf(Sandbox);
      expect(b).toBeInstanceOf(Sandbox);
      expect(m.rec.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
        "POST /v1/snapshot/restore",
        "POST /v1/snapshot/restore",
        "POST /v1/snapshot/restore",
      ]);
      expect(m.rec.sent.map((s) => s.body)).toEqual([
        { snapshot_name: "workspace-warm", timeout: 1800 },
        { snapshot_name: "workspace-warm", timeout: 1800 },
        { snapshot_name: "workspace-warm", timeout: 1800 },
      ]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/deprecated.*restore\(\)/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("secrets the spec marks (x-leap0-secret), wherever a server sends them back", () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const TOKEN = "ghp_UserinfoToken0123456789abcdef";
  const URL_WITH_TOKEN = `https://x-access-token:${TOKEN}@github.com/org/private.git`;

  test("a token in a git URL's userinfo: not in the message, field errors, body, headers, a redirect's location or the log", async () => {
    let mode: "refuse" | "redirect" = "refuse";
    server = await localServer((req): LocalAnswer => {
      const echoed = JSON.stringify(req.body);
      return mode === "refuse"
        ? {
            status: 422,
            json: { message: `cannot clone ${echoed}`, errors: [{ field: "url", error: echoed }] },
            headers: { "x-echo": echoed },
          }
        : { status: 307, headers: { location: `https://proxy.example/${TOKEN}?u=${encodeURIComponent(TOKEN)}` } };
    });
    const { client, lines } = loggingClient(server.url);
    const git = client.sandboxes.connect(SBX).git;
    for (const call of [
      () => git.clone({ url: URL_WITH_TOKEN, path: "/w/repo" }),
      () => git.pull({ path: "/w/repo", remote: URL_WITH_TOKEN }),
    ]) {
      mode = "refuse";
      const refused = (await call().catch((e: unknown) => e)) as Leap0BadRequestError;
      expect(refused).toBeInstanceOf(Leap0BadRequestError);
      expect(refused.message).toContain("[redacted]");
      expectNotIn(refused, TOKEN);
      expectNotIn(refused.fieldErrors, TOKEN);
      expectNotIn(refused.body, TOKEN);
      expect(refused.headers.get("x-echo")).not.toContain(TOKEN);
      mode = "redirect";
      const redirected = (await call().catch((e: unknown) => e)) as Leap0RedirectError;
      expect(redirected).toBeInstanceOf(Leap0RedirectError);
      expect(redirected.location).not.toContain(TOKEN);
      expectNotIn(redirected, TOKEN);
    }
    expectNotIn(lines, TOKEN);
    // The token did reach the server, in the body.
    expect(JSON.stringify(server.requests[0]?.body)).toContain(TOKEN);
  });

  test("git's own output that echoes the URL's token or the API key comes back scrubbed", async () => {
    server = await localServer((req) => ({
      status: 200,
      json: {
        output: `Cloning into 'repo'... from ${URL_WITH_TOKEN}\nAuthorization: ${req.headers.authorization}\n`,
        exit_code: 0,
      },
    }));
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url });
    const result = await client.sandboxes.connect(SBX).git.clone({ url: URL_WITH_TOKEN, path: "/w/repo" });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain("Cloning into 'repo'");
    expect(result.output).toContain("[redacted]");
    expectNotIn(result, TOKEN, API_KEY);
  });

  test("a GCP service account key: its private key echoed alone, or one line of it, is scrubbed", async () => {
    const pem =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nQ2nHUnusedLineOfTheKeyBody0123456789abcdefghij\n-----END PRIVATE KEY-----\n";
    const json = JSON.stringify({ type: "service_account", private_key_id: "key-id-4f2a9c", private_key: pem });
    server = await localServer(() => ({
      status: 400,
      json: { message: `registry refused key ${JSON.stringify(pem)}`, detail: pem.split("\n")[2] },
    }));
    const { client, lines } = loggingClient(server.url);
    const err = await client.templates
      .create({ name: "x", uri: "gcr.io/p/x", credentials: { type: "gcp", gcpServiceAccountJson: json } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Leap0BadRequestError);
    for (const part of [
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
      "Q2nHUnusedLineOfTheKeyBody0123456789abcdefghij",
    ]) {
      expectNotIn(err, part);
      expectNotIn(lines, part);
    }
  });

  test("LSP completions: a raw JSON-RPC error that echoes the API key comes back scrubbed", async () => {
    server = await localServer((req) => ({
      status: 200,
      json: { jsonrpc: "2.0", id: 1, error: { code: -32603, message: `bad header ${req.headers.authorization}` } },
    }));
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url });
    const envelope = await client.sandboxes
      .connect(SBX)
      .lsp.completions({ languageId: "python", pathToProject: "/w", uri: "file:///w/a.py", line: 0, character: 0 });
    expect(JSON.stringify(envelope)).toContain("[redacted]");
    expectNotIn(envelope, API_KEY);
  });

  test("a network policy from the API: spread, Object.entries and the policy itself print its header values as [redacted]", async () => {
    const credential = "Bearer sk-policy-credential-42";
    server = await localServer(() => ({
      status: 201,
      json: {
        id: SBX,
        template_id: "tpl",
        vcpu: 1,
        memory: 1024,
        disk: 2048,
        timeout: 300,
        state: "starting",
        auto_pause: false,
        created_at: "2026-11-25T10:00:00Z",
        network_policy: {
          mode: "custom",
          transforms: [{ domain: "api.openai.com", inject_headers: { Authorization: credential } }],
        },
      },
    }));
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url });
    const sandbox = await client.sandboxes.create();
    // Readable for code that needs it.
    expect(sandbox.networkPolicy?.transforms?.[0]?.injectHeaders?.Authorization).toBe(credential);
    for (const shown of [
      { ...sandbox },
      Object.entries(sandbox),
      sandbox.networkPolicy,
      sandbox.networkPolicy?.transforms,
      sandbox,
    ]) {
      expect(inspect(shown, { depth: 10 })).not.toContain("sk-policy-credential-42");
      expect(JSON.stringify(shown)).not.toContain("sk-policy-credential-42");
      expect(JSON.stringify(shown)).toContain("[redacted]");
    }
  });
});
