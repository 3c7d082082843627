// .mts, not .ts: with "type": "commonjs", Node 22 and 24 cannot load a .ts config that uses `import`.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "tsdown";

const OUT_DIR = "dist";

/**
 * Source maps point at the sources the package ships (`src/`, `generated/`) instead of carrying
 * them a second time inside every map: inlined, each 1 MB map held all of `src/` again. The
 * bundled dependencies' sources go too; their frames still map to a file and line.
 */
function dropSourcesContent(): void {
  for (const file of readdirSync(OUT_DIR)) {
    if (!/\.m?js\.map$/.test(file)) continue;
    const path = join(OUT_DIR, file);
    const map = JSON.parse(readFileSync(path, "utf8")) as { sourcesContent?: unknown };
    delete map.sourcesContent;
    writeFileSync(path, JSON.stringify(map));
  }
}

const shared = {
  format: ["esm", "cjs"],
  // Declaration maps let "go to definition" land in the shipped TypeScript source.
  dts: { sourcemap: true },
  platform: "neutral",
  target: "es2022",
  outDir: OUT_DIR,
  sourcemap: true,
  // Not minified: class and function names stay readable in stacks, `console.log` and
  // profiles, for a cost to a consumer who minifies its own bundle of about 0.1 kB gzip
  // (README.md, "Runtimes and packaging", has the figures).
  minify: false,
  hooks: { "build:done": dropSourcesContent },
} as const;

export default defineConfig([
  { ...shared, entry: { index: "src/index.ts", api: "src/api.ts", node: "src/node.ts" }, clean: true },
  // leap0/testing imports the SDK from "leap0" itself (one copy of its classes), and just-bash and isomorphic-git,
  // its own optional peers; the main entry never sees them.
  {
    ...shared,
    entry: { testing: "src/testing/index.ts" },
    clean: false,
    deps: { neverBundle: ["leap0", "just-bash", "isomorphic-git"] },
  },
]);
