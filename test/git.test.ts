import { inspect } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import { GIT_REMOTE_TIMEOUT_SECONDS, Leap0BadRequestError, Leap0Client, Leap0TimeoutError } from "../src";
import { API_KEY, loggingClient, mockClient, type Recorder } from "./support/helpers";
import { type LocalServer, localServer } from "./support/local-server";

const SBX = "sbx-7f3k2m9q4d";
const G = `/v1/sandbox/${SBX}/git`;
const REPO = "/workspace/repo";

describe("git against the Prism mock: every call, both forms, exact wire bodies", () => {
  let rec: Recorder;
  afterEach(() => expect(rec.violations()).toEqual([]));

  test("positional forms (as the guide shows them) and object forms send the same bodies", async () => {
    const m = mockClient();
    rec = m.rec;
    const git = m.client.sandboxes.connect(SBX).git;
    const calls: [() => Promise<unknown>, () => Promise<unknown>, string, unknown][] = [
      [() => git.status(REPO), () => git.status({ path: REPO }), "status", { path: REPO }],
      [() => git.reset(REPO), () => git.reset({ path: REPO }), "reset", { path: REPO }],
      [
        () => git.diffUnstaged(REPO, 5),
        () => git.diffUnstaged({ path: REPO, contextLines: 5 }),
        "diff-unstaged",
        { path: REPO, context_lines: 5 },
      ],
      [
        () => git.diffStaged(REPO, 0),
        () => git.diffStaged({ path: REPO, contextLines: 0 }),
        "diff-staged",
        { path: REPO, context_lines: 0 },
      ],
      [
        () => git.diff(REPO, "origin/main", 3),
        () => git.diff({ path: REPO, target: "origin/main", contextLines: 3 }),
        "diff",
        { path: REPO, target: "origin/main", context_lines: 3 },
      ],
      [
        () => git.show(REPO, "HEAD~1"),
        () => git.show({ path: REPO, revision: "HEAD~1" }),
        "show",
        { path: REPO, revision: "HEAD~1" },
      ],
      [
        () => git.deleteBranch(REPO, "feature/docs", true),
        () => git.deleteBranch({ path: REPO, name: "feature/docs", force: true }),
        "delete-branch",
        { path: REPO, name: "feature/docs", force: true },
      ],
      [
        () => git.add(REPO, ["README.md", "src/a.ts"]),
        () => git.add({ path: REPO, files: ["README.md", "src/a.ts"] }),
        "add",
        { path: REPO, files: ["README.md", "src/a.ts"] },
      ],
      [
        () => git.clone("https://github.com/octocat/Hello-World.git", REPO),
        () => git.clone({ url: "https://github.com/octocat/Hello-World.git", path: REPO }),
        "clone",
        { url: "https://github.com/octocat/Hello-World.git", path: REPO },
      ],
      [() => git.log(REPO), () => git.log({ path: REPO }), "log", { path: REPO }],
      [() => git.branches(REPO), () => git.branches({ path: REPO }), "branches", { path: REPO }],
    ];
    for (const [positional, object, route, body] of calls) {
      rec.sent.length = 0;
      const a = await positional();
      const b = await object();
      expect(rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
        `POST ${G}/${route} 200`,
        `POST ${G}/${route} 200`,
      ]);
      expect(rec.sent[0]?.body).toEqual(body);
      expect(rec.sent[1]?.body).toEqual(body);
      expect(a).toEqual({ output: expect.any(String), exitCode: expect.any(Number) });
      expect(b).toEqual(a);
    }
  });

  test("left-out optional arguments are left out on the wire; show defaults to HEAD, deleteBranch to force: false", async () => {
    const m = mockClient();
    rec = m.rec;
    const git = m.client.sandboxes.connect(SBX).git;
    await git.diffUnstaged(REPO);
    await git.diff(REPO, "main");
    await git.show(REPO);
    await git.deleteBranch(REPO, "old");
    await git.diffStaged(REPO, { timeout: 5 });
    expect(rec.sent.map((s) => s.body)).toEqual([
      { path: REPO },
      { path: REPO, target: "main" },
      { path: REPO, revision: "HEAD" },
      { path: REPO, name: "old", force: false },
      { path: REPO },
    ]);
  });

  test("object-only calls map every field to the contract's names", async () => {
    const m = mockClient();
    rec = m.rec;
    const git = m.client.sandboxes.connect(SBX).git;
    await git.clone({
      url: "https://github.com/octocat/Hello-World.git",
      path: REPO,
      branch: "main",
      commitId: "7fd1a60",
      depth: 1,
      username: "x-access-token",
      password: "ghp_secretTOKEN123",
    });
    await git.branches({ path: REPO, branchType: "all", contains: "abc", notContains: "def" });
    await git.log({ path: REPO, maxCount: 10, startTimestamp: "2026-01-01T00:00:00Z", endTimestamp: null });
    await git.createBranch({ path: REPO, name: "feature/docs", checkout: true, baseBranch: "main" });
    await git.checkoutBranch({ path: REPO, branch: "main", create: false });
    const commit = await git.commit({
      path: REPO,
      message: "docs: update",
      author: "Leap0 Bot",
      email: "bot@example.com",
      allowEmpty: true,
    });
    await git.push({ path: REPO, remote: "origin", branch: "main", setUpstream: true, username: "u", password: "p" });
    await git.pull({ path: REPO, remote: "origin", branch: "main", rebase: true });
    expect(rec.sent.map((s) => s.path.slice(G.length + 1))).toEqual([
      "clone",
      "branches",
      "log",
      "create-branch",
      "checkout-branch",
      "commit",
      "push",
      "pull",
    ]);
    expect(rec.sent.map((s) => s.body)).toEqual([
      {
        url: "https://github.com/octocat/Hello-World.git",
        path: REPO,
        branch: "main",
        commit_id: "7fd1a60",
        depth: 1,
        username: "x-access-token",
        password: "ghp_secretTOKEN123",
      },
      { path: REPO, branch_type: "all", contains: "abc", not_contains: "def" },
      { path: REPO, max_count: 10, start_timestamp: "2026-01-01T00:00:00Z", end_timestamp: null },
      { path: REPO, name: "feature/docs", checkout: true, base_branch: "main" },
      { path: REPO, branch: "main", create: false },
      { path: REPO, message: "docs: update", author: "Leap0 Bot", email: "bot@example.com", allow_empty: true },
      { path: REPO, remote: "origin", branch: "main", set_upstream: true, username: "u", password: "p" },
      { path: REPO, remote: "origin", branch: "main", rebase: true },
    ]);
    expect(commit).toEqual({
      sha: expect.any(String),
      result: { output: expect.any(String), exitCode: expect.any(Number) },
    });
  });

  test("bad arguments are refused before sending, naming the field", async () => {
    const m = mockClient();
    rec = m.rec;
    const git = m.client.sandboxes.connect(SBX).git;
    await expect(git.add(REPO, [])).rejects.toMatchObject({
      name: "Leap0ValidationError",
      fieldErrors: [{ field: "files" }],
    });
    await expect(git.clone("https://x/y.git", undefined as never)).rejects.toMatchObject({
      fieldErrors: [{ field: "path" }],
    });
    await expect(git.diffUnstaged(REPO, -1)).rejects.toMatchObject({ fieldErrors: [{ field: "contextLines" }] });
    await expect(git.commit({ path: REPO } as never)).rejects.toMatchObject({ fieldErrors: [{ field: "message" }] });
    expect(rec.sent).toHaveLength(0);
  });
});

