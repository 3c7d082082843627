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
  "test/hostile.test.ts",
  "test/dx.test.ts",
  "test/code-interpreter.test.ts",
  "test/desktop.test.ts",
  "test/filesystem-bytes.test.ts",
];

export default defineConfig({
  // Examples import "leap0" as users do; here that is the source tree.
  resolve: {
    alias: [
      { find: /^leap0\/testing$/, replacement: new URL("./src/testing/index.ts", import.meta.url).pathname },
      { find: /^leap0\/areas$/, replacement: new URL("./src/areas.ts", import.meta.url).pathname },
      { find: /^leap0$/, replacement: new URL("./src/index.ts", import.meta.url).pathname },
    ],
  },
  test: {
    // .ci/run asks for a JSON report (LEAP0_TEST_REPORT) and prints a plain "N passed, N failed" line from it.
    reporters: process.env.LEAP0_TEST_REPORT
      ? ["default", ["json", { outputFile: process.env.LEAP0_TEST_REPORT }]]
      : ["default"],
    globalSetup: ["test/support/prism-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    projects: [
      // test/live runs only through `npm run test:contract` (real API, real sandboxes).
      {
        extends: true,
        // examples/testing/ is how a user tests code that uses leap0: it runs here too.
        test: { name: "fetch", include: ["test/**/*.test.ts", "examples/**/*.test.ts"], exclude: ["test/live/**"] },
      },
      {
        extends: true,
        test: { name: "undici", include: TRANSPORT_TESTS, env: { LEAP0_TEST_TRANSPORT: "undici" } },
      },
    ],
  },
});
