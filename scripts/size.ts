/**
 * What a bundler user ships (from dist/, esbuild, browser platform, dependencies included,
 * min+gzip): the first chunk of five consumers, from restore-only to one error class, and the
 * in-sandbox areas' `import()` chunks; plus what the restore check costs with classic `zod`
 * against `zod/mini` (the measurement behind using `zod/mini`). Informational: the budgets are
 * enforced by size-limit (`.size-limit.cjs`), run first by `npm run size`, and the tarball's here.
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";

const ROOT = resolve(__dirname, "..");

/**
 * Leaves `import()` targets out of the bundle: what remains is the first chunk, what a bundler
 * user's page or function loads before any in-sandbox area is used (each area is a chunk of its
 * own, fetched on its first call).
 */
const firstChunk: Plugin = {
  name: "first-chunk",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (a) => (a.kind === "dynamic-import" ? { path: a.path, external: true } : undefined));
  },
};

/**
 * A consumer directory outside the repository whose `node_modules/leap0` is this package, so
 * `import … from "leap0"` resolves as it does for a user: through package.json's `exports` and
 * `"sideEffects": false`, with no tsconfig path mapping to src/.
 */
function consumerDir(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "leap0-size-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "leap0"), "dir");
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

async function measure(
  contents: string,
  resolveDir = ROOT,
  plugins: Plugin[] = [],
): Promise<{ min: number; gzip: number }> {
  const result = await build({
    plugins,
    stdin: { contents, resolveDir, sourcefile: "consumer.mjs" },
    bundle: true,
    write: false,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/**
 * The unpacked size of the published tarball is budgeted: it was 4.45 MiB when every source map
 * inlined all of `src/` again (3.42 MiB without that). leap0/testing adds 0.93 MiB with its ESM
 * and CJS builds and their maps (it bundles its own copy of the operation table, which the main
 * entry does not export); saying each call's shared errors once, not per method, took 0.27 MiB
 * of declarations off (4.30 MiB at the time).
 * `npm pack --dry-run` lists what `npm publish` would ship.
 */
const UNPACKED_BUDGET_BYTES = 4.5 * 1024 * 1024;

function unpackedSize(): { unpacked: number; packed: number; files: number } {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  const [info] = JSON.parse(out) as { unpackedSize: number; size: number; entryCount: number }[];
  if (!info) throw new Error("npm pack --dry-run printed nothing");
  return { unpacked: info.unpackedSize, packed: info.size, files: info.entryCount };
}

/** What each consumer does with `leap0`: the cases the size report and the bench print. */
export const CONSUMERS = {
  "restore-only (Leap0Client + snapshots.restore)": `import { Leap0Client } from "leap0";\nexport const run = () => new Leap0Client({ apiKey: "k" }).snapshots.restore({ snapshotName: "warm" });`,
  "create-and-run (sandboxes.create + process.execute)": `import { Leap0Client } from "leap0";\nexport const run = async () => (await new Leap0Client({ apiKey: "k" }).sandboxes.create()).process.execute({ command: "ls" });`,
  "the client alone": `import { Leap0Client } from "leap0";\nexport const client = () => new Leap0Client({ apiKey: "k" });`,
  "one error class (Leap0Error)": `import { Leap0Error } from "leap0";\nexport const isLeap0 = (e) => e instanceof Leap0Error;`,
  "one constant (DEFAULT_BASE_URL)": `import { DEFAULT_BASE_URL } from "leap0";\nexport const base = () => DEFAULT_BASE_URL;`,
} as const;

/** min and min+gzip bytes of each consumer's first chunk, from dist/ as a user resolves it. */
export async function measureConsumers(): Promise<Record<keyof typeof CONSUMERS, { min: number; gzip: number }>> {
  const consumer = consumerDir();
  try {
    const out: Record<string, { min: number; gzip: number }> = {};
    for (const [name, code] of Object.entries(CONSUMERS)) out[name] = await measure(code, consumer.dir, [firstChunk]);
    return out as Record<keyof typeof CONSUMERS, { min: number; gzip: number }>;
  } finally {
    consumer.dispose();
  }
}

/** min and min+gzip bytes of the restore-only consumer's first chunk (what the bench prints). */
export async function measureConsumer(): Promise<{ min: number; gzip: number }> {
  return (await measureConsumers())["restore-only (Leap0Client + snapshots.restore)"];
}

/** The in-sandbox areas' `import()` chunks in dist/ (ESM), with their min+gzip size as shipped. */
export function areaChunks(): { file: string; gzip: number }[] {
  const entry = readFileSync(join(ROOT, "dist", "index.mjs"), "utf8");
  const client = readdirSync(join(ROOT, "dist")).find((f) => /^client-.*\.mjs$/.test(f));
  const loader = client ? readFileSync(join(ROOT, "dist", client), "utf8") : entry;
  const files = [...loader.matchAll(/import\("\.\/([^"]+\.mjs)"\)/g)].map((m) => m[1] as string);
  return [...new Set(files)].map((file) => ({
    file,
    gzip: gzipSync(readFileSync(join(ROOT, "dist", file)), { level: 9 }).length,
  }));
}

async function main(): Promise<void> {
  const tarball = unpackedSize();
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  console.log(
    `the tarball: ${mib(tarball.unpacked)} unpacked (budget ${mib(UNPACKED_BUDGET_BYTES)}), ${mib(tarball.packed)} packed, ${tarball.files} files`,
  );
  if (tarball.unpacked > UNPACKED_BUDGET_BYTES) {
    console.error(`FAIL: the unpacked tarball is over its budget of ${mib(UNPACKED_BUDGET_BYTES)}.`);
    process.exitCode = 1;
  }
  const consumers = await measureConsumers();
  console.log("first chunk of a bundled consumer of `leap0` (min+gzip, dependencies included; areas load later):");
  for (const [name, size] of Object.entries(consumers)) {
    console.log(`  ${name.padEnd(52)} ${kb(size.gzip).padStart(8)} (${kb(size.min)} min)`);
  }
  const chunks = areaChunks();
  console.log(`the in-sandbox areas' import() chunks (${chunks.length}), each loaded on its area's first call:`);
  for (const c of chunks)
    console.log(`  ${c.file.padEnd(36)} ${kb(c.gzip).padStart(8)} gzip as shipped (not minified)`);
  const schema = (z: string) =>
    `import * as z from ${JSON.stringify(z)};\nconst s = ${z === "zod" ? "z.strictObject({ snapshotName: z.string().trim().min(1).max(64), timeout: z.optional(z.int().min(1).max(28800)), autoPause: z.optional(z.boolean()) })" : "z.strictObject({ snapshotName: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), timeout: z.optional(z.int().check(z.minimum(1), z.maximum(28800))), autoPause: z.optional(z.boolean()) })"};\nexport const check = (v) => s.safeParse(v);\n`;
  const classic = await measure(schema("zod"));
  const mini = await measure(schema("zod/mini"));
  console.log("the restore params check alone, by zod flavour");
  console.log(`  zod (classic)   ${kb(classic.min)} min, ${kb(classic.gzip)} min+gzip`);
  console.log(`  zod/mini        ${kb(mini.min)} min, ${kb(mini.gzip)} min+gzip`);
}

if (require.main === module) void main();
