/**
 * Every documented JavaScript PTY and LSP snippet, verbatim, run against the Prism mock.
 * Sources (leap0-dev/docs):
 *   - content/docs/(core)/agent-tools/pty.mdx (6 snippets, one per section)
 *   - content/docs/(javascript-sdk)/reference/javascript-sdk/services/pty-client.mdx (the `connect` example)
 *   - content/docs/(core)/agent-tools/lsp.mdx (6 snippets, one per section)
 *   - content/docs/(javascript-sdk)/reference/javascript-sdk/services/lsp-client.mdx (the `didOpen` example)
 *   (pty-connection.mdx has no example.)
 * Only the setup around each snippet is ours: the `import` is hoisted to the top of this file,
 * the environment points `new Leap0Client()` at a front for Prism (it pipes HTTP to Prism and
 * answers the WebSocket upgrade itself, which Prism cannot), `globalThis.WebSocket` is undici's
 * (as on Node 22+, where the global WebSocket sends headers; Node 20 has none), and a recording
 * fetch checks that every request is valid against openapi.yaml.
 */
// biome-ignore-all format: the snippets stay exactly as the docs publish them
// biome-ignore-all lint/suspicious/useIterableCallbackReturn: the docs' snippets log from forEach; kept verbatim
import { Leap0Client } from "leap0";
import { afterAll, beforeAll, beforeEach, expect, inject, test } from "vitest";
import { nodeWebSocket } from "../../src/node";
import { SNIPPET_API_KEY, snippetHarness } from "../support/snippets";
import { type RunningWsServer, startPrismFront, type WsPeer } from "../support/ws-server";

let front: RunningWsServer;
let peers: WsPeer[] = [];
const { sent, logged } = snippetHarness({
  env: () => ({ LEAP0_BASE_URL: front.url }),
  globals: { WebSocket: nodeWebSocket },
});

beforeAll(async () => {
  // A fake shell behind the WebSocket: it answers each line it is sent.
  front = await startPrismFront(inject("prismUrl"), SNIPPET_API_KEY, (peer) => {
    peers.push(peer);
    peer.onMessage = (data) => {
      if (data.toString() === "ls -la\n") peer.sendBinary("total 8\r\n-rw-r--r-- 1 user user 12 main.py\r\n");
      else if (data.toString() === "ls\n") peer.sendBinary("main.py\r\n");
    };
  });
});
afterAll(async () => {
  await front.stop();
});

beforeEach(() => {
  peers = [];
});

/** The snippet's requests after the sandbox create: method, path under the sandbox, wire body; all valid. */
function calls(): [string, string, unknown][] {
  expect(sent.map((s) => s.violations).filter(Boolean)).toEqual([]);
  expect(sent.every((s) => s.status < 300)).toBe(true);
  expect(sent[0]?.path).toBe("/v1/sandbox/");
  return sent
    .slice(1)
    .map((s) => [s.method, s.path.replace(/^\/v1\/sandbox\/[^/]+\//, ""), s.body ? JSON.parse(s.body) : undefined]);
}

// ---- pty.mdx ----

test("pty: Create a PTY session", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const session = await sandbox.pty.create({
    id: "my-terminal",
    cols: 120,
    rows: 40,
    cwd: "/home/user",
    envs: { TERM: "xterm-256color" },
  });

  console.log(session.id, session.cwd, session.cols, session.rows);
  await client.close();
  expect(calls()).toEqual([
    ["POST", "pty", { id: "my-terminal", cols: 120, rows: 40, cwd: "/home/user", envs: { TERM: "xterm-256color" } }],
  ]);
  expect(logged).toEqual([["agent-shell", "/home/user", 120, 32]]);
});

test("pty: Lazy start example", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const session = await sandbox.pty.create({
    id: "lazy-terminal",
    cwd: "/workspace",
    cols: 120,
    rows: 40,
    lazyStart: true,
  });

  console.log(session.id, session.lazyStart);
  await client.close();
  expect(calls()).toEqual([
    ["POST", "pty", { id: "lazy-terminal", cwd: "/workspace", cols: 120, rows: 40, lazy_start: true }],
  ]);
  expect(logged).toEqual([["agent-shell", false]]);
});

test("pty: Connect via WebSocket", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const pty = sandbox.pty.connect("my-terminal");

  pty.send("ls -la\n");
  const output = await pty.recv();
  console.log(output);

  pty.close();
  await client.close();
  expect(calls()).toEqual([]);
  expect(peers).toHaveLength(1);
  expect(peers[0]?.request.url).toMatch(/^\/v1\/sandbox\/[^/]+\/pty\/my-terminal\/connect$/);
  expect(peers[0]?.request.headers.authorization).toBe(`Bearer ${SNIPPET_API_KEY}`);
  expect(new TextDecoder().decode(logged[0]?.[0] as Uint8Array)).toBe(
    "total 8\r\n-rw-r--r-- 1 user user 12 main.py\r\n",
  );
});

