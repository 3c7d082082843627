/**
 * Behaviour that leap0/testing must share with the live service, written once: the mock runs it
 * in `npm test` (test/behaviour.test.ts), the live API runs it in `npm run test:contract`
 * (test/live/behaviour.test.ts) when LEAP0_API_KEY is set. A difference between the two is a
 * bug in the mock (or news about the service).
 */
import { afterAll, describe, expect, test } from "vitest";
import { type Leap0Client, Leap0ConflictError, Leap0NotFoundError, type Sandbox } from "../../src";

/** What a run of the suite is given: a client, and how long a sandbox may take to start. */
export interface BehaviourTarget {
  name: string;
  client: () => Leap0Client;
  /** Seconds to wait for a sandbox to run (the mock: seconds; live: minutes). */
  startTimeout: number;
  /**
   * A client whose WebSockets reach the service (live: straight, since the validating proxy
   * cannot carry an upgrade); default `client`.
   */
  terminalClient?: () => Leap0Client;
}

/** Registers the suite against `target`; everything it creates is deleted in afterAll. */
export function behaviourSuite(target: BehaviourTarget): void {
  const made: Sandbox[] = [];
  const snapshots: string[] = [];
  const name = `behaviour-${Date.now().toString(36)}`;

  afterAll(async () => {
    const client = target.client();
    for (const s of made) await s.delete().catch(() => {});
    for (const id of snapshots) await client.snapshots.delete(id).catch(() => {});
  });

  describe(`behaviour shared by leap0/testing and the live API (${target.name})`, () => {
    test("create → write → execute → snapshot → restore → read back → delete", async () => {
      const client = target.client();
      const sandbox = await client.sandboxes.create({}, { waitUntilRunning: { timeout: target.startTimeout } });
      made.push(sandbox);
      expect(sandbox.state).toBe("running");
      await sandbox.filesystem.writeFile("/home/user/greeting.txt", "hello from the file API\n");
      const run = await sandbox.process.execute({
        command: "cat /home/user/greeting.txt && echo from a command > /home/user/made.txt",
      });
      expect(run).toEqual({ exitCode: 0, stdout: "hello from the file API\n", stderr: "" });
      expect(await sandbox.filesystem.readFile("/home/user/made.txt")).toBe("from a command\n");

      const snapshot = await sandbox.createSnapshot({ name });
      snapshots.push(snapshot.id);
      expect(snapshot.name).toBe(name);
      const restored = await client.snapshots.restore(
        { snapshotName: name },
        { waitUntilRunning: { timeout: target.startTimeout } },
      );
      made.push(restored);
      expect(restored.id).not.toBe(sandbox.id);
      expect(await restored.filesystem.readFile("/home/user/made.txt")).toBe("from a command\n");

      await restored.delete();
      await expect(client.sandboxes.get(restored.id)).rejects.toBeInstanceOf(Leap0NotFoundError);
    });

    test("terminal: a line in, its output back; exit ends the session", async () => {
      const client = (target.terminalClient ?? target.client)();
      const sandbox = await client.sandboxes.create({}, { waitUntilRunning: { timeout: target.startTimeout } });
      made.push(sandbox);
      const term = await sandbox.pty.open({ id: "behaviour" });
      // The echo of the line holds the sum unworked; only the shell's output holds its value.
      term.send("echo leap0-$((40 + 2))\r");
      let screen = "";
      while (!screen.includes("leap0-42")) screen += await term.recvText({ timeout: 30 });
      term.send("exit\r");
      expect((await term.closed).kind).toBe("exited");
      await expect(sandbox.pty.get("behaviour")).rejects.toBeInstanceOf(Leap0NotFoundError);
    });

    test("git: init → add → commit → log, over the sandbox's files", async () => {
      const client = target.client();
      const sandbox = await client.sandboxes.create({}, { waitUntilRunning: { timeout: target.startTimeout } });
      made.push(sandbox);
      const repo = "/home/user/behaviour-repo";
      const init = await sandbox.process.execute({ command: `git init -b main ${repo}` });
      expect(init.exitCode).toBe(0);
      await sandbox.filesystem.writeFile(`${repo}/notes.md`, "# notes\n");
      expect((await sandbox.git.status(repo)).output).toContain("? notes.md\n");
      expect((await sandbox.git.add(repo, ["notes.md"])).exitCode).toBe(0);
      const commit = await sandbox.git.commit({
        path: repo,
        message: "Add notes",
        author: "Behaviour Suite",
        email: "suite@leap0.test",
      });
      expect(commit.result.exitCode).toBe(0);
      expect(commit.sha).toMatch(/^[0-9a-f]{40}$/);
      const log = await sandbox.git.log({ path: repo });
      expect(log.exitCode).toBe(0);
      expect(log.output).toContain(`commit ${commit.sha}`);
      expect(log.output).toContain("Author: Behaviour Suite <suite@leap0.test>");
      expect(log.output).toContain("    Add notes");
      // Committed and clean: the status names the branch and no file.
      const status = (await sandbox.git.status(repo)).output;
      expect(status).toContain("# branch.head main\n");
      expect(status).not.toContain("notes.md");
    });

    test("an unknown sandbox is a 404", async () => {
      await expect(target.client().sandboxes.get("sbx-nosuchsandbx")).rejects.toBeInstanceOf(Leap0NotFoundError);
    });

    test("a snapshot name that is taken is a 409", async () => {
      const client = target.client();
      const sandbox =
        made[0] ?? (await client.sandboxes.create({}, { waitUntilRunning: { timeout: target.startTimeout } }));
      await sandbox.waitUntilRunning({ timeout: target.startTimeout });
      await expect(sandbox.createSnapshot({ name })).rejects.toBeInstanceOf(Leap0ConflictError);
    });
  });
}
