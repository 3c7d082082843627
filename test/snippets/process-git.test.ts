/**
 * Every documented JavaScript snippet for process and git, verbatim, run against the Prism mock.
 * Sources (leap0-dev/docs, HEAD of the mirror): content/docs/(core)/agent-tools/process.mdx (1), content/docs/(core)/agent-tools/git.mdx (16), and the examples of content/docs/(javascript-sdk)/reference/javascript-sdk/services/process-client.mdx (1) and git-client.mdx (1).
 * Generated from the docs mirror by a script (not committed); each test's body is the snippet as
 * published (dedented). Only the setup around it is ours: the snippet's `import` is hoisted to the
 * top of this file, the environment points `new Leap0Client()` at Prism, `console.log` is
 * captured, and a recording fetch checks that every request is valid against openapi.yaml.
 */
// biome-ignore-all format: the snippets stay exactly as the docs publish them
// biome-ignore-all lint: the snippets stay exactly as the docs publish them
import { Leap0Client } from "leap0";
import { expect, test } from "vitest";
import { snippetHarness } from "../support/snippets";

const { sent, logged, calls } = snippetHarness();

// (core)/agent-tools/process.mdx: "Process: Execute a command"
test("Process: Execute a command", async () => {
  {
    const client = new Leap0Client()
    const sandbox = await client.sandboxes.create()

    const result = await sandbox.process.execute({
      command: "echo Hello from Leap0",
      cwd: "/home/user",
      timeout: 30,
    })

    console.log(result.exitCode) // 0
    console.log(result.stdout)   // Hello from Leap0
    console.log(result.stderr)   // ""
    await client.close()
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/process/execute"]);
  expect(logged.length).toBe(3);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ command: "echo Hello from Leap0", cwd: "/home/user", timeout: 30 });
});

// (javascript-sdk)/reference/javascript-sdk/services/process-client.mdx: "ProcessClient.execute example"
test("ProcessClient.execute example", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  {
    const result = await sandbox.process.execute({ command: "node --version" });
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/process/execute"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ command: "node --version" });
});

// (core)/agent-tools/git.mdx: "Git: Clone repository"
test("Git: Clone repository", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.clone({
      url: "https://github.com/octocat/Hello-World.git",
      path: "/workspace/repo",
      branch: "main",
      username: "x-access-token",
      password: "<personal-access-token>",
    });

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/clone"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toMatchObject({ username: "x-access-token", password: "<personal-access-token>" });
  expect(logged).toHaveLength(1);
});

// (core)/agent-tools/git.mdx: "Git: Status"
test("Git: Status", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.status("/workspace/repo");

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/status"]);
  expect(logged).toHaveLength(1);
});

// (core)/agent-tools/git.mdx: "Git: List branches"
test("Git: List branches", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.branches({
      path: "/workspace/repo",
      branchType: "all",
    });

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/branches"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", branch_type: "all" });
});

// (core)/agent-tools/git.mdx: "Git: Diff unstaged"
test("Git: Diff unstaged", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.diffUnstaged("/workspace/repo", 5);

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/diff-unstaged"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", context_lines: 5 });
});

// (core)/agent-tools/git.mdx: "Git: Diff staged"
test("Git: Diff staged", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.diffStaged("/workspace/repo", 5);

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/diff-staged"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", context_lines: 5 });
});

// (core)/agent-tools/git.mdx: "Git: Diff target"
test("Git: Diff target", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.diff("/workspace/repo", "origin/main", 3);

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/diff"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", target: "origin/main", context_lines: 3 });
});

// (core)/agent-tools/git.mdx: "Git: Reset staged changes"
test("Git: Reset staged changes", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.reset("/workspace/repo");

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/reset"]);
});

// (core)/agent-tools/git.mdx: "Git: Log"
test("Git: Log", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.log({
      path: "/workspace/repo",
      maxCount: 10,
    });

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/log"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", max_count: 10 });
});

// (core)/agent-tools/git.mdx: "Git: Show revision"
test("Git: Show revision", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.show("/workspace/repo", "HEAD~1");

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/show"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", revision: "HEAD~1" });
});

// (core)/agent-tools/git.mdx: "Git: Create branch"
test("Git: Create branch", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.createBranch({
      path: "/workspace/repo",
      name: "feature/docs",
      checkout: true,
      baseBranch: "main",
    });

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/create-branch"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", name: "feature/docs", checkout: true, base_branch: "main" });
});

// (core)/agent-tools/git.mdx: "Git: Checkout branch"
test("Git: Checkout branch", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.checkoutBranch({
      path: "/workspace/repo",
      branch: "main",
    });

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/checkout-branch"]);
});

// (core)/agent-tools/git.mdx: "Git: Delete branch"
test("Git: Delete branch", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.deleteBranch("/workspace/repo", "feature/docs", true);

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/delete-branch"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", name: "feature/docs", force: true });
});

// (core)/agent-tools/git.mdx: "Git: Add files"
test("Git: Add files", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.add("/workspace/repo", ["README.md"]);

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/add"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", files: ["README.md"] });
});

// (core)/agent-tools/git.mdx: "Git: Commit"
test("Git: Commit", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const commit = await sandbox.git.commit({
      path: "/workspace/repo",
      message: "docs: update filesystem guide",
      author: "Leap0 Bot",
      email: "bot@example.com",
    });

    console.log(commit.sha);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/commit"]);
  expect(logged[0]).toEqual([expect.any(String)]);
});

// (core)/agent-tools/git.mdx: "Git: Push"
test("Git: Push", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.push({
      path: "/workspace/repo",
      remote: "origin",
      branch: "main",
      setUpstream: true,
    });

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/push"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", remote: "origin", branch: "main", set_upstream: true });
});

// (core)/agent-tools/git.mdx: "Git: Pull"
test("Git: Pull", async () => {
  {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create();
    const result = await sandbox.git.pull({
      path: "/workspace/repo",
      remote: "origin",
      branch: "main",
      rebase: true,
      setUpstream: true,
    });

    console.log(result.output);
    await client.close();
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/pull"]);
  expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ path: "/workspace/repo", remote: "origin", branch: "main", rebase: true, set_upstream: true });
});

// (javascript-sdk)/reference/javascript-sdk/services/git-client.mdx: "GitClient.clone example"
test("GitClient.clone example", async () => {
  const client = new Leap0Client();
  const sandbox = await client.sandboxes.create();
  {
    await sandbox.git.clone({
      url: "https://github.com/example/repo.git",
      path: "/workspace/repo",
      branch: "main",
    });
  }
  expect(calls()).toEqual(["POST /v1/sandbox/", "POST /v1/sandbox/{id}/git/clone"]);
});
