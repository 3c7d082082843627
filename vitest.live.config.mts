import { defineConfig } from "vitest/config";

// Live contract tests (npm run test:contract): real sandboxes, so generous timeouts and one
// file at a time.
export default defineConfig({
  test: {
    include: ["test/live/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
