/**
 * Every documented JavaScript snippet for the system tools (telemetry, object storage, firewall, metadata service), verbatim, run against the Prism mock.
 * Sources (leap0-dev/docs, HEAD of the mirror): content/docs/(core)/system-tools/telemetry.mdx (2), object-storage.mdx (4), firewall.mdx (4), metadata-service.mdx (1).
 * Generated from the docs mirror by a script (not committed); each test's body is the snippet as
 * published (dedented). Only the setup around it is ours: the snippet's `import` is hoisted to the
 * top of this file, the environment points `new Leap0Client()` at Prism, `console.log` is
 * captured, and a recording fetch checks that every request is valid against openapi.yaml.
 */
// biome-ignore-all format: the snippets stay exactly as the docs publish them
// biome-ignore-all lint: the snippets stay exactly as the docs publish them
import { Leap0Client, NetworkPolicyMode } from "leap0";
import { expect, test } from "vitest";
import { snippetHarness } from "../support/snippets";

const { sent, logged, calls } = snippetHarness();

// (core)/system-tools/telemetry.mdx: "Telemetry: JavaScript SDK and sandbox example (sdkOtelEnabled, otelExport)"
test("Telemetry: JavaScript SDK and sandbox example (sdkOtelEnabled, otelExport)", async () => {
  {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "https://otel.example.com";
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "x-api-key=abc123";

    const client = new Leap0Client({ sdkOtelEnabled: true });
    const sandbox = await client.sandboxes.create({
      vcpu: 2,
      memory: 2048,
      timeout: 30,
      otelExport: true,
    });

    console.log(sandbox.id);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/"]);
  expect(JSON.parse(sent[0]?.body ?? "").env_vars).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com", OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc123" });
});

// (core)/system-tools/telemetry.mdx: "Telemetry: Example (otelExport)"
test("Telemetry: Example (otelExport)", async () => {
  {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "https://otel.example.com";
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "x-api-key=abc123";

    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      vcpu: 2,
      memory: 2048,
      timeout: 30,
      otelExport: true,
    });

    console.log(sandbox.id);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/"]);
  expect(JSON.parse(sent[0]?.body ?? "")).toEqual({
    template_name: "system/debian:bookworm",
    vcpu: 2,
    memory: 2048,
    timeout: 30,
    env_vars: { OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com", OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc123" },
  });
});

// (core)/system-tools/object-storage.mdx: "Object storage: Create a sandbox with object storage"
test("Object storage: Create a sandbox with object storage", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      mounts: [
        {
          type: "object-storage",
          bucket: "project-assets",
          endpoint: "https://storage.googleapis.com",
          mountPath: "/data/assets",
          prefix: "docs/",
          readOnly: true,
        },
      ],
    });

    console.log(sandbox.mounts);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/"]);
  expect(JSON.parse(sent[0]?.body ?? "").mounts).toEqual([{ type: "object-storage", bucket: "project-assets", endpoint: "https://storage.googleapis.com", mount_path: "/data/assets", prefix: "docs/", read_only: true }]);
});

// (core)/system-tools/object-storage.mdx: "Object storage: Add a mount"
test("Object storage: Add a mount", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({});

    const mount = await sandbox.addMount({
      type: "object-storage",
      bucket: "project-assets",
      endpoint: "https://storage.googleapis.com",
      mountPath: "/data/assets",
      prefix: "docs/",
      readOnly: true,
    });

    console.log(mount.id, mount.bucket, mount.mountPath);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/mounts"]);
  expect(logged).toHaveLength(1);
});

// (core)/system-tools/object-storage.mdx: "Object storage: Edit a mount"
test("Object storage: Edit a mount", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({});

    const mount = await sandbox.addMount({
      type: "object-storage",
      bucket: "project-assets",
      endpoint: "https://storage.googleapis.com",
      mountPath: "/data/assets",
    });

    const updatedMount = await sandbox.updateMount(mount.id, {
      prefix: "docs/",
      readOnly: false,
    });

    console.log(updatedMount.id, updatedMount.prefix, updatedMount.readOnly);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/mounts", expect.stringMatching(/^PATCH \/v1\/sandbox\/\{id\}\/mounts\/.+$/)]);
  expect(JSON.parse(sent[2]?.body ?? "")).toEqual({ prefix: "docs/", read_only: false });
});

