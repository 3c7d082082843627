/**
 * Every documented JavaScript filesystem snippet, verbatim, run against the Prism mock.
 * Sources (leap0-dev/docs):
 *   - content/docs/(core)/agent-tools/filesystem.mdx (17 snippets, one per section)
 *   - content/docs/(javascript-sdk)/reference/javascript-sdk/services/filesystem-client.mdx
 *     (the `readFile` example)
 * Only the setup around each snippet is ours: the `import` is hoisted to the top of this file
 * (an import cannot sit in a function), the environment points `new Leap0Client()` at Prism,
 * and a recording fetch checks that every request is valid against openapi.yaml.
 */
import { Leap0Client } from "leap0";
import { expect, test } from "vitest";
import { snippetHarness } from "../support/snippets";

const { sent, logged } = snippetHarness();

/** The snippet's requests: the sandbox create, then the filesystem calls, all valid. */
function expectValid(fsCalls: string[]): void {
  expect(sent.map((s) => s.violations).filter(Boolean)).toEqual([]);
  expect(sent.every((s) => s.status < 300)).toBe(true);
  expect(sent[0]?.path).toBe("/v1/sandbox/");
  expect(sent.slice(1).map((s) => s.path.replace(/^\/v1\/sandbox\/[^/]+\/filesystem\//, ""))).toEqual(fsCalls);
}

test("List files", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const result = await sandbox.filesystem.ls("/workspace", {
    recursive: false,
    exclude: ["node_modules", ".git"],
  });

  console.log(result.items.length);
  await client.close();
  expectValid(["ls"]);
  expect(logged).toEqual([[2]]);
});

test("Stat path", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const info = await sandbox.filesystem.stat("/workspace/main.py");

  console.log(info.size);
  await client.close();
  expectValid(["stat"]);
  expect(logged).toEqual([[612]]);
});

test("Make directory", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.filesystem.mkdir("/workspace/src", {
    recursive: true,
    permissions: "755",
  });

  await client.close();
  expectValid(["mkdir"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/src", recursive: true, permissions: "755" });
});

test("Write file", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.filesystem.writeFile("/workspace/hello.txt", "Hello, world!", { permissions: "644" });

  await client.close();
  expectValid(["write-file"]);
  expect(sent[1]?.body).toBe("Hello, world!");
});

test("Write multiple files", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.filesystem.writeFiles({
    "/workspace/a.txt": "a",
    "/workspace/b.txt": "b",
  });

  await client.close();
  expectValid(["write-files"]);
  expect(sent[1]?.body).toContain('name="/workspace/a.txt"');
});

test("Read file", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  console.log(await sandbox.filesystem.readFile("/workspace/main.py"));
  console.log(await sandbox.filesystem.readFile("/workspace/main.py", { head: 20 }));
  console.log(await sandbox.filesystem.readFile("/workspace/main.py", { tail: 10 }));

  await client.close();
  expectValid(["read-file", "read-file", "read-file"]);
  expect(logged.map((l) => typeof l[0])).toEqual(["string", "string", "string"]);
  expect(JSON.parse(sent[2]?.body ?? "")).toEqual({ path: "/workspace/main.py", head: 20 });
  expect(JSON.parse(sent[3]?.body ?? "")).toEqual({ path: "/workspace/main.py", tail: 10 });
});

// Prism cannot mock a multipart answer (it answers 500), so this one runs against a local
// server in filesystem-bytes.test.ts as well; here the snippet runs unchanged against a fetch
// that answers read-files with real multipart and forwards the rest to Prism.
test("Read multiple files", async () => {
  const prismFetch = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!new URL(request.url).pathname.endsWith("/filesystem/read-files")) return prismFetch(request);
    const { paths } = (await request.json()) as { paths: string[] };
    sent.push({
      method: request.method,
      path: new URL(request.url).pathname,
      status: 200,
      violations: null,
      body: JSON.stringify({ paths }),
    });
    const form = new FormData();
    for (const p of paths) form.append(p, new Blob([`content of ${p}`]));
    return new Response(form);
  };
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const files = await sandbox.filesystem.readFiles(["/workspace/a.txt", "/workspace/b.txt"]);

  for (const [path, content] of Object.entries(files)) {
    console.log(path, content);
  }

  await client.close();
  expectValid(["read-files"]);
  expect(logged).toEqual([
    ["/workspace/a.txt", "content of /workspace/a.txt"],
    ["/workspace/b.txt", "content of /workspace/b.txt"],
  ]);
});

test("Delete path", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.filesystem.delete("/workspace/old", true);
  await client.close();
  expectValid(["delete"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/old", recursive: true });
});

test("Set permissions", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.filesystem.setPermissions("/workspace/script.sh", {
    mode: "755",
    owner: "root",
    group: "root",
  });

  await client.close();
  expectValid(["set-permissions"]);
});

test("Glob", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const matches = await sandbox.filesystem.glob("/workspace", "*.ts", {
    exclude: ["node_modules"],
  });

  console.log(matches.length);
  await client.close();
  expectValid(["glob"]);
  expect(logged).toEqual([[2]]);
});

test("Grep", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const matches = await sandbox.filesystem.grep("/workspace", "TODO", {
    include: "*.py",
    exclude: ["node_modules", ".git"],
  });

  console.log(matches.length);
  await client.close();
  expectValid(["grep"]);
  expect(logged).toEqual([[1]]);
});

test("Edit file", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const result = await sandbox.filesystem.editFile("/workspace/main.py", [
    { find: "hello", replace: "hi" },
    { find: "world", replace: "earth" },
  ]);

  console.log(result.diff);
  console.log(result.replacements);
  await client.close();
  expectValid(["edit-file"]);
  expect(logged[1]).toEqual([1]);
});

test("Edit files", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const results = await sandbox.filesystem.editFiles({
    paths: ["/workspace/a.py", "/workspace/b.py"],
    find: "old_name",
    replace: "new_name",
  });

  console.log(results.items?.length ?? 0);
  await client.close();
  expectValid(["edit-files"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({
    files: ["/workspace/a.py", "/workspace/b.py"],
    find: "old_name",
    replace: "new_name",
  });
  expect(logged).toEqual([[2]]);
});

test("Move path", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.filesystem.move("/workspace/old.txt", "/workspace/new.txt", false);

  await client.close();
  expectValid(["move"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({
    src_path: "/workspace/old.txt",
    dst_path: "/workspace/new.txt",
    overwrite: false,
  });
});

test("Copy", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.filesystem.copy("/home/user/file.txt", "/home/user/file-copy.txt", {
    recursive: false,
    overwrite: false,
  });

  await client.close();
  expectValid(["copy"]);
});

test("Exists", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  console.log(await sandbox.filesystem.exists("/workspace/main.py"));
  await client.close();
  expectValid(["exists"]);
  expect(logged).toEqual([[false]]);
});

test("Tree", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const tree = await sandbox.filesystem.tree("/workspace", {
    exclude: ["node_modules", ".git"],
    maxDepth: 3,
  });

  console.log(tree.items);
  await client.close();
  expectValid(["tree"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({
    path: "/workspace",
    exclude: ["node_modules", ".git"],
    max_depth: 3,
  });
});

test("reference: readFile example", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const readme = await sandbox.filesystem.readFile("/workspace/README.md");
  expect(typeof readme).toBe("string");
  await client.close();
  expectValid(["read-file"]);
});
