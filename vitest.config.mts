import { defineConfig } from "vitest/config";

// Tests whose outcome depends on the HTTP transport run twice: over the global fetch and over
// the leap0/node undici transport. The rest (bounds, validation, package) run once.
const TRANSPORT_TESTS = [
  "test/sandboxes.test.ts",
  "test/snapshots.test.ts",
  "test/errors.test.ts",
  "test/faults.test.ts",
  "test/client.test.ts",
  "test/examples.test.ts",
];

export default defineConfig({
  // Examples import "leap0" as users do; here that is the source tree.
  resolve: { alias: { leap0: new URL("./src/index.ts", import.meta.url).pathname } },
  test: {
    // In CI a JSON report too, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
    globalSetup: ["test/support/prism-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    projects: [
      // test/live runs only through `npm run test:contract` (real API, real sandboxes).
      { extends: true, test: { name: "fetch", include: ["test/**/*.test.ts"], exclude: ["test/live/**"] } },
      {
        extends: true,
        test: { name: "undici", include: TRANSPORT_TESTS, env: { LEAP0_TEST_TRANSPORT: "undici" } },
      },
    ],
  },
});