// (core)/system-tools/object-storage.mdx: "Object storage: Delete a mount"
test("Object storage: Delete a mount", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({});

    const mount = await sandbox.addMount({
      type: "object-storage",
      bucket: "project-assets",
      endpoint: "https://storage.googleapis.com",
      mountPath: "/data/assets",
    });

    await sandbox.deleteMount(mount.id);

    console.log("Deleted mount", mount.id);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/mounts", expect.stringMatching(/^DELETE \/v1\/sandbox\/\{id\}\/mounts\/.+$/)]);
});

// (core)/system-tools/firewall.mdx: "Firewall: Allow all traffic (default)"
test("Firewall: Allow all traffic (default)", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      vcpu: 2,
      memory: 2048,
      networkPolicy: { mode: NetworkPolicyMode.ALLOW_ALL },
    });

    console.log(sandbox.id, sandbox.networkPolicy);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/"]);
});

// (core)/system-tools/firewall.mdx: "Firewall: Block all outbound traffic"
test("Firewall: Block all outbound traffic", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      vcpu: 2,
      memory: 2048,
      networkPolicy: { mode: NetworkPolicyMode.DENY_ALL },
    });

    console.log(sandbox.id, sandbox.networkPolicy);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/"]);
});

// (core)/system-tools/firewall.mdx: "Firewall: Custom policy with domains and CIDRs"
test("Firewall: Custom policy with domains and CIDRs", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      vcpu: 2,
      memory: 2048,
      networkPolicy: {
        mode: NetworkPolicyMode.CUSTOM,
        allowDomains: ["api.openai.com", "pypi.org"],
        allowCidrs: ["10.0.0.0/24"],
      },
    });

    console.log(sandbox.id, sandbox.networkPolicy);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/"]);
  expect(JSON.parse(sent[0]?.body ?? "").network_policy).toEqual({ mode: "custom", allow_domains: ["api.openai.com", "pypi.org"], allow_cidrs: ["10.0.0.0/24"] });
});

// (core)/system-tools/firewall.mdx: "Firewall: Transforms"
test("Firewall: Transforms", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      vcpu: 2,
      memory: 2048,
      networkPolicy: {
        mode: NetworkPolicyMode.CUSTOM,
        allowDomains: ["api.openai.com"],
        transforms: [
          {
            domain: "api.openai.com",
            injectHeaders: {
              Authorization: "Bearer sk-proj-...",
            },
            stripHeaders: ["X-Debug"],
          },
        ],
      },
    });

    console.log(sandbox.id, sandbox.networkPolicy);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/"]);
  expect(JSON.parse(sent[0]?.body ?? "").network_policy.transforms).toEqual([{ domain: "api.openai.com", inject_headers: { Authorization: "Bearer sk-proj-..." }, strip_headers: ["X-Debug"] }]);
});

// (core)/system-tools/metadata-service.mdx: "Metadata service: Read metadata from a sandbox"
test("Metadata service: Read metadata from a sandbox", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      mounts: [
        {
          type: "object-storage",
          bucket: "cloud-samples-data",
          endpoint: "https://storage.googleapis.com",
          mountPath: "/data/assets",
          prefix: "adc/",
          readOnly: true,
        },
      ],
    });

    const result = await sandbox.process.execute({
      command:
        `TOKEN=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-metadata-token-ttl-seconds: 60') && ` +
        `curl -sf -H 'X-metadata-token: $TOKEN' -H 'Accept: application/json' ` +
        `http://169.254.169.254/latest/meta-data/leap0`,
    });

    console.log(result.stdout);

    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/process/execute"]);
});
