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

/** The chunk a source file of the main build lands in, by its path: see `chunks` below. */
const AREAS: Record<string, RegExp> = {
  filesystem: /src[\\/]resources[\\/]sandbox[\\/](filesystem|file-[a-z]+)\.ts$/,
  process: /src[\\/]resources[\\/]sandbox[\\/]process\.ts$/,
  git: /src[\\/]resources[\\/]sandbox[\\/]git\.ts$/,
  lsp: /src[\\/]resources[\\/]sandbox[\\/]lsp\.ts$/,
  "code-interpreter": /src[\\/]resources[\\/]sandbox[\\/]code-interpreter\.ts$/,
  desktop: /src[\\/]resources[\\/]sandbox[\\/]desktop\.ts$/,
};

/**
 * Chunks a bundler can drop whole (the package says `"sideEffects": false`): the bundled
 * dependencies (zod's module-level setup is code a bundler must keep, and would keep all beside
 * it: apart, `import { Leap0Error }` costs its class and nothing more); the client; and one chunk
 * per in-sandbox area, which the handle loads with `import()` on first use. Few files, so Node's
 * cold import stays as fast as the single-file build's (each file costs a fraction of a ms).
 */
const ENTRIES = /src[\\/](index|areas|node|node-[a-z]+)\.ts$/; // node-*: leap0/node's own (undici), never the client's
const chunks = {
  includeDependenciesRecursively: false,
  groups: [
    ...Object.entries(AREAS).map(([name, test]) => ({ name, test, priority: 20 })),
    { name: "deps", test: /node_modules/, priority: 10 },
    // Not the entry modules themselves (a group holding one becomes that entry's file), nor the
    // declaration modules the dts plugin runs through the same graph.
    {
      name: "client",
      test: (id: string) =>
        /(src|generated)[\\/].*\.ts$|package\.json$/.test(id) && !ENTRIES.test(id) && !/\.d\.ts$/.test(id),
      priority: 0,
    },
  ],
};

export default defineConfig([
  {
    ...shared,
    entry: { index: "src/index.ts", areas: "src/areas.ts", node: "src/node.ts" },
    clean: true,
    outputOptions: { codeSplitting: chunks },
  },
  // Types only: built on its own, so no chunk of the main build is named after it.
  { ...shared, entry: { api: "src/api.ts" }, clean: false },
  // leap0/testing imports the SDK from "leap0" itself (one copy of its classes), and just-bash and isomorphic-git,
  // its own optional peers; the main entry never sees them.
  {
    ...shared,
    entry: { testing: "src/testing/index.ts" },
    clean: false,
    deps: { neverBundle: ["leap0", "just-bash", "isomorphic-git"] },
  },
]);
