/**
 * Git in leap0/testing runs for real over the sandbox's in-memory files: what a command writes,
 * `sandbox.git` stages, commits, diffs and logs; clone, pull and push reach fixture remotes with
 * the credentials they ask for. Output is git's own text, failures are exit codes, as the service
 * reports them.
 */
import { beforeEach, describe, expect, test } from "vitest";
import { createMockLeap0 } from "../src/testing";

const mock = createMockLeap0();
const REPO = "/home/user/repo";

beforeEach(() => mock.reset());

async function repoWithCommit() {
  const sandbox = await mock.client.sandboxes.create();
  const init = await sandbox.process.execute({ command: `git init -b main ${REPO}` });
  expect(init.stdout).toBe(`Initialized empty Git repository in ${REPO}/.git/\n`);
  await sandbox.filesystem.writeFile(`${REPO}/README.md`, "one\ntwo\nthree\n");
  await sandbox.git.add(REPO, ["README.md"]);
  const commit = await sandbox.git.commit({ path: REPO, message: "first", author: "Ada", email: "ada@example.com" });
  return { sandbox, commit };
}

describe("a repository in the sandbox's files", () => {
  test("init → add → commit → log: the commit is there, with its author and message", async () => {
    const { sandbox, commit } = await repoWithCommit();
    expect(commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(commit.result.exitCode).toBe(0);
    expect(commit.result.output).toContain(`[main (root-commit) ${commit.sha.slice(0, 7)}] first`);
    const log = await sandbox.git.log({ path: REPO });
    expect(log.exitCode).toBe(0);
    expect(log.output).toMatch(
      new RegExp(`^commit ${commit.sha}\nAuthor: Ada <ada@example.com>\nDate:   .+\n\n    first\n$`),
    );
  });

  test("status, diffs and reset follow the working tree and the index", async () => {
    const { sandbox } = await repoWithCommit();
    expect((await sandbox.git.status(REPO)).output).toMatch(/^# branch.oid [0-9a-f]{40}\n# branch.head main\n$/);
    await sandbox.process.execute({
      command: `cd ${REPO} && printf 'one\\n2\\nthree\\n' > README.md && echo new > b.txt`,
    });
    const status = (await sandbox.git.status(REPO)).output;
    expect(status).toContain(" .M N... 100644 100644 100644 ");
    expect(status).toMatch(/README\.md\n\? b\.txt\n$/);
    const unstaged = (await sandbox.git.diffUnstaged(REPO)).output;
    expect(unstaged).toContain("--- a/README.md\n+++ b/README.md\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n");
    expect((await sandbox.git.diffStaged(REPO)).output).toBe("");
    await sandbox.git.add(REPO, ["."]);
    expect((await sandbox.git.diffStaged(REPO)).output).toContain("new file mode 100644");
    expect((await sandbox.git.status(REPO)).output).toContain("1 A. N... 000000 100644 100644");
    const reset = await sandbox.git.reset(REPO);
    expect(reset.output).toBe("Unstaged changes after reset:\nM\tREADME.md\n");
    expect((await sandbox.git.diffStaged(REPO)).output).toBe("");
    expect((await sandbox.git.diffUnstaged(REPO, 0)).output).toContain("@@ -2 +2 @@\n-two\n+2\n");
  });

  test("branches: create, checkout, show, diff between refs, delete (merged or forced)", async () => {
    const { sandbox, commit } = await repoWithCommit();
    const made = await sandbox.git.createBranch({ path: REPO, name: "feature", checkout: true });
    expect(made.output).toBe("Switched to a new branch 'feature'\n");
    await sandbox.filesystem.writeFile(`${REPO}/feature.txt`, "f\n");
    await sandbox.git.add(REPO, ["feature.txt"]);
    const second = await sandbox.git.commit({ path: REPO, message: "feature work", author: "Ada", email: "a@x.io" });
    expect((await sandbox.git.branches({ path: REPO })).output).toBe("* feature\n  main\n");
    expect((await sandbox.git.show(REPO, "HEAD~1")).output).toContain(`commit ${commit.sha}`);
    expect((await sandbox.git.show(REPO, "HEAD")).output).toContain("+++ b/feature.txt\n@@ -0,0 +1 @@\n+f\n");
    expect((await sandbox.git.diff(REPO, "main")).output).toContain("new file mode 100644");
    expect((await sandbox.git.checkoutBranch({ path: REPO, branch: "main" })).output).toBe(
      "Switched to branch 'main'\n",
    );
    expect(await sandbox.filesystem.exists(`${REPO}/feature.txt`)).toBe(false);
    const refused = await sandbox.git.deleteBranch(REPO, "feature");
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toContain("not fully merged");
    const deleted = await sandbox.git.deleteBranch(REPO, "feature", true);
    expect(deleted.output).toBe(`Deleted branch feature (was ${second.sha.slice(0, 7)}).\n`);
    const unknown = await sandbox.git.checkoutBranch({ path: REPO, branch: "nope" });
    expect(unknown).toEqual({ output: "error: pathspec 'nope' did not match any file(s) known to git\n", exitCode: 1 });
  });

  test("failures are git's exit codes, not thrown: no repository, nothing to commit, no identity", async () => {
    const { sandbox } = await repoWithCommit();
    const none = await sandbox.git.status("/tmp");
    expect(none.exitCode).toBe(128);
    expect(none.output).toContain("not a git repository");
    const nothing = await sandbox.git.commit({ path: REPO, message: "again", author: "Ada", email: "a@x.io" });
    expect(nothing.result).toEqual({ output: "On branch main\nnothing to commit, working tree clean\n", exitCode: 1 });
    await sandbox.filesystem.writeFile(`${REPO}/c.txt`, "c\n");
    await sandbox.git.add(REPO, ["c.txt"]);
    const anonymous = await sandbox.git.commit({ path: REPO, message: "who?" });
    expect(anonymous.result.exitCode).toBe(128);
    expect(anonymous.result.output).toContain("Author identity unknown");
    await sandbox.process.execute({
      command: "git config --global user.name Bob && git config --global user.email bob@x.io",
    });
    const known = await sandbox.git.commit({ path: REPO, message: "who?" });
    expect(known.result.exitCode).toBe(0);
    expect((await sandbox.git.log({ path: REPO, maxCount: 1 })).output).toContain("Author: Bob <bob@x.io>");
  });

  test("a snapshot carries the repository: the restored sandbox logs the same commit", async () => {
    const { sandbox, commit } = await repoWithCommit();
    await sandbox.createSnapshot({ name: "with-repo" });
    const restored = await mock.client.snapshots.restore({ snapshotName: "with-repo" });
    expect((await restored.git.log({ path: REPO })).output).toContain(commit.sha);
  });
});

describe("fixture remotes: clone, pull, push", () => {
  const URL = "https://git.example.com/team/app.git";

  test("clone checks the fixture's credentials: the wrong token fails, the right one clones its files", async () => {
    mock.git.remote(URL, {
      files: { "README.md": "# app\n", "src/index.ts": "export {};\n" },
      branches: { dev: { "dev.txt": "dev\n" } },
      credentials: { username: "x-access-token", password: "ghp_right" },
    });
    const sandbox = await mock.client.sandboxes.create();
    const wrong = await sandbox.git.clone({
      url: URL,
      path: "/w/app",
      username: "x-access-token",
      password: "ghp_wrong",
    });
    expect(wrong.exitCode).toBe(128);
    expect(wrong.output).toContain("Authentication failed");
    expect(wrong.output).not.toContain("ghp_");
    const cloned = await sandbox.git.clone({
      url: URL,
      path: "/w/app",
      username: "x-access-token",
      password: "ghp_right",
    });
    expect(cloned).toEqual({ output: "Cloning into '/w/app'...\n", exitCode: 0 });
    expect(await sandbox.filesystem.readFile("/w/app/src/index.ts")).toBe("export {};\n");
    expect((await sandbox.git.branches({ path: "/w/app", branchType: "all" })).output).toBe(
      "* main\n  remotes/origin/dev\n  remotes/origin/main\n",
    );
    expect((await sandbox.git.checkoutBranch({ path: "/w/app", branch: "dev" })).exitCode).toBe(0);
    expect(await sandbox.filesystem.readFile("/w/app/dev.txt")).toBe("dev\n");
  });

  test("an unregistered remote fails as an unreachable host does", async () => {
    const sandbox = await mock.client.sandboxes.create();
    const r = await sandbox.git.clone({ url: "https://github.com/octocat/Hello-World.git", path: "/w/x" });
    expect(r).toEqual({
      output:
        "fatal: unable to access 'https://github.com/octocat/Hello-World.git': Could not resolve host: github.com\n",
      exitCode: 128,
    });
  });

  test("push moves commits to the remote; another sandbox pulls them (fast-forward); a stale push is rejected", async () => {
    mock.git.remote(URL, { files: { "a.txt": "a\n" } });
    const [one, two] = [await mock.client.sandboxes.create(), await mock.client.sandboxes.create()];
    for (const s of [one, two]) expect((await s.git.clone({ url: URL, path: REPO })).exitCode).toBe(0);
    await one.filesystem.writeFile(`${REPO}/a.txt`, "a\nb\n");
    await one.git.add(REPO, ["a.txt"]);
    const c = await one.git.commit({ path: REPO, message: "b", author: "Ada", email: "a@x.io" });
    const pushed = await one.git.push({ path: REPO });
    expect(pushed.exitCode).toBe(0);
    expect(pushed.output).toMatch(
      /^To https:\/\/git\.example\.com\/team\/app\.git\n {3}[0-9a-f]{7}\.\.[0-9a-f]{7} {2}main -> main\n$/,
    );
    expect((await one.git.status(REPO)).output).toContain("# branch.ab +0 -0");

    // A merge commit needs an identity, as it does in git.
    await two.process.execute({ command: "git config --global user.name Bo && git config --global user.email b@x.io" });
    await two.filesystem.writeFile(`${REPO}/other.txt`, "x\n");
    await two.git.add(REPO, ["other.txt"]);
    await two.git.commit({ path: REPO, message: "x", author: "Bo", email: "b@x.io" });
    const stale = await two.git.push({ path: REPO });
    expect(stale.exitCode).toBe(1);
    expect(stale.output).toContain("[rejected]");
    const pulled = await two.git.pull({ path: REPO });
    expect(pulled.exitCode).toBe(0);
    expect(pulled.output).toContain("Merge made by");
    expect(await two.filesystem.readFile(`${REPO}/a.txt`)).toBe("a\nb\n");
    expect((await two.git.log({ path: REPO })).output).toContain(c.sha);
    expect((await two.git.push({ path: REPO })).exitCode).toBe(0);
    const ff = await one.git.pull({ path: REPO });
    expect(ff.output).toContain("Fast-forward");
    expect(await one.filesystem.readFile(`${REPO}/other.txt`)).toBe("x\n");
  });
});
