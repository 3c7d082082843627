/**
 * Every documented JavaScript snippet that the other snippet tests hold (sandboxes, access,
 * system tools, filesystem, process, git, terminals, language servers, code interpreter,
 * desktop), run unchanged against leap0/testing, with no network: the code
 * between a snippet's `new Leap0Client()` and its `client.close()` is read from those test files
 * (where it stands verbatim, as the docs publish it) and run with `mock.install()` answering the
 * default hosts. The mock's sandboxes start with the files the snippets read, and handlers
 * answer the commands the emulator cannot run (python, npm, curl), as a user's own tests would.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { transform } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import * as leap0 from "../../src";
import { command, createMockLeap0 } from "../../src/testing";

const FILES = [
  "filesystem.test.ts",
  "process-git.test.ts",
  "pty-lsp.test.ts",
  "access.test.ts",
  "system-tools.test.ts",
  "code-interpreter-desktop.test.ts",
];

interface Snippet {
  file: string;
  name: string;
  code: string;
}

/**
 * Snippets the mock cannot run as published, each with the reason: they name a placeholder id
 * ("<template_id>", "<context_id>", "<recording_id>") that nothing has, so the mock answers 404,
 * as Leap0 would. (Deleting a context that is not there is not an error in the contract, so that
 * snippet runs.)
 */
const EXCLUDED: Record<string, string> = {
  "Templates: Rename a template": 'placeholder id "<template_id>"',
  "Templates: Delete a template": 'placeholder id "<template_id>"',
  "Get a context": 'placeholder id "<context_id>"',
  "Get recording": 'placeholder id "<recording_id>"',
  "Download recording": 'placeholder id "<recording_id>"',
  "Delete recording": 'placeholder id "<recording_id>"',
};

/**
 * Each test's snippet: a snippet the test wraps in a block is the whole block, after any set-up
 * lines the test puts before it; otherwise it runs
 * from the line that makes the client to the line that closes it.
 */
function snippetsOf(file: string): Snippet[] {
  const source = readFileSync(join(__dirname, file), "utf8");
  const out: Snippet[] = [];
  // A test at the top level or inside a describe (then indented): its body ends where it does.
  for (const m of source.matchAll(/^( *)test\("([^"]+)", async \(\) => \{\n([\s\S]*?)^\1\}\);$/gm)) {
    const indent = `${m[1] as string}  `;
    const name = m[2] as string;
    const body = m[3] as string;
    if (name in EXCLUDED) continue;
    const start = body.search(/^\s*const client = new Leap0Client\(/m);
    const block = new RegExp(`^${indent}\\{\\n([\\s\\S]*?)^${indent}\\}$`, "m").exec(body);
    if (block) {
      // The reference pages' examples start from a `sandbox` the test makes just above the block
      // (from its client on; what comes before sets up the Prism side).
      out.push({ file, name, code: body.slice(Math.max(start, 0), block.index) + (block[1] as string) });
      continue;
    }
    const end = body.indexOf("await client.close();");
    if (start < 0 || end < 0) continue;
    out.push({ file, name, code: body.slice(start, end + "await client.close();".length) });
  }
  return out;
}

/**
 * Snippets that reach state an earlier snippet of the same page made: a terminal session, a
 * recording under way, a started language server. Each snippet here runs on a sandbox of its own, so the runner makes that
 * state right after the snippet's `sandboxes.create()` returns, as the page's reader would have;
 * without it the mock (like Leap0) answers 404 or 409.
 */
const PREPARED: Record<string, (sandbox: leap0.Sandbox) => Promise<unknown>> = {
  "pty: Connect via WebSocket": (s) => s.pty.create({ id: "my-terminal" }),
  "pty: Resize terminal": (s) => s.pty.create({ id: "my-terminal" }),
  "pty: Delete a PTY session": (s) => s.pty.create({ id: "my-terminal" }),
  "pty-client reference: connect": (s) => s.pty.create({ id: "shell" }),
  "Stop recording": (s) => s.desktop.startRecording(),
  "lsp: Open a document": (s) => s.lsp.start({ languageId: "python", pathToProject: "/home/user/project" }),
  "lsp: Get completions": (s) => s.lsp.start({ languageId: "python", pathToProject: "/home/user/project" }),
  "lsp: Get document symbols": (s) => s.lsp.start({ languageId: "python", pathToProject: "/home/user/project" }),
  "lsp: Close a document": (s) => s.lsp.start({ languageId: "python", pathToProject: "/home/user/project" }),
  "lsp-client reference: didOpen": (s) => s.lsp.start({ languageId: "typescript", pathToProject: "/workspace/app" }),
};

/** leap0's `Leap0Client`, running `prepare` on every sandbox it creates. */
function clientPreparing(prepare: (sandbox: leap0.Sandbox) => Promise<unknown>): typeof leap0.Leap0Client {
  return class extends leap0.Leap0Client {
    constructor(...args: ConstructorParameters<typeof leap0.Leap0Client>) {
      super(...args);
      const create = this.sandboxes.create.bind(this.sandboxes);
      this.sandboxes.create = async (...a) => {
        const sandbox = await create(...a);
        await prepare(sandbox);
        return sandbox;
      };
    }
  };
}

const snippets = FILES.flatMap(snippetsOf);
const mock = createMockLeap0({
  maxSandboxes: 100,
  files: {
    "/workspace/main.py": "print('hello world')\n",
    "/workspace/a.py": "old_name = 1\n",
    "/workspace/b.py": "from a import old_name\n",
    "/workspace/a.txt": "a\n",
    "/workspace/b.txt": "b\n",
    "/workspace/old.txt": "old\n",
    "/workspace/old/file.txt": "old\n",
    "/workspace/README.md": "# readme\n",
    "/workspace/script.sh": "echo hi\n",
    "/home/user/file.txt": "file\n",
  },
  handlers: [command(/^(python3?|npm|pip|curl|node) /, ({ command: line }) => ({ stdout: `(handled) ${line}\n` }))],
});

beforeAll(() => {
  vi.stubEnv("LEAP0_API_KEY", "sk-snippets-on-the-mock");
  vi.stubEnv("LEAP0_BASE_URL", "");
  vi.stubEnv("LEAP0_SANDBOX_URL", "");
  mock.install();
  vi.spyOn(console, "log").mockImplementation(() => {});
});
// The telemetry snippets set OTEL_* in process.env, as the docs tell users to; later tests must not see them.
let envBefore = new Set<string>();
beforeAll(() => {
  envBefore = new Set(Object.keys(process.env));
});
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!envBefore.has(key)) delete process.env[key];
});
afterAll(() => {
  mock.uninstall();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("documented snippets, unchanged, against leap0/testing", () => {
  test("the snippet files hold the snippets this test expects (104, less the 6 excluded)", () => {
    expect(snippets.length).toBe(98);
  });

  test.each(snippets.map((s) => [`${s.file}: ${s.name}`, s] as const))("%s", async (_name, s) => {
    const { code } = await transform(s.code, { loader: "ts", format: "esm" });
    // The snippet's free names are leap0's exports, as the snippet files import them, and the
    // reference examples' own `expect`.
    const prepare = PREPARED[s.name];
    const scope: Record<string, unknown> = {
      ...leap0,
      expect,
      ...(prepare ? { Leap0Client: clientPreparing(prepare) } : {}),
    };
    const names = Object.keys(scope);
    const run = new Function(...names, `return (async () => {\n${code}\n})();`) as (...a: unknown[]) => Promise<void>;
    const before = mock.calls.length;
    await run(...names.map((n) => scope[n]));
    expect(mock.calls.length).toBeGreaterThan(before);
  });
});
