/**
 * Every documented JavaScript snippet of the control plane (sandboxes, access, system tools,
 * filesystem, process, git, terminals, language servers) that the other snippet tests hold, run
 * unchanged against leap0/testing, with no network: the code
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
];

interface Snippet {
  file: string;
  name: string;
  code: string;
}

/**
 * Snippets the mock cannot run as published, each with the reason. The docs' template pages use
 * the placeholder id "<template_id>", which no template has: the mock answers 404, as Leap0 would.
 */
const EXCLUDED: Record<string, string> = {
  "Templates: Rename a template": 'placeholder id "<template_id>"',
  "Templates: Delete a template": 'placeholder id "<template_id>"',
};

/**
 * Each test's snippet: a snippet the test wraps in a block is the whole block, after any set-up
 * lines the test puts before it; otherwise it runs
 * from the line that makes the client to the line that closes it.
 */
function snippetsOf(file: string): Snippet[] {
  const source = readFileSync(join(__dirname, file), "utf8");
  const out: Snippet[] = [];
  for (const m of source.matchAll(/^test\("([^"]+)", async \(\) => \{\n([\s\S]*?)^\}\);$/gm)) {
    const name = m[1] as string;
    const body = m[2] as string;
    if (name in EXCLUDED) continue;
    const block = /^ {2}\{\n([\s\S]*?)^ {2}\}$/m.exec(body);
    if (block) {
      // The reference pages' examples start from a `sandbox` the test makes just above the block.
      out.push({ file, name, code: body.slice(0, block.index) + (block[1] as string) });
      continue;
    }
    const start = body.search(/^\s*const client = new Leap0Client\(/m);
    const end = body.indexOf("await client.close();");
    if (start < 0 || end < 0) continue;
    out.push({ file, name, code: body.slice(start, end + "await client.close();".length) });
  }
  return out;
}

/**
 * Snippets that reach a terminal session an earlier snippet of the same page made. Each snippet
 * here runs on a sandbox of its own, so the runner makes that session right after the snippet's
 * `sandboxes.create()` returns, as the page's reader would have; without it the mock (like
 * Leap0) answers 404.
 */
const SESSIONS: Record<string, string> = {
  "pty: Connect via WebSocket": "my-terminal",
  "pty: Resize terminal": "my-terminal",
  "pty: Delete a PTY session": "my-terminal",
  "pty-client reference: connect": "shell",
};

/** leap0's `Leap0Client`, making `session` in every sandbox it creates. */
function clientWithSession(session: string): typeof leap0.Leap0Client {
  return class extends leap0.Leap0Client {
    constructor(...args: ConstructorParameters<typeof leap0.Leap0Client>) {
      super(...args);
      const create = this.sandboxes.create.bind(this.sandboxes);
      this.sandboxes.create = async (...a) => {
        const sandbox = await create(...a);
        await sandbox.pty.create({ id: session });
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
  test("the snippet files hold the snippets this test expects (71, less the 2 excluded)", () => {
    expect(snippets.length).toBe(69);
  });

  test.each(snippets.map((s) => [`${s.file}: ${s.name}`, s] as const))("%s", async (_name, s) => {
    const { code } = await transform(s.code, { loader: "ts", format: "esm" });
    // The snippet's free names are leap0's exports, as the snippet files import them, and the
    // reference examples' own `expect`.
    const session = SESSIONS[s.name];
    const scope: Record<string, unknown> = {
      ...leap0,
      expect,
      ...(session ? { Leap0Client: clientWithSession(session) } : {}),
    };
    const names = Object.keys(scope);
    const run = new Function(...names, `return (async () => {\n${code}\n})();`) as (...a: unknown[]) => Promise<void>;
    const before = mock.calls.length;
    await run(...names.map((n) => scope[n]));
    expect(mock.calls.length).toBeGreaterThan(before);
  });
});