describe("git against a local server: credentials and timeouts", () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const PASSWORD = "ghp_Sup3r/Secret+Token";
  const USERNAME = "deploy-bot-user";

  function expectClean(value: unknown): void {
    for (const text of [inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? "", String(value)]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
      expect(text).not.toContain(USERNAME);
    }
  }

  test("a server that echoes the credentials in an error: neither the thrown error nor the log carries them", async () => {
    server = await localServer((req) => {
      const b = req.body as { url: string; username: string; password: string };
      return {
        status: 400,
        json: {
          message: `fatal: could not read from https://${b.username}:${encodeURIComponent(b.password)}@github.com (password ${b.password})`,
          errors: [{ field: "password", error: `${b.password} was refused` }],
        },
      };
    });
    const { client, lines } = loggingClient(server.url);
    const git = client.sandboxes.connect(SBX).git;
    for (const call of [
      () =>
        git.clone({ url: "https://github.com/org/private.git", path: REPO, username: USERNAME, password: PASSWORD }),
      () => git.push({ path: REPO, username: USERNAME, password: PASSWORD }),
      () => git.pull({ path: REPO, username: USERNAME, password: PASSWORD }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Leap0BadRequestError);
      expect((err as Error).message).toContain("[redacted]");
      expect((err as Error).stack).toContain("[redacted]");
      expectClean(err);
      expectClean((err as Error).stack);
      expectClean((err as Leap0BadRequestError).fieldErrors);
    }
    // The credentials did go to the server, in the body only.
    expect(server.requests[0]?.body).toMatchObject({ username: USERNAME, password: PASSWORD });
    expect(JSON.stringify(server.requests[0]?.headers)).not.toContain(PASSWORD);
    // Every call is logged, its failure included (which quotes the server's message), scrubbed.
    expect(lines.filter((l) => l.includes("failed after"))).toHaveLength(3);
    expect(lines.some((l) => l.includes("[redacted]"))).toBe(true);
    expectClean(lines);
  });

  test("output that happens to contain the credentials is returned scrubbed; logs never hold them", async () => {
    server = await localServer((req) => {
      const b = req.body as { password: string };
      return { json: { output: `remote: token ${b.password} accepted\n`, exit_code: 0 } };
    });
    const { client, lines } = loggingClient(server.url);
    const result = await client.sandboxes
      .connect(SBX)
      .git.clone({ url: "https://github.com/org/private.git", path: REPO, username: USERNAME, password: PASSWORD });
    expect(result).toEqual({ output: "remote: token [redacted] accepted\n", exitCode: 0 });
    expectClean(result);
    expect(lines.length).toBeGreaterThan(0);
    expectClean(lines);
  });

  test("clone, push and pull default to a long call timeout; quick reads keep the client's", async () => {
    server = await localServer(() => ({ json: { output: "ok", exit_code: 0 }, delayMs: 400 }));
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, timeout: 0.2, maxRetries: 0 });
    const git = client.sandboxes.connect(SBX).git;
    expect(GIT_REMOTE_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(600);
    await expect(git.clone("https://github.com/org/repo.git", REPO)).resolves.toEqual({ output: "ok", exitCode: 0 });
    await expect(git.push({ path: REPO })).resolves.toEqual({ output: "ok", exitCode: 0 });
    await expect(git.pull({ path: REPO })).resolves.toEqual({ output: "ok", exitCode: 0 });
    await expect(git.status(REPO)).rejects.toBeInstanceOf(Leap0TimeoutError);
    // A per-call timeout still wins over the long default.
    await expect(git.clone("https://github.com/org/repo.git", REPO, { timeout: 0.1 })).rejects.toBeInstanceOf(
      Leap0TimeoutError,
    );
  });
});
