/**
 * The min+gzip size of what a user ships for `Leap0Client` + `snapshots.restore()` (from dist/,
 * esbuild, browser platform, dependencies included), and what the same restore check costs with
 * classic `zod` against `zod/mini` (the measurement behind using `zod/mini`). Informational: the
 * budget itself is enforced by size-limit (`.size-limit.json`), run first by `npm run size`.
 */

import { execFileSync } from "node:child_process";
import { basename, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";

const ROOT = resolve(__dirname, "..");

// The eight in-sandbox area modules, each replaced by an empty class of the same name: what a
// restore consumer would ship if the areas were loaded lazily instead of hanging off the handle.
const AREA_CLASSES: Record<string, string> = {
  "code-interpreter": "CodeInterpreterClient",
  desktop: "DesktopClient",
  filesystem: "FilesystemClient",
  git: "GitClient",
  lsp: "LspClient",
  process: "ProcessClient",
  pty: "PtyClient",
  ssh: "SandboxSshClient",
};
const withoutAreas: Plugin = {
  name: "without-areas",
  setup(b) {
    b.onLoad({ filter: /src[\\/]resources[\\/]sandbox[\\/][a-z-]+\.ts$/ }, (args) => {
      const name = AREA_CLASSES[basename(args.path, ".ts")];
      // The handle itself (handle.ts) and the areas' helpers load as they are.
      if (!name) return undefined;
      return { contents: `export class ${name} { constructor(p, id) { this.p = p; this.id = id; } }`, loader: "js" };
    });
  },
};

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

/** min and min+gzip bytes of a consumer of `Leap0Client` + `snapshots.restore`, from dist/. */
export function measureConsumer(): Promise<{ min: number; gzip: number }> {
  const dist = join(ROOT, "dist", "index.mjs");
  return measure(
    `import { Leap0Client } from ${JSON.stringify(dist)};\nexport const run = () => new Leap0Client({ apiKey: "k" }).snapshots.restore({ snapshotName: "warm" });\n`,
  );
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
  const consumer = await measureConsumer();
  const schema = (z: string) =>
    `import * as z from ${JSON.stringify(z)};\nconst s = ${z === "zod" ? "z.strictObject({ snapshotName: z.string().trim().min(1).max(64), timeout: z.optional(z.int().min(1).max(28800)), autoPause: z.optional(z.boolean()) })" : "z.strictObject({ snapshotName: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), timeout: z.optional(z.int().check(z.minimum(1), z.maximum(28800))), autoPause: z.optional(z.boolean()) })"};\nexport const check = (v) => s.safeParse(v);\n`;
  const client = join(ROOT, "src", "client.ts");
  const restore = `import { Leap0Client } from ${JSON.stringify(client)};\nexport const run = () => new Leap0Client({ apiKey: "k" }).snapshots.restore({ snapshotName: "warm" });\n`;
  const fromSrc = await measure(restore);
  const noAreas = await measure(restore, ROOT, [withoutAreas]);
  const classic = await measure(schema("zod"));
  const mini = await measure(schema("zod/mini"));

  console.log("bundle of a consumer of Leap0Client + snapshots.restore (dependencies included)");
  console.log(`  minified        ${kb(consumer.min)}`);
  console.log(`  min+gzip        ${kb(consumer.gzip)}`);
  console.log("the same consumer built from src/, and with the eight sandbox areas left out");
  console.log(`  with the areas  ${kb(fromSrc.min)} min, ${kb(fromSrc.gzip)} min+gzip`);
  console.log(
    `  without them    ${kb(noAreas.min)} min, ${kb(noAreas.gzip)} min+gzip (the floor if areas were loaded lazily: control plane, core, zod/mini, openapi-fetch)`,
  );
  console.log("the restore params check alone, by zod flavour");
  console.log(`  zod (classic)   ${kb(classic.min)} min, ${kb(classic.gzip)} min+gzip`);
  console.log(`  zod/mini        ${kb(mini.min)} min, ${kb(mini.gzip)} min+gzip`);
}

if (require.main === module) void main();
