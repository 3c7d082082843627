/**
 * A small agent step to test: it writes a script into a sandbox, runs it, and reports. The code
 * under test takes its client (or builds one from the environment), as application code does.
 */
import { Leap0Client } from "leap0";

/** Runs `script` as `main.py` in a fresh sandbox and returns what it printed. */
export async function runScript(script: string, client: Leap0Client = new Leap0Client()): Promise<string> {
  await using sandbox = await client.sandboxes.create({}, { waitUntilRunning: true });
  await sandbox.filesystem.writeFile("/home/user/main.py", script);
  const { exitCode, stdout, stderr } = await sandbox.process.execute({ command: "python3 main.py", cwd: "/home/user" });
  if (exitCode !== 0) throw new Error(`the script failed (${exitCode}): ${stderr.trim()}`);
  return stdout.trim();
}
