/**
 * `npm run test:runtimes`: the packed tarball on other JavaScript runtimes, all from npm: Bun
 * (ESM and CJS), Deno (ESM) and workerd through Miniflare (a bundled Worker). Each runs
 * create → snapshot → restore → iterate → 404 mapping against a Prism mock of openapi.yaml on
 * 127.0.0.1, and prints one line per runtime; exits 1 if any fails. CI runs it after the tests.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { startPrism } from "./prism";

const ROOT = resolve(__dirname, "..");
// Exact versions that install from the registry and run here (see ../shared/TOOLCHAIN.md).
const RUNTIMES = [
  "bun@1.4.5",
  "@deno/linux-x64-glibc@2.9.6",
  "miniflare@4.20260730.0",
  "just-bash@3.4.2",
  "isomorphic-git@1.44.19",
];

const SCENARIO = `
export async function scenario(Leap0, baseUrl) {
  const { Leap0Client, Leap0NotFoundError } = Leap0;
  const client = new Leap0Client({ apiKey: "runtime-key", baseUrl });
  const sandbox = await client.sandboxes.create();
  const snapshot = await sandbox.createSnapshot({ name: "warm" });
  const restored = await client.snapshots.restore({ snapshotName: snapshot.name });
  let iterated = 0;
  for await (const s of client.snapshots.iterate()) if (s.id) iterated++;
  let notFound = false;
  try {
    await new Leap0Client({ apiKey: "runtime-key", baseUrl, defaultHeaders: { Prefer: "code=404" } }).sandboxes.get("nope");
  } catch (e) {
    notFound = e instanceof Leap0NotFoundError && e.status === 404;
  }
  return { sandbox: sandbox.id, snapshot: snapshot.id, restored: restored.id, iterated, notFound };
}
`;

const EXPECTED = { sandbox: "sbx-7f3k2m9q4d", snapshot: "snap-4n8w2c6x1p", restored: "sbx-2r6t8y1u5h", notFound: true };

// leap0/testing on the same runtime: a command over the file API's tree, a handler, a terminal over its WebSocket, and an
// error that is leap0's own class.
const MOCK_SCENARIO = `
export async function mockScenario(Leap0, Testing) {
  const mock = Testing.createMockLeap0({ handlers: [Testing.command("npm ci", { stdout: "installed\\n" })] });
  const sandbox = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
  await sandbox.filesystem.writeFile("/home/user/a.txt", "from the file API ");
  const cat = await sandbox.process.execute({ command: "cat /home/user/a.txt" });
  const npm = await sandbox.process.execute({ command: "npm ci" });
  let notFound = false;
  try { await mock.client.sandboxes.get("sbx-nosuchsandbx"); } catch (e) { notFound = e instanceof Leap0.Leap0NotFoundError; }
  // The terminal's WebSocket, in memory: a line in, its output back, exit ends it.
  const term = await sandbox.pty.open({ id: "t1" });
  term.send("cat a.txt\\r");
  let screen = "";
  while (!screen.includes("API $ ")) screen += await term.recvText({ timeout: 5 });
  term.send("exit\\r");
  const ended = (await term.closed).kind;
  // Git for real over the in-memory files (isomorphic-git), a code run through a handler, and a
  // screenshot that is a PNG of the screen's size.
  const repo = "/home/user/repo";
  await sandbox.process.execute({ command: "git init -b main " + repo });
  await sandbox.filesystem.writeFile(repo + "/a.txt", "a\\n");
  await sandbox.git.add(repo, ["a.txt"]);
  const commit = await sandbox.git.commit({ path: repo, message: "first", author: "A", email: "a@x.io" });
  const git = (await sandbox.git.log({ path: repo })).output.includes("commit " + commit.sha);
  mock.use(Testing.codeInterpreter((code) => [{ type: "stdout", data: code === "2 + 2" ? "4\\n" : "?\\n" }]));
  const code = (await sandbox.codeInterpreter.execute({ code: "2 + 2" })).logs.stdout.join("");
  const png = await sandbox.desktop.screenshot();
  const size = new DataView(png.buffer, png.byteOffset).getUint32(16) + "x" + new DataView(png.buffer, png.byteOffset).getUint32(20);
  return { stdout: cat.stdout + npm.stdout, notFound, calls: mock.calls.length, ended, git, code, png: size };
}
`;
const MOCK_EXPECTED = {
  stdout: "from the file API installed\n",
  notFound: true,
  calls: 15,
  ended: "exited",
  git: true,
  code: "4",
  png: "1440x900",
};

/** Node's built-in modules in a Worker bundle, as wrangler's nodejs_compat treats them. */
const nodeBuiltins: Plugin = {
  name: "node-builtins",
  setup(b) {
    const names = new RegExp(`^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, "\\/")).join("|")})$`);
    b.onResolve({ filter: names }, (args) => {
      const name = args.path.replace(/^node:/, "");
      return args.kind === "require-call"
        ? { path: name, namespace: "node-builtin" }
        : { path: `node:${name}`, external: true };
    });
    b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      contents: `export * from "node:${args.path}";`,
      loader: "js",
    }));
  },
};

