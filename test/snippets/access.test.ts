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
import { expect, test } from "vitest";
import { snippetHarness } from "../support/snippets";

const { sent, logged, calls } = snippetHarness();

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
