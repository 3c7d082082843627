import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/api.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  // Declaration maps let "go to definition" land in the shipped TypeScript source.
  dts: { sourcemap: true },
  platform: "neutral",
  target: "es2022",
  outDir: "dist",
  clean: true,
  // Source maps (with the sources inlined) so stack traces point at the SDK's own lines.
  sourcemap: true,
  minify: true,
});