function checkMock(out: string): string | undefined {
  const line = out.trim().split("\n").pop() ?? "";
  try {
    const result = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify(result) === JSON.stringify(MOCK_EXPECTED) ? undefined : `got ${line.slice(0, 300)}`;
  } catch {
    return `no result (${line.slice(0, 200)})`;
  }
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: "pipe" });
}

function check(out: string): string | undefined {
  const line = out.trim().split("\n").pop() ?? "";
  let result: Record<string, unknown>;
  try {
    result = JSON.parse(line);
  } catch {
    return `no result (${line.slice(0, 200)})`;
  }
  for (const [k, v] of Object.entries(EXPECTED)) if (result[k] !== v) return `${k} was ${JSON.stringify(result[k])}`;
  if (!(Number(result.iterated) > 0)) return "iterate() yielded nothing";
  return undefined;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "leap0-runtimes-"));
  const prism = await startPrism();
  const results: [string, string | undefined][] = [];
  try {
    run("npm", ["pack", "--silent", "--pack-destination", dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack produced no tarball");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "runtimes", private: true }));
    run("npm", ["install", "--no-audit", "--no-fund", `./${tarball}`, ...RUNTIMES], dir);
    writeFileSync(join(dir, "scenario.mjs"), SCENARIO);
    writeFileSync(join(dir, "mock-scenario.mjs"), MOCK_SCENARIO);
    writeFileSync(
      join(dir, "mock-esm.mjs"),
      `import * as Leap0 from "leap0";\nimport * as Testing from "leap0/testing";\nimport { mockScenario } from "./mock-scenario.mjs";\nconsole.log(JSON.stringify(await mockScenario(Leap0, Testing)));\n`,
    );
    writeFileSync(
      join(dir, "mock-cjs.cjs"),
      `const Leap0 = require("leap0");\nconst Testing = require("leap0/testing");\nimport("./mock-scenario.mjs").then(({ mockScenario }) => mockScenario(Leap0, Testing)).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });\n`,
    );
    writeFileSync(
      join(dir, "esm.mjs"),
      `import * as Leap0 from "leap0";\nimport { scenario } from "./scenario.mjs";\nconsole.log(JSON.stringify(await scenario(Leap0, globalThis.process?.env?.PRISM_URL ?? Deno.env.get("PRISM_URL"))));\n`,
    );
    writeFileSync(
      join(dir, "cjs.cjs"),
      `const Leap0 = require("leap0");\nimport("./scenario.mjs").then(({ scenario }) => scenario(Leap0, process.env.PRISM_URL)).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });\n`,
    );
    const env = { PRISM_URL: prism.url };
    const bin = (name: string) => join(dir, "node_modules", ".bin", name);
    const attempt = (name: string, fn: () => string | Promise<string>, judge = check) =>
      Promise.resolve()
        .then(fn)
        .then(
          (out) => results.push([name, judge(out)]),
          (e: unknown) =>
            results.push([name, String((e as { stderr?: string }).stderr || (e as Error).message).slice(0, 500)]),
        );

    await attempt(`Bun ${run(bin("bun"), ["--version"], dir).trim()} (ESM)`, () =>
      run(bin("bun"), ["esm.mjs"], dir, env),
    );
    await attempt("Bun (CJS)", () => run(bin("bun"), ["cjs.cjs"], dir, env));
    await attempt("Bun: leap0/testing (ESM)", () => run(bin("bun"), ["mock-esm.mjs"], dir, env), checkMock);
    await attempt("Bun: leap0/testing (CJS)", () => run(bin("bun"), ["mock-cjs.cjs"], dir, env), checkMock);
    await attempt("Node: leap0/testing (ESM)", () => run(process.execPath, ["mock-esm.mjs"], dir, env), checkMock);
    const deno = join(dir, "node_modules", "@deno", "linux-x64-glibc", "deno");
    await attempt(`Deno ${run(deno, ["--version"], dir).split("\n")[0]?.split(" ")[1]} (ESM)`, () =>
      run(
        deno,
        [
          "run",
          "--allow-net=127.0.0.1",
          "--allow-env=PRISM_URL,LEAP0_API_KEY,LEAP0_BASE_URL,LEAP0_LOG,LEAP0_SANDBOX_DOMAIN,LEAP0_SANDBOX_URL,LEAP0_SDK_OTEL_ENABLED,OTEL_EXPORTER_OTLP_ENDPOINT",
          "--allow-read",
          "esm.mjs",
        ],
        dir,
        {
          ...env,
          DENO_NO_UPDATE_CHECK: "1",
        },
      ),
    );
    await attempt(
      "Deno: leap0/testing (ESM)",
      () => run(deno, ["run", "--allow-read", "--allow-env", "mock-esm.mjs"], dir, { DENO_NO_UPDATE_CHECK: "1" }),
      checkMock,
    );
    // just-bash's browser build imports node:zlib, and isomorphic-git's hashing (sha.js through
    // safe-buffer) requires "buffer": a Worker has both with nodejs_compat. As wrangler does, a
    // built-in module is left to the runtime, and a `require()` of one (which an ES module
    // cannot make at run time) becomes a static import.
    const worker = async (source: string) => {
      writeFileSync(join(dir, "worker.mjs"), source);
      const bundle = await build({
        entryPoints: [join(dir, "worker.mjs")],
        bundle: true,
        write: false,
        format: "esm",
        platform: "browser",
        conditions: ["worker", "browser"],
        target: "es2022",
        plugins: [nodeBuiltins],
        logLevel: "silent",
      });
      const requireHere = createRequire(join(dir, "package.json"));
      // Installed into the consumer folder only, not into this project.
      const { Miniflare } = requireHere("miniflare") as {
        Miniflare: new (
          options: Record<string, unknown>,
        ) => { dispatchFetch(url: string): Promise<Response>; dispose(): Promise<void> };
      };
      const mf = new Miniflare({
        modules: true,
        script: bundle.outputFiles[0]?.text ?? "",
        compatibilityDate: "2025-01-01",
        compatibilityFlags: ["nodejs_compat"],
      });
      try {
        const res = await mf.dispatchFetch("http://worker/");
        return await res.text();
      } finally {
        await mf.dispose();
      }
    };
    await attempt(
      "workerd via Miniflare: leap0/testing (a bundled Worker)",
      () =>
        worker(
          `import * as Leap0 from "leap0";\nimport * as Testing from "leap0/testing";\nimport { mockScenario } from "./mock-scenario.mjs";\nexport default { async fetch() { return new Response(JSON.stringify(await mockScenario(Leap0, Testing))); } };\n`,
        ),
      checkMock,
    );
    await attempt("workerd via Miniflare (a bundled Worker)", async () => {
      writeFileSync(
        join(dir, "worker.mjs"),
        `import * as Leap0 from "leap0";\nimport { scenario } from "./scenario.mjs";\nexport default { async fetch() { return new Response(JSON.stringify(await scenario(Leap0, ${JSON.stringify(prism.url)}))); } };\n`,
      );
      const bundle = await build({
        entryPoints: [join(dir, "worker.mjs")],
        bundle: true,
        write: false,
        format: "esm",
        platform: "browser",
        conditions: ["worker", "browser"],
        target: "es2022",
        logLevel: "silent",
      });
      const requireHere = createRequire(join(dir, "package.json"));
      // Installed into the consumer folder only, not into this project.
      const { Miniflare } = requireHere("miniflare") as {
        Miniflare: new (
          options: Record<string, unknown>,
        ) => { dispatchFetch(url: string): Promise<Response>; dispose(): Promise<void> };
      };
      const mf = new Miniflare({
        modules: true,
        script: bundle.outputFiles[0]?.text ?? "",
        compatibilityDate: "2025-01-01",
      });
      try {
        const res = await mf.dispatchFetch("http://worker/");
        return await res.text();
      } finally {
        await mf.dispose();
      }
    });
  } finally {
    await prism.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  let failed = 0;
  for (const [name, problem] of results) {
    console.log(`${problem ? "FAIL" : "ok  "}  ${name}${problem ? `: ${problem}` : ""}`);
    if (problem) failed++;
  }
  if (failed || results.length < 9) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