test("pty: Resize terminal", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const session = await sandbox.pty.resize("my-terminal", 200, 50);

  console.log(session.cols, session.rows);
  await client.close();
  expect(calls()).toEqual([["POST", "pty/my-terminal/resize", { cols: 200, rows: 50 }]]);
  expect(logged).toEqual([[160, 48]]);
});

test("pty: List PTY sessions", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const sessions = await sandbox.pty.list();

  sessions.forEach((session) => console.log(session.id, session.active));
  await client.close();
  expect(calls()).toEqual([["GET", "pty", undefined]]);
  expect(logged).toEqual([["agent-shell", true]]);
});

test("pty: Delete a PTY session", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.pty.delete("my-terminal");
  await client.close();
  expect(calls()).toEqual([["DELETE", "pty/my-terminal", undefined]]);
});

// ---- pty-client.mdx (reference) ----

test("pty-client reference: connect", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const pty = sandbox.pty.connect("shell");
  pty.send("ls\n");
  const output = await pty.recv();
  pty.close();
  await client.close();
  expect(new TextDecoder().decode(output)).toBe("main.py\r\n");
  expect(peers[0]?.received.map((m) => [m.opcode, m.data.toString()])).toEqual([[2, "ls\n"]]);
});

// ---- lsp.mdx ----

const W = { language_id: "python", path_to_project: "/home/user/project" };
const MAIN = "file:///home/user/project/main.py";

test("lsp: Start a language server", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  console.log(
    await sandbox.lsp.start({
      languageId: "python",
      pathToProject: "/home/user/project",
    }),
  );
  await client.close();
  expect(calls()).toEqual([["POST", "lsp/start", W]]);
  expect(logged).toEqual([[{ success: true }]]);
});

test("lsp: Open a document", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.lsp.didOpenPath({
    languageId: "python",
    pathToProject: "/home/user/project",
    path: "/home/user/project/main.py",
    text: "import os\nos.path.",
    version: 1,
  });

  await client.close();
  expect(calls()).toEqual([["POST", "lsp/did-open", { ...W, uri: MAIN, text: "import os\nos.path.", version: 1 }]]);
});

test("lsp: Get completions", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const response = await sandbox.lsp.completionsPath({
    languageId: "python",
    pathToProject: "/home/user/project",
    path: "/home/user/project/main.py",
    line: 1,
    character: 8,
  });

  const items = response.result ?? [];
  items.slice(0, 5).forEach((item) => console.log(item.label));
  await client.close();
  expect(calls()).toEqual([["POST", "lsp/completions", { ...W, uri: MAIN, position: { line: 1, character: 8 } }]]);
  expect(logged).toEqual([["toFixed"], ["toString"]]);
});

test("lsp: Get document symbols", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  const response = await sandbox.lsp.documentSymbolsPath({
    languageId: "python",
    pathToProject: "/home/user/project",
    path: "/home/user/project/main.py",
  });

  for (const symbol of response.result ?? []) {
    console.log(symbol.name, symbol.kind);
  }

  await client.close();
  expect(calls()).toEqual([["POST", "lsp/document-symbols", { ...W, uri: MAIN }]]);
  expect(logged).toEqual([["load_data", 12]]);
});

test("lsp: Close a document", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.lsp.didClosePath({
    languageId: "python",
    pathToProject: "/home/user/project",
    path: "/home/user/project/main.py",
  });

  await client.close();
  expect(calls()).toEqual([["POST", "lsp/did-close", { ...W, uri: MAIN }]]);
});

test("lsp: Stop the language server", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();

  await sandbox.lsp.stop({
    languageId: "python",
    pathToProject: "/home/user/project",
  });
  await client.close();
  expect(calls()).toEqual([["POST", "lsp/stop", W]]);
});

// ---- lsp-client.mdx (reference) ----

test("lsp-client reference: didOpen", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  await sandbox.lsp.didOpen({
    languageId: "typescript",
    pathToProject: "/workspace/app",
    uri: "file:///workspace/app/src/index.ts",
    text: "const x = 1;",
    version: 1,
  });
  await client.close();
  expect(calls()).toEqual([
    [
      "POST",
      "lsp/did-open",
      {
        language_id: "typescript",
        path_to_project: "/workspace/app",
        uri: "file:///workspace/app/src/index.ts",
        text: "const x = 1;",
        version: 1,
      },
    ],
  ]);
});
