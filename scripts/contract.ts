/**
 * `npm run test:contract`: the live contract tests. With LEAP0_API_KEY set, starts
 * `prism proxy openapi.yaml <live API> --errors` on 127.0.0.1 and runs test/live/ through it, so
 * every real request and response is validated against openapi.yaml; a response that breaks the
 * contract fails the test with Prism's violation message. It creates (and deletes) real
 * sandboxes and snapshots. Without a key it explains that it is skipped and exits 0.
 */
import { spawnSync } from "node:child_process";
import { DEFAULT_BASE_URL } from "../src";
import { startPrism } from "./prism";

async function main(): Promise<void> {
  if (!process.env.LEAP0_API_KEY?.trim()) {
    console.log(
      [
        "test:contract skipped: LEAP0_API_KEY is not set.",
        "This mode sends real requests to the Leap0 API through a validating Prism proxy and creates",
        "(then deletes) real sandboxes and snapshots, so it only runs with your key:",
        "  LEAP0_API_KEY=... npm run test:contract        (LEAP0_BASE_URL to aim elsewhere)",
      ].join("\n"),
    );
    return;
  }
  const upstream = process.env.LEAP0_BASE_URL?.trim() || DEFAULT_BASE_URL;
  const proxy = await startPrism({ proxyTo: upstream, errors: true });
  console.log(`Validating live traffic to ${upstream} through Prism proxy ${proxy.url}`);
  try {
    const result = spawnSync("npx", ["vitest", "run", "--config", "vitest.live.config.mts"], {
      stdio: "inherit",
      env: { ...process.env, LEAP0_CONTRACT_PROXY: proxy.url, LEAP0_CONTRACT_UPSTREAM: upstream },
    });
    process.exitCode = result.status ?? 1;
  } finally {
    await proxy.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
