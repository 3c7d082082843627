/**
 * The README's first call: a sandbox that cleans itself up, a command, a file and a snapshot.
 * `npm test` runs it against the Prism mock (tests/examples.test.ts).
 */
import { Leap0Client } from "leap0";

export async function main(client: Leap0Client, log: (line: string) => void): Promise<void> {
  await using sandbox = await client.sandboxes.create(); // deleted when the block ends
  await sandbox.waitUntilRunning();

  const { exitCode, stdout } = await sandbox.process.execute({ command: "python3 -c 'print(6*7)'" });
  log(`exit ${exitCode}: ${stdout.trim()}`);
  await sandbox.filesystem.writeFile("/tmp/notes.txt", "hello");
  const snapshot = await sandbox.createSnapshot({ name: "workspace-warm" });
  log(`snapshot ${snapshot.name} (${snapshot.id}) of sandbox ${sandbox.id}`);
}

// Run directly (`npx tsx examples/quickstart.ts`): no top-level await, so it runs as CommonJS or ESM.
if (process.argv[1]?.endsWith("quickstart.ts")) {
  (async () => {
    await using client = new Leap0Client();
    await main(client, console.log);
  })().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
