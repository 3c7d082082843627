/**
 * `npm run generate`: openapi.yaml → generated/ (schema.ts by openapi-typescript; operations.ts and
 * types.ts by ./emit.ts). `npm run generate:check` (`--check`) writes nothing and exits 1 naming
 * each stale file: the CI drift gate.
 *
 *   tsx scripts/generate/index.ts [--check] [--spec openapi.yaml] [--out generated] [--redocly config.yaml]
 *
 * (`--redocly` is passed to openapi-typescript, e.g. to try the emitter on a spec its lint refuses.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { emit } from "./emit";
import { SpecError } from "./names";

const ROOT = resolve(__dirname, "../..");

/** Runs openapi-typescript (as `npm run generate` always has) and returns its output. */
export function openapiTypescript(specPath: string, redocly?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "leap0-gen-"));
  try {
    const out = join(dir, "schema.ts");
    const cli = join(ROOT, "node_modules/openapi-typescript/bin/cli.js");
    const args = [cli, specPath, "-o", out, "--default-non-nullable", "false"];
    if (redocly) args.push("--redocly", redocly);
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openapi-typescript failed:\n${r.stderr}${r.stdout}`);
    return readFileSync(out, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Formats TypeScript with the project's biome settings (so generated code reads like the rest). */
export function format(code: string): string {
  const bin = join(ROOT, "node_modules/@biomejs/biome/bin/biome");
  const r = spawnSync(process.execPath, [bin, "format", "--stdin-file-path=scripts/generate/__generated__.ts"], {
    input: code,
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`biome could not format the generated code:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Every file generated/ should hold, by name. */
export function generate(specPath: string, outDir: string, redocly?: string): Record<string, string> {
  const doc = parse(readFileSync(specPath, "utf8"));
  let runtime = relative(outDir, join(ROOT, "src/core")).split("\\").join("/");
  if (!runtime.startsWith(".")) runtime = `./${runtime}`;
  const { files } = emit(doc, { runtime });
  const out: Record<string, string> = { "schema.ts": openapiTypescript(specPath, redocly) };
  for (const [name, code] of Object.entries(files)) out[name] = format(code);
  return out;
}

function main(argv: string[]): number {
  const check = argv.includes("--check");
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? resolve(argv[i + 1] as string) : resolve(ROOT, fallback);
  };
  const specPath = arg("--spec", "openapi.yaml");
  const outDir = arg("--out", "generated");
  let files: Record<string, string>;
  try {
    files = generate(specPath, outDir, argv.includes("--redocly") ? arg("--redocly", "") : undefined);
  } catch (e) {
    if (e instanceof SpecError) {
      console.error(`generate: ${relative(process.cwd(), specPath)}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const show = (name: string) => relative(process.cwd(), join(outDir, name));
  if (check) {
    const stale: string[] = [];
    for (const [name, code] of Object.entries(files)) {
      const path = join(outDir, name);
      if (!existsSync(path) || readFileSync(path, "utf8") !== code) stale.push(show(name));
    }
    if (existsSync(outDir)) {
      for (const name of readdirSync(outDir)) if (name.endsWith(".ts") && !(name in files)) stale.push(show(name));
    }
    if (stale.length) {
      for (const s of stale) console.error(`stale: ${s} does not match ${relative(process.cwd(), specPath)}`);
      console.error("Run `npm run generate` and commit the result.");
      return 1;
    }
    console.log(
      `generated/ is up to date with ${relative(process.cwd(), specPath)} (${Object.keys(files).length} files).`,
    );
    return 0;
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, code] of Object.entries(files)) {
    const path = join(outDir, name);
    if (existsSync(path) && readFileSync(path, "utf8") === code) continue;
    writeFileSync(path, code);
    console.log(`wrote ${show(name)}`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
