/**
 * Snapshot a sandbox and restore it into a new one.
 *
 *   LEAP0_API_KEY=... npx tsx examples/snapshots.ts
 *
 * (`npm run demo` runs this file against a local mock when no key is set.)
 */
import { Leap0Client, NetworkPolicyMode } from "leap0";

/** Creates a sandbox, snapshots it, restores the snapshot, lists snapshots, and cleans up. */
export async function main(client = new Leap0Client(), log: (line: string) => void = console.log): Promise<void> {
  const name = `workspace-warm-${Date.now().toString(36)}`;
  // A snapshot captures a running sandbox: create() answers while it is still starting.
  const sandbox = await client.sandboxes.create({ vcpu: 2, memory: 2048, timeout: 600 }, { waitUntilRunning: true });
  log(`1. created sandbox      ${sandbox.id} (${sandbox.state}, ${sandbox.vcpu} vCPU, ${sandbox.memory} MiB)`);
  try {
    const snapshot = await sandbox.createSnapshot({ name });
    log(`2. snapshotted it as    ${snapshot.name} (${snapshot.id})`);

    // Waited for too: the service refuses to delete a sandbox that is still starting.
    const restored = await client.snapshots.restore(
      { snapshotName: snapshot.name, timeout: 1800, networkPolicy: { mode: NetworkPolicyMode.DENY_ALL } },
      { waitUntilRunning: true },
    );
    log(`3. restored into        ${restored.id} (${restored.state}, timeout ${restored.timeout}s)`);

    const page = await client.snapshots.list({ query: "workspace", pageSize: 10 });
    log(`4. snapshots named like "workspace": ${page.totalItems}`);
    for (const s of page.items) log(`     - ${s.name} (${s.id}, ${s.memory} MiB, created ${s.createdAt})`);

    await restored.delete();
    log(`5. deleted restored     ${restored.id}`);
    await client.snapshots.delete(snapshot);
    log(`6. deleted snapshot     ${snapshot.id}`);
  } finally {
    await sandbox.delete();
    log(`7. deleted sandbox      ${sandbox.id}`);
  }
}

// Run directly (`npx tsx examples/snapshots.ts`); `npm run demo` imports main() instead.
if (process.argv[1]?.endsWith("snapshots.ts")) {
  const client = new Leap0Client();
  main(client)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
      process.exitCode = 1;
    })
    .finally(() => client.close());
}
