import { defineConfig } from "vitest/config";

export default defineConfig({
  // Examples import "leap0" as users do; here that is the source tree.
  resolve: { alias: { leap0: new URL("./src/index.ts", import.meta.url).pathname } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/prism-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
