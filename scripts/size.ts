/**
 * The min+gzip size of what a user ships for `Leap0Client` + `snapshots.restore()` (from dist/,
 * esbuild, browser platform, dependencies included), and what the same restore check costs with
 * classic `zod` against `zod/mini` (the measurement behind using `zod/mini`). Informational: the
 * budget itself is enforced by size-limit (`.size-limit.json`), run first by `npm run size`.
 */

import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = resolve(__dirname, "..");

async function measure(contents: string, resolveDir = ROOT): Promise<{ min: number; gzip: number }> {
  const result = await build({
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

/** min and min+gzip bytes of a consumer of `Leap0Client` + `snapshots.restore`, from dist/. */
export function measureConsumer(): Promise<{ min: number; gzip: number }> {
  const dist = join(ROOT, "dist", "index.mjs");
  return measure(
    `import { Leap0Client } from ${JSON.stringify(dist)};\nexport const run = () => new Leap0Client({ apiKey: "k" }).snapshots.restore({ snapshotName: "warm" });\n`,
  );
}

async function main(): Promise<void> {
  const consumer = await measureConsumer();
  const schema = (z: string) =>
    `import * as z from ${JSON.stringify(z)};\nconst s = ${z === "zod" ? "z.strictObject({ snapshotName: z.string().trim().min(1).max(64), timeout: z.optional(z.int().min(1).max(28800)), autoPause: z.optional(z.boolean()) })" : "z.strictObject({ snapshotName: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), timeout: z.optional(z.int().check(z.minimum(1), z.maximum(28800))), autoPause: z.optional(z.boolean()) })"};\nexport const check = (v) => s.safeParse(v);\n`;
  const classic = await measure(schema("zod"));
  const mini = await measure(schema("zod/mini"));

  console.log("bundle of a consumer of Leap0Client + snapshots.restore (dependencies included)");
  console.log(`  minified        ${kb(consumer.min)}`);
  console.log(`  min+gzip        ${kb(consumer.gzip)}`);
  console.log("the restore params check alone, by zod flavour");
  console.log(`  zod (classic)   ${kb(classic.min)} min, ${kb(classic.gzip)} min+gzip`);
  console.log(`  zod/mini        ${kb(mini.min)} min, ${kb(mini.gzip)} min+gzip`);
}

if (require.main === module) void main();
