import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/api.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  platform: "neutral",
  target: "es2022",
  outDir: "dist",
  clean: true,
  sourcemap: false,
});
