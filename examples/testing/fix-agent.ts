/**
 * An agent step that works in a repository: it clones the project, applies a fix, checks it with
 * the code interpreter, commits and pushes. What a test of it needs from the mock: a remote to
 * clone from (with credentials), real git over the sandbox's files, and a scripted interpreter.
 */
import type { Leap0Client } from "leap0";

/** Clones `url`, replaces `find` with `replace` in `file`, checks it, commits and pushes; returns the commit. */
export async function applyFix(
  client: Leap0Client,
  task: { url: string; token: string; file: string; find: string; replace: string },
): Promise<string> {
  await using sandbox = await client.sandboxes.create();
  const repo = "/home/user/project";
  const clone = await sandbox.git.clone({
    url: task.url,
    path: repo,
    username: "x-access-token",
    password: task.token,
  });
  if (clone.exitCode !== 0) throw new Error(`clone failed: ${clone.output.trim()}`);
  await sandbox.filesystem.editFile(`${repo}/${task.file}`, [{ find: task.find, replace: task.replace }]);
  const check = await sandbox.codeInterpreter.execute({
    code: `import ${task.file.replace(/\.py$/, "")}`,
    language: "python",
  });
  if (check.error) throw new Error(`the fix does not import: ${check.error.name}: ${check.error.value}`);
  await sandbox.git.add(repo, [task.file]);
  const commit = await sandbox.git.commit({
    path: repo,
    message: `Fix ${task.file}`,
    author: "Fix Agent",
    email: "agent@example.com",
  });
  if (commit.result.exitCode !== 0) throw new Error(`commit failed: ${commit.result.output.trim()}`);
  const push = await sandbox.git.push({ path: repo, username: "x-access-token", password: task.token });
  if (push.exitCode !== 0) throw new Error(`push failed: ${push.output.trim()}`);
  return commit.sha;
}
