/**
 * The package as users get it: `npm pack`, install the tarball into an empty project, then
 * import (ESM) and require (CJS) it and restore a snapshot against Prism with each, type-check
 * a strict consumer against the installed types, and bundle it for the browser/worker platform
 * to prove the core uses no Node built-ins. Every TypeScript block of README.md type-checks against
 * the installed types and runs, as its own process, against a Prism mock.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { createContext, runInContext } from "node:vm";
import { build, transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import {
  fileOfBlock,
  PRELUDES,
  type ReadmeBlock,
  type ReadmeFront,
  readmeBlocks,
  startReadmeFront,
} from "./support/readme";

const README_KEY = "sk-readme-test-key";

const ROOT = resolve(__dirname, "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
let dir = "";

function run(cmd: string, args: string[], cwd = dir, env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: "pipe" });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "leap0-consumer-"));
  // prepack builds dist/ first, exactly as `npm publish` would.
  run("npm", ["pack", "--silent", "--pack-destination", dir], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack produced no tarball");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  // undici and just-bash are the optional peers that only leap0/node and leap0/testing need.
  run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    `./${tarball}`,
    "undici@7.30.2",
    "just-bash@3.4.2",
  ]);
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = (load: string) => `
${load}
const client = new Leap0Client({ apiKey: "consumer-key", baseUrl: process.env.PRISM_URL });
const sandbox = await client.sandboxes.create();
const snapshot = await sandbox.createSnapshot({ name: "warm" });
const restored = await client.snapshots.restore({ snapshotName: snapshot.name, networkPolicy: { mode: NetworkPolicyMode.DENY_ALL } });
console.log(JSON.stringify({ snapshot: snapshot.id, restored: restored.id, isSandbox: restored instanceof Sandbox }));
`;

describe("the packed tarball, installed in an empty project", () => {
  test("import (ESM) runs a snapshot create + restore", () => {
    writeFileSync(join(dir, "esm.mjs"), SCRIPT('import { Leap0Client, NetworkPolicyMode, Sandbox } from "leap0";'));
    const out = run(process.execPath, ["esm.mjs"], dir, { PRISM_URL: inject("prismUrl") });
    expect(JSON.parse(out)).toEqual({ snapshot: "snap-4n8w2c6x1p", restored: "sbx-2r6t8y1u5h", isSandbox: true });
  });

  test("require (CJS) runs a snapshot create + restore", () => {
    const body = SCRIPT('const { Leap0Client, NetworkPolicyMode, Sandbox } = require("leap0");');
    writeFileSync(
      join(dir, "cjs.cjs"),
      `(async () => {${body}})().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const out = run(process.execPath, ["cjs.cjs"], dir, { PRISM_URL: inject("prismUrl") });
    expect(JSON.parse(out)).toEqual({ snapshot: "snap-4n8w2c6x1p", restored: "sbx-2r6t8y1u5h", isSandbox: true });
  });

  test("an area's code loads on its first call, not with the SDK (CJS: require.cache tells)", () => {
    const script = `(async () => {
      const { Leap0Client } = require("leap0");
      const loaded = () => Object.keys(require.cache).filter((f) => /[\\\\/]dist[\\\\/]filesystem-/.test(f)).length;
      const client = new Leap0Client({ apiKey: "consumer-key", baseUrl: process.env.PRISM_URL });
      const sandbox = await client.sandboxes.create();
      const before = loaded();
      const fs = sandbox.filesystem;
      const untouched = loaded();
      const exists = await fs.exists("/home/user");
      const after = loaded();
      const { FilesystemClient } = require("leap0/areas");
      console.log(JSON.stringify({ before, untouched, after, exists: typeof exists, area: sandbox.filesystem instanceof FilesystemClient }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
    writeFileSync(join(dir, "lazy.cjs"), script);
    const out = run(process.execPath, ["lazy.cjs"], dir, { PRISM_URL: inject("prismUrl") });
    expect(JSON.parse(out)).toEqual({ before: 0, untouched: 0, after: 1, exists: "boolean", area: true });
  });

  test("leap0/node: the undici transport runs the same calls", () => {
    const load =
      'import { Leap0Client, NetworkPolicyMode, Sandbox } from "leap0";\nimport { nodeFetch } from "leap0/node";';
    writeFileSync(
      join(dir, "node.mjs"),
      SCRIPT(load).replace("baseUrl: process.env.PRISM_URL", "baseUrl: process.env.PRISM_URL, fetch: nodeFetch()"),
    );
    const out = run(process.execPath, ["node.mjs"], dir, { PRISM_URL: inject("prismUrl") });
    expect(JSON.parse(out)).toEqual({ snapshot: "snap-4n8w2c6x1p", restored: "sbx-2r6t8y1u5h", isSandbox: true });
  });

  test("a strict TypeScript consumer type-checks against the installed types (ESM and CJS)", () => {
    const consumer = `
import { Leap0Client, Leap0Error, NetworkPolicyMode, SandboxState, type Sandbox, type Snapshot, type RestoreSnapshotParams } from "leap0";
import type { paths } from "leap0/api";
type RestorePath = paths["/v1/snapshot/restore"];
export async function demo(client: Leap0Client): Promise<[Sandbox, Snapshot]> {
  const params: RestoreSnapshotParams = { snapshotName: "warm", timeout: 1800, networkPolicy: { mode: NetworkPolicyMode.CUSTOM, allowCidrs: ["1.2.3.4/32"] } };
  const sandbox: Sandbox = await client.snapshots.restore(params, { timeout: 60, signal: AbortSignal.timeout(1000) });
  const running: boolean = sandbox.state === SandboxState.RUNNING;
  const snapshot = await sandbox.createSnapshot({ name: "again", killSandboxAfter: running });
  try { await client.sandboxes.get(sandbox.id); } catch (e) { if (e instanceof Leap0Error) console.log(e.status, e.fieldErrors); }
  // @ts-expect-error snapshotName is required
  await client.snapshots.restore({ timeout: 5 });
  const body: RestorePath["post"]["requestBody"]["content"]["application/json"] = { snapshot_name: "warm" };
  void body;
  return [sandbox, snapshot];
}
`;
    writeFileSync(join(dir, "consumer.mts"), consumer);
    writeFileSync(join(dir, "consumer.cts"), consumer);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022", "dom"],
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ["consumer.mts", "consumer.cts"],
      }),
    );
    expect(() => run(process.execPath, [TSC, "-p", "tsconfig.json"])).not.toThrow();
  });

  test("bundles for the browser/worker platform with no Node built-in and no createRequire", async () => {
    const entry = join(dir, "worker.mjs");
    writeFileSync(
      entry,
      'import { Leap0Client } from "leap0";\nexport default { fetch: () => new Leap0Client({ apiKey: "k" }).snapshots.list() };\n',
    );
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      conditions: ["worker", "browser"],
      logLevel: "silent",
      metafile: true,
    });
    const code = result.outputFiles[0]?.text ?? "";
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith("node:") || /(^|\/)node_modules\/(undici|node-fetch)\//.test(i))).toEqual(
      [],
    );
    expect(code).not.toMatch(/\bfrom\s*["']node:|require\(["']node:|createRequire/);
    expect(code).not.toMatch(/process\.env(?!\?)/);
  });
});

test("the browser bundle runs a restore in a web-only sandbox (no process, require or Buffer)", async () => {
  const entry = join(dir, "web.mjs");
  writeFileSync(
    entry,
    'import { Leap0Client, NetworkPolicyMode } from "leap0";\n' +
      "globalThis.run = async (baseUrl) => {\n" +
      '  const client = new Leap0Client({ apiKey: "web-key", baseUrl });\n' +
      '  const sandbox = await client.snapshots.restore({ snapshotName: "warm", networkPolicy: { mode: NetworkPolicyMode.DENY_ALL } });\n' +
      "  return [typeof globalThis.process, typeof globalThis.require, typeof globalThis.Buffer, sandbox.id, sandbox.state].join(' ');\n" +
      "};\n",
  );
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    logLevel: "silent",
  });
  // Only what a browser or an edge worker provides.
  const web = {
    fetch,
    Request,
    Response,
    Headers,
    FormData,
    Blob,
    URL,
    URLSearchParams,
    AbortController,
    AbortSignal,
    TextEncoder,
    TextDecoder,
    ReadableStream,
    Event,
    EventTarget,
    crypto,
    performance,
    structuredClone,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    console,
    atob,
    btoa,
  };
  const context = createContext({ ...web });
  runInContext(result.outputFiles[0]?.text ?? "", context);
  const out = await (context as { run: (url: string) => Promise<string> }).run(inject("prismUrl"));
  expect(out).toBe("undefined undefined undefined sbx-2r6t8y1u5h running");
});

describe("leap0/testing from the packed tarball", () => {
  // The mock's client is the package's own: errors it throws are the classes "leap0" exports.
  const MOCK_SCRIPT = `
const mock = createMockLeap0();
const sandbox = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
await sandbox.filesystem.writeFile("/home/user/a.txt", "from the file API");
const r = await sandbox.process.execute({ command: "cat /home/user/a.txt && echo hi > /home/user/b" });
const b = await sandbox.filesystem.readFile("/home/user/b");
let notFound = false;
try { await mock.client.sandboxes.get("sbx-nosuchone1"); } catch (e) { notFound = e instanceof Leap0NotFoundError; }
console.log(JSON.stringify({ stdout: r.stdout, b, notFound, sameClient: mock.client instanceof Leap0Client, calls: mock.calls.length }));
`;
  // create, one poll, write, execute, read, get.
  const EXPECTED = { stdout: "from the file API", b: "hi\n", notFound: true, sameClient: true, calls: 6 };

  test("ESM: the mock runs commands over files, and its errors are leap0's classes", () => {
    writeFileSync(
      join(dir, "mock.mjs"),
      `import { Leap0Client, Leap0NotFoundError } from "leap0";
import { createMockLeap0 } from "leap0/testing";
${MOCK_SCRIPT}`,
    );
    expect(JSON.parse(run(process.execPath, ["mock.mjs"]))).toEqual(EXPECTED);
  });

  test("CJS: the same", () => {
    writeFileSync(
      join(dir, "mock.cjs"),
      `const { Leap0Client, Leap0NotFoundError } = require("leap0");
const { createMockLeap0 } = require("leap0/testing");
(async () => {${MOCK_SCRIPT}})().catch((e) => { console.error(e); process.exit(1); });`,
    );
    expect(JSON.parse(run(process.execPath, ["mock.cjs"]))).toEqual(EXPECTED);
  });
});

describe("error names in the packed tarball", () => {
  // Prints one "exportName=instanceName" line per exported error class.
  const PRINT_NAMES = `
const lines = [];
for (const [k, v] of Object.entries(leap0)) {
  if (typeof v === "function" && v.prototype instanceof Error) lines.push(k + "=" + Reflect.construct(v, ["m", {}, {}]).name);
}
console.log(JSON.stringify(lines));
`;
  const names = (out: string) => JSON.parse(out) as string[];
  const expectEveryNameIsItsExport = (lines: string[]) => {
    expect(lines.length).toBeGreaterThanOrEqual(28);
    for (const line of lines) {
      const [exported, name] = line.split("=");
      expect(name, line).toBe(exported);
    }
  };
  let esm: string[] = [];

  test("ESM: every exported error's name is its export name", () => {
    writeFileSync(join(dir, "names.mjs"), `import * as leap0 from "leap0";\n${PRINT_NAMES}`);
    esm = names(run(process.execPath, ["names.mjs"]));
    expectEveryNameIsItsExport(esm);
  });

  test("CJS: the same classes, the same names", () => {
    writeFileSync(join(dir, "names.cjs"), `const leap0 = require("leap0");\n${PRINT_NAMES}`);
    const cjs = names(run(process.execPath, ["names.cjs"]));
    expectEveryNameIsItsExport(cjs);
    expect(cjs).toEqual(esm);
  });

  test("a consumer that bundles and minifies (esbuild --minify) still sees every name", async () => {
    // Imported by name, as an application would, so the minifier may rename every class.
    const imports = esm.map((l) => l.split("=")[0]).join(", ");
    writeFileSync(
      join(dir, "names-min.mjs"),
      `import { ${imports} } from "leap0";\nconst leap0 = { ${imports} };\n${PRINT_NAMES}`,
    );
    const result = await build({
      entryPoints: [join(dir, "names-min.mjs")],
      bundle: true,
      minify: true,
      write: false,
      platform: "node",
      format: "esm",
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.text ?? "";
    // The minifier did rename the classes: no class keeps its long name as its identifier.
    expect(code).not.toMatch(/class Leap0NotFoundError\b/);
    writeFileSync(join(dir, "names-min.bundle.mjs"), code);
    const minified = names(run(process.execPath, ["names-min.bundle.mjs"]));
    expectEveryNameIsItsExport(minified);
    expect(minified).toEqual(esm);
  });
});

describe("README.md: every TypeScript block, against the packed package", () => {
  const all = readmeBlocks();
  // A block that shows a test file is that file, word for word; `npm test` runs the file.
  const shown = all.filter((b) => fileOfBlock(b));
  const blocks = all.filter((b) => !fileOfBlock(b));

  test.each(shown.map((b) => [fileOfBlock(b) as string, b] as const))("%s is shown as it is", (path, b) => {
    expect(b.code).toBe(readFileSync(join(ROOT, path), "utf8").trimEnd());
  });
  let front: ReadmeFront;
  // Each block as a module: its prelude (recorded in test/support/readme.ts), then the block verbatim.
  const file = (i: number) => `readme-${String(i + 1).padStart(2, "0")}`;
  const preludeOf = (b: ReadmeBlock) =>
    PRELUDES.find((p) => p.heading === b.heading && b.code.startsWith(p.startsWith))?.prelude;

  beforeAll(async () => {
    front = await startReadmeFront(inject("prismUrl"), README_KEY);
  });
  afterAll(async () => {
    await front?.stop();
  });

  test("every block has its prelude recorded, and every recorded prelude has its block", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    expect(blocks.filter((b) => preludeOf(b) === undefined).map((b) => `${b.heading} (line ${b.line})`)).toEqual([]);
    const unused = PRELUDES.filter(
      (p) => !blocks.some((b) => b.heading === p.heading && b.code.startsWith(p.startsWith)),
    );
    expect(unused).toEqual([]);
  });

  test("every block type-checks under strict against the installed types", () => {
    blocks.forEach((b, i) => {
      writeFileSync(join(dir, `${file(i)}.mts`), `${preludeOf(b)}\n${b.code}\nexport {};\n`);
    });
    writeFileSync(
      join(dir, "tsconfig.readme.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022", "esnext.disposable", "dom"],
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [join(ROOT, "node_modules", "@types")],
          types: ["node"],
        },
        files: blocks.map((_, i) => `${file(i)}.mts`),
      }),
    );
    const out = (() => {
      try {
        return run(process.execPath, [TSC, "-p", "tsconfig.readme.json"]);
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e);
      }
    })();
    expect(out).toBe("");
  });

  // One process per block, as a user runs a file: `await using` is lowered for Node 20 and 22.
  test.each(blocks.map((b, i) => [i, `${b.heading} (line ${b.line})`] as const))(
    "block %i (%s) runs against the mock, every request valid",
    async (i) => {
      const b = blocks[i] as ReadmeBlock;
      const { code } = await transform(`${preludeOf(b)}\n${b.code}\n`, {
        loader: "ts",
        format: "esm",
        target: "node20",
      });
      writeFileSync(join(dir, `${file(i)}.mjs`), code);
      writeFileSync(join(dir, "in.bin"), "input bytes");
      // The runner ends the process once the block's module has run (a block may leave a client open).
      writeFileSync(
        join(dir, `${file(i)}.run.mjs`),
        `try { await import("./${file(i)}.mjs"); process.exit(0); } catch (e) { console.error(e?.stack ?? String(e)); process.exit(1); }\n`,
      );
      front.requests.length = 0;
      const { stderr } = await promisify(execFile)(process.execPath, [`${file(i)}.run.mjs`], {
        cwd: dir,
        timeout: 20_000,
        env: { ...process.env, LEAP0_API_KEY: README_KEY, LEAP0_BASE_URL: front.url, LEAP0_SANDBOX_URL: front.url },
      }).catch((e: { stderr?: string; message: string }) => {
        throw new Error(`block ${i} failed: ${e.stderr || e.message}`);
      });
      expect(stderr).toBe("");
      expect(front.requests.filter((r) => r.violations || r.status >= 300)).toEqual([]);
    },
  );
});
