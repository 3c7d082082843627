/**
 * `npm run demo`: runs examples/snapshots.ts. With LEAP0_API_KEY set it talks to the live API
 * (LEAP0_BASE_URL or https://api.leap0.dev); without one it starts a local Prism mock of
 * openapi.yaml and says so.
 */
import { main } from "../examples/snapshots";
import { Leap0Client } from "../src";
import { type RunningPrism, startPrism } from "./prism";

async function run(): Promise<void> {
  let prism: RunningPrism | undefined;
  let client: Leap0Client;
  if (process.env.LEAP0_API_KEY?.trim()) {
    client = new Leap0Client();
    console.log(`Using the live Leap0 API at ${process.env.LEAP0_BASE_URL ?? "https://api.leap0.dev"}.`);
  } else {
    console.log("LEAP0_API_KEY is not set: starting a local Prism mock of openapi.yaml ...");
    prism = await startPrism();
    client = new Leap0Client({ apiKey: "demo-key-for-the-local-mock", baseUrl: prism.url });
    console.log(`Using the local mock at ${prism.url} (responses are the spec's examples).\n`);
  }
  try {
    await main(client);
    console.log("\nDone.");
  } finally {
    await client.close();
    await prism?.stop();
  }
}

run().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
