/**
 * leap0/testing: the in-memory Leap0 under the real SDK. Its state machine, its filesystem and
 * commands, its handlers, faults and call record, and the contract held both ways: a request the
 * real API would refuse is refused the same way.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import {
  Leap0AbortError,
  Leap0BadRequestError,
  Leap0Client,
  Leap0ConflictError,
  Leap0ConnectionError,
  Leap0NotFoundError,
  Leap0RateLimitError,
  Leap0ServerError,
  Leap0SessionExitedError,
  Leap0TimeoutError,
  Leap0WebSocketError,
} from "../src";
import { command, createMockLeap0 } from "../src/testing";

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe("sandboxes follow the contract's lifecycle", () => {
  test("created starting; running once the start delay has passed; waitUntilRunning waits for it", async () => {
    let now = 1_000_000;
    const mock = createMockLeap0({ startDelay: 5_000, now: () => now });
    const sandbox = await mock.client.sandboxes.create();
    expect(sandbox.state).toBe("starting");
    expect((await mock.client.sandboxes.get(sandbox.id)).state).toBe("starting");
    // A snapshot captures a running sandbox only.
    await expect(sandbox.createSnapshot({ name: "too-early" })).rejects.toBeInstanceOf(Leap0ConflictError);
    now += 5_000;
    expect((await sandbox.refresh()).state).toBe("running");

    const quick = createMockLeap0();
    const running = await quick.client.sandboxes.create({}, { waitUntilRunning: true });
    expect(running.state).toBe("running");
  });

  test("pause, stop and start accept only the states the contract allows; a transition refuses delete", async () => {
    let now = 0;
    const mock = createMockLeap0({ startDelay: 1_000, now: () => now });
    const s = await mock.client.sandboxes.create();
    await expect(s.delete()).rejects.toBeInstanceOf(Leap0ConflictError); // still starting
    await expect(s.pause()).rejects.toBeInstanceOf(Leap0ConflictError);
    now += 1_000;
    await s.stop();
    expect(s.state).toBe("stopping");
    await expect(s.start()).rejects.toBeInstanceOf(Leap0ConflictError); // not stopped yet
    now += 1_000;
    expect((await s.refresh()).state).toBe("stopped");
    await expect(s.pause()).rejects.toBeInstanceOf(Leap0ConflictError);
    await s.start();
    now += 1_000;
    await s.pause();
    expect(s.state).toBe("paused");
    await s.delete();
    await expect(mock.client.sandboxes.get(s.id)).rejects.toBeInstanceOf(Leap0NotFoundError);
  });

  test("the organisation's limit: create answers 409, restore 429", async () => {
    const mock = createMockLeap0({ maxSandboxes: 2 });
    const a = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    await a.createSnapshot({ name: "base" });
    await mock.client.sandboxes.create();
    await expect(mock.client.sandboxes.create()).rejects.toBeInstanceOf(Leap0ConflictError);
    await expect(mock.client.snapshots.restore({ snapshotName: "base" }, { maxRetries: 0 })).rejects.toBeInstanceOf(
      Leap0RateLimitError,
    );
  });

  test("a snapshot carries the filesystem into the sandbox restored from it, and cannot be deleted while used", async () => {
    const mock = createMockLeap0();
    const source = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    await source.filesystem.writeFile("/home/user/notes.txt", "before");
    const snapshot = await source.createSnapshot({ name: "warm" });
    await source.filesystem.writeFile("/home/user/notes.txt", "after");
    await expect(source.createSnapshot({ name: "warm" })).rejects.toBeInstanceOf(Leap0ConflictError);

    const restored = await mock.client.snapshots.restore({ snapshotName: "warm" }, { waitUntilRunning: true });
    expect(await restored.filesystem.readFile("/home/user/notes.txt")).toBe("before");
    expect(restored.vcpu).toBe(source.vcpu);
    await expect(mock.client.snapshots.delete(snapshot)).rejects.toBeInstanceOf(Leap0ConflictError);
    await restored.delete();
    await mock.client.snapshots.delete(snapshot);
    await expect(mock.client.snapshots.restore({ snapshotName: "warm" })).rejects.toBeInstanceOf(Leap0NotFoundError);

    // killSandboxAfter ends the source once the snapshot is stored.
    await source.createSnapshot({ name: "last", killSandboxAfter: true });
    await expect(mock.client.sandboxes.get(source.id)).rejects.toBeInstanceOf(Leap0NotFoundError);
  });

  test("lists page for real: filters, order, pages, totals; iterate walks them all", async () => {
    const mock = createMockLeap0({ maxSandboxes: 10 });
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await mock.client.sandboxes.create({}, { waitUntilRunning: true }));
    await made[0]?.stop();
    const page = await mock.client.sandboxes.list({ pageSize: 2, page: 2 });
    expect(page.totalItems).toBe(5);
    expect(page.items).toHaveLength(2);
    expect((await mock.client.sandboxes.list({ state: "running" })).totalItems).toBe(4);
    const seen: string[] = [];
    for await (const s of mock.client.sandboxes.iterate({ pageSize: 2 })) seen.push(s.id);
    expect(new Set(seen)).toEqual(new Set(made.map((s) => s.id)));

    for (const name of ["app-1", "app-2", "other"]) await made[1]?.createSnapshot({ name });
    const apps = await mock.client.snapshots.list({ query: "app", orderBy: "asc" });
    expect(apps.items.map((s) => s.name)).toEqual(["app-1", "app-2"]);
  });

  test("templates: system ones cannot be renamed or deleted; names are unique", async () => {
    const mock = createMockLeap0();
    const t = await mock.client.templates.create({ name: "py", uri: "docker.io/library/python:3.12" });
    await expect(mock.client.templates.create({ name: "py", uri: "docker.io/x" })).rejects.toBeInstanceOf(
      Leap0ConflictError,
    );
    await mock.client.templates.rename(t, { name: "py-2" });
    const s = await mock.client.sandboxes.create({ templateName: "py-2" }, { waitUntilRunning: true });
    await expect(mock.client.templates.delete(t)).rejects.toBeInstanceOf(Leap0ConflictError); // in use
    await s.delete();
    await mock.client.templates.delete(t);
    const system = mock.calls.find((c) => c.operation === "createSandbox");
    expect(system).toBeDefined();
  });
});

describe("files and commands share one filesystem", () => {
  test("what a command writes the file API reads, and the other way round", async () => {
    const mock = createMockLeap0();
    const s = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    const r = await s.process.execute({ command: "echo hi > /home/user/a && cat /home/user/a" });
    expect(r).toEqual({ exitCode: 0, stdout: "hi\n", stderr: "" });
    expect(await s.filesystem.readFile("/home/user/a")).toBe("hi\n");
    await s.filesystem.writeFile("/workspace/main.py", "print(6*7)\n");
    expect((await s.process.execute({ command: "cat main.py", cwd: "/workspace" })).stdout).toBe("print(6*7)\n");
    expect((await s.process.execute({ command: "exit 3" })).exitCode).toBe(3);
    expect((await s.process.execute({ command: "echo $GREETING", env: { GREETING: "hello" } })).stdout).toBe("hello\n");
  });

  test("bytes round-trip exactly; ranges, head and tail; multipart both ways", async () => {
    const mock = createMockLeap0();
    const s = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    await s.filesystem.writeBytes("/home/user/all.bin", ALL_BYTES);
    expect(await s.filesystem.readBytes("/home/user/all.bin")).toEqual(ALL_BYTES);
    await s.filesystem.writeFile("/home/user/lines.txt", "1\n2\n3\n4\n");
    expect(await s.filesystem.readFile("/home/user/lines.txt", { head: 2 })).toBe("1\n2\n");
    expect(await s.filesystem.readFile("/home/user/lines.txt", { tail: 1 })).toBe("4\n");
    expect(await s.filesystem.readFile("/home/user/lines.txt", { offset: 2, limit: 3 })).toBe("2\n3");
    const names = ['/home/user/with "quotes".txt', "/home/user/crlf\r\nname.txt", "/home/user/ünïcödé.txt"];
    await s.filesystem.writeFilesBytes(Object.fromEntries(names.map((n, i) => [n, new Uint8Array([i, 255])])));
    const back = await s.filesystem.readFilesBytes(names);
    for (const [i, n] of names.entries()) expect(back[n]).toEqual(new Uint8Array([i, 255]));
  });

  test("a file over 10 MiB is read in ranges, the way the service serves it", async () => {
    const mock = createMockLeap0();
    const s = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    const big = new Uint8Array(12 * 1024 * 1024).map((_, i) => i % 251);
    // Written in two pieces (a request is capped at 10 MiB too), then read back whole.
    await s.filesystem.writeBytes("/home/user/part1", big.subarray(0, 6 * 1024 * 1024));
    await s.filesystem.writeBytes("/home/user/part2", big.subarray(6 * 1024 * 1024));
    await s.process.execute({ command: "cat part1 part2 > big.bin", cwd: "/home/user" });
    const read = await s.filesystem.readBytes("/home/user/big.bin");
    expect(read.byteLength).toBe(big.byteLength);
    // Compared as buffers: a deep equality of 12 million elements takes minutes.
    expect(Buffer.compare(Buffer.from(read), Buffer.from(big))).toBe(0);
    const reads = mock.calls.filter((c) => c.operation === "filesystemReadFile");
    expect(reads.length).toBe(2);
  });

  test("ls, stat, glob, grep, edit, move, copy, tree, exists, delete, permissions", async () => {
    const mock = createMockLeap0();
    const s = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    const fs = s.filesystem;
    await fs.mkdir("/home/user/app/src", { recursive: true });
    await fs.writeFile("/home/user/app/src/main.py", "import os\nprint('hello')\n");
    await fs.writeFile("/home/user/app/README.md", "# app\n");
    expect((await fs.ls("/home/user/app")).items.map((i) => i.name)).toEqual(["README.md", "src"]);
    expect((await fs.stat("/home/user/app/src/main.py")).size).toBe(25);
    expect(await fs.glob("/home/user/app", "**/*.py")).toEqual(["/home/user/app/src/main.py"]);
    expect(await fs.grep("/home/user/app", "hello")).toEqual([
      { path: "/home/user/app/src/main.py", line: 2, content: "print('hello')" },
    ]);
    const edit = await fs.editFile("/home/user/app/src/main.py", [{ find: "hello", replace: "bye" }]);
    expect(edit.replacements).toBe(1);
    expect(edit.diff).toContain("+print('bye')");
    await fs.copy("/home/user/app/README.md", "/home/user/app/COPY.md");
    await expect(fs.copy("/home/user/app/README.md", "/home/user/app/COPY.md")).rejects.toBeInstanceOf(
      Leap0ConflictError,
    );
    await fs.move("/home/user/app/COPY.md", "/home/user/app/MOVED.md");
    expect(await fs.exists("/home/user/app/COPY.md")).toBe(false);
    const tree = await fs.tree("/home/user/app");
    expect(tree.items.map((e) => e.name)).toEqual(["MOVED.md", "README.md", "src"]);
    await fs.setPermissions("/home/user/app/src/main.py", { mode: "700" });
    expect((await fs.stat("/home/user/app/src/main.py")).mode).toBe("700");
    await expect(fs.delete("/home/user/app")).rejects.toBeInstanceOf(Leap0BadRequestError); // not empty
    await fs.delete("/home/user/app", true);
    await expect(fs.stat("/home/user/app")).rejects.toBeInstanceOf(Leap0NotFoundError);
  });

  test("files: every new sandbox starts with them; a query's text stays text (permissions '644' is a mode, not 644)", async () => {
    const mock = createMockLeap0({ files: { "/workspace/app/main.py": "print('hi')\n" } });
    const sandbox = await mock.client.sandboxes.create();
    expect(await sandbox.filesystem.readFile("/workspace/app/main.py")).toBe("print('hi')\n");
    const run = await sandbox.process.execute({ command: "cat /workspace/app/main.py" });
    expect(run.stdout).toBe("print('hi')\n");
    await sandbox.filesystem.writeFile("/workspace/hello.txt", "hello", { permissions: "640" });
    expect((await sandbox.filesystem.stat("/workspace/hello.txt")).mode).toMatch(/640$/);
    // Page sizes are numbers on the wire's text all the same.
    expect((await mock.client.sandboxes.list({ pageSize: 1 })).items).toHaveLength(1);
    expect(() => createMockLeap0({ files: { "main.py": "" } })).toThrow(/not an absolute path/);
  });
});

/** Reads a terminal's output until it holds `text`; the output so far. */
async function until(term: { recvText(o?: { timeout?: number }): Promise<string> }, text: string): Promise<string> {
  let out = "";
  while (!out.includes(text)) out += await term.recvText({ timeout: 5 });
  return out;
}

describe("the terminal's WebSocket: a shell over the sandbox's files", () => {
  test("keystrokes echo, lines run, cd lasts, the file API sees what the shell wrote, exit ends the session", async () => {
    const mock = createMockLeap0();
    const sandbox = await mock.client.sandboxes.create();
    const term = await sandbox.pty.open({ id: "t1", cwd: "/workspace" });
    expect(await until(term, "$ ")).toBe("$ ");
    term.send("echo hi > a.txt && cat a.txt\r");
    expect(await until(term, "hi\r\n$ ")).toBe("echo hi > a.txt && cat a.txt\r\nhi\r\n$ ");
    term.send("cd /tmp && pwd\r");
    await until(term, "/tmp\r\n$ ");
    term.send("pwd\r");
    await until(term, "/tmp\r\n$ ");
    expect(await sandbox.filesystem.readFile("/workspace/a.txt")).toBe("hi\n");
    term.send("exit\r");
    expect(await term.closed).toEqual({ kind: "exited", code: 1000, reason: "" });
    // What was output before the end is still read; then reads say the session exited.
    expect(await until(term, "exit\r\n")).toBe("exit\r\n");
    await expect(term.recvText()).rejects.toBeInstanceOf(Leap0SessionExitedError);
    await expect(sandbox.pty.get("t1")).rejects.toBeInstanceOf(Leap0NotFoundError);
    expect(mock.calls.map((c) => c.operation)).toEqual([
      "createSandbox",
      "createPtySession",
      "connectPtySession",
      "filesystemReadFile",
      "getPtySession",
    ]);
  });

  test("a session outlives its connection; deleting it, or the sandbox, ends the connections", async () => {
    const mock = createMockLeap0();
    const sandbox = await mock.client.sandboxes.create();
    await sandbox.pty.create({ id: "t1" });
    const first = sandbox.pty.connect("t1");
    await until(first, "$ ");
    first.send("export NAME=leap\r");
    await until(first, "$ ");
    first.close();
    expect((await first.closed).kind).toBe("closed");
    const again = sandbox.pty.connect("t1");
    again.send("echo $NAME\r");
    await until(again, "leap\r\n$ ");
    await sandbox.pty.delete("t1");
    expect(await again.closed).toEqual({ kind: "exited", code: 1000, reason: "session deleted" });

    await sandbox.pty.create({ id: "t2" });
    const third = sandbox.pty.connect("t2");
    await third.ready;
    await sandbox.delete();
    expect(await third.closed).toEqual({ kind: "dropped", code: 1001, reason: "sandbox is deleted" });
  });

  test("refused handshakes: an unknown session, a wrong key, a fault; a stalled one ends by its timeout", async () => {
    const mock = createMockLeap0({ apiKey: "sk-right" });
    const sandbox = await mock.client.sandboxes.create();
    await expect(sandbox.pty.connect("nope").ready).rejects.toBeInstanceOf(Leap0WebSocketError);
    await sandbox.pty.create({ id: "t1" });
    const stranger = new Leap0Client({ apiKey: "sk-wrong", fetch: mock.fetch, webSocket: mock.WebSocket });
    await expect(stranger.sandboxes.connect(sandbox.id).pty.connect("t1").ready).rejects.toThrow(/handshake failed/);
    mock.fail("connectPtySession", { status: 503, times: 1 });
    await expect(sandbox.pty.connect("t1").ready).rejects.toBeInstanceOf(Leap0WebSocketError);
    mock.fail("connectPtySession", { drop: true, times: 1 });
    await expect(sandbox.pty.connect("t1").ready).rejects.toBeInstanceOf(Leap0WebSocketError);
    mock.fail("connectPtySession", { stall: "headers", times: 1 });
    await expect(sandbox.pty.connect("t1", { timeout: 0.2 }).ready).rejects.toBeInstanceOf(Leap0TimeoutError);
    // The next connection is served again.
    const ok = sandbox.pty.connect("t1");
    await until(ok, "$ ");
    ok.close();
  });

  test("command handlers answer in the terminal too; output larger than the buffer closes with overflow", async () => {
    const mock = createMockLeap0({ handlers: [command("python3 app.py", { stdout: "served\n" })] });
    const sandbox = await mock.client.sandboxes.create();
    const term = await sandbox.pty.open({ id: "t1" });
    term.send("python3 app.py\r");
    await until(term, "served\r\n$ ");
    await sandbox.filesystem.writeFile("/home/user/big.txt", "x".repeat(4096));
    const small = sandbox.pty.connect("t1", { maxBufferedBytes: 1024 });
    await small.ready;
    small.send("cat big.txt\r");
    expect((await small.closed).kind).toBe("overflow");
    term.close();
  });

  test("install() serves the terminal through the global WebSocket, and uninstall() puts it back", async () => {
    const before = (globalThis as { WebSocket?: unknown }).WebSocket;
    const mock = createMockLeap0();
    vi.stubEnv("LEAP0_API_KEY", "sk-from-env");
    mock.install();
    try {
      const client = new Leap0Client();
      const sandbox = await client.sandboxes.create();
      const term = await sandbox.pty.open({ id: "t1" });
      term.send("echo from-global\r");
      await until(term, "from-global\r\n$ ");
      term.close();
      await client.close();
    } finally {
      mock.uninstall();
      vi.unstubAllEnvs();
    }
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBe(before);
  });
});

describe("command handlers, msw's way", () => {
  test("a string matches the whole command, a regular expression any; use() wins; resetHandlers() drops it", async () => {
    const mock = createMockLeap0({
      handlers: [
        command("npm ci", { stdout: "added 1 package\n" }),
        command(/^python3 /, (c) => ({ stdout: `ran ${c.command} in ${c.cwd}\n` })),
      ],
    });
    const s = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    expect((await s.process.execute({ command: "npm ci" })).stdout).toBe("added 1 package\n");
    expect((await s.process.execute({ command: "python3 main.py", cwd: "/workspace" })).stdout).toBe(
      "ran python3 main.py in /workspace\n",
    );
    mock.use(command("npm ci", { stderr: "npm ERR!\n", exitCode: 1 }));
    expect(await s.process.execute({ command: "npm ci" })).toEqual({ exitCode: 1, stdout: "", stderr: "npm ERR!\n" });
    mock.resetHandlers();
    expect((await s.process.execute({ command: "npm ci" })).exitCode).toBe(0);
  });

  test("strict mode: a command no handler answers is an error, not a guess", async () => {
    const mock = createMockLeap0({ strict: true, handlers: [command("ls", { stdout: "a\n" })] });
    const s = await mock.client.sandboxes.create({}, { waitUntilRunning: true });
    expect((await s.process.execute({ command: "ls" })).stdout).toBe("a\n");
    const err = await s.process.execute({ command: "rm -rf /" }).catch((e) => e);
    expect(err).toBeInstanceOf(Leap0BadRequestError);
    expect(err.message).toContain("no command handler matches");
  });
});

describe("faults by operationId, for the caller's own retry, timeout and cancel paths", () => {
  test("an error status with Retry-After, a number of times: the SDK's retry gets through", async () => {
    const mock = createMockLeap0();
    mock.fail("getSandbox", { status: 503, retryAfter: 0, times: 2 });
    const s = await mock.client.sandboxes.create();
    await expect(mock.client.sandboxes.get(s.id)).resolves.toMatchObject({ id: s.id });
    expect(mock.calls.filter((c) => c.operation === "getSandbox")).toHaveLength(3);
    mock.fail("getSandbox", { status: 503, retryAfter: 0 });
    await expect(mock.client.sandboxes.get(s.id, { maxRetries: 1 })).rejects.toBeInstanceOf(Leap0ServerError);
    mock.resetHandlers();
    await expect(mock.client.sandboxes.get(s.id)).resolves.toMatchObject({ id: s.id });
  });

  test("latency and a stalled answer end by the caller's timeout; a dropped connection is a connection error", async () => {
    const mock = createMockLeap0();
    const s = await mock.client.sandboxes.create();
    mock.fail("getSandbox", { latency: 5_000, times: 1 });
    await expect(mock.client.sandboxes.get(s.id, { timeout: 0.2 })).rejects.toBeInstanceOf(Leap0TimeoutError);
    mock.fail("getSandbox", { stall: "headers", times: 1 });
    await expect(mock.client.sandboxes.get(s.id, { timeout: 0.2 })).rejects.toBeInstanceOf(Leap0TimeoutError);
    mock.fail("getSandbox", { stall: "body", times: 1 });
    await expect(mock.client.sandboxes.get(s.id, { timeout: 0.2 })).rejects.toBeInstanceOf(Leap0TimeoutError);
    mock.fail("createSandbox", { drop: true, times: 1 });
    const dropped = await mock.client.sandboxes.create().catch((e) => e);
    expect(dropped).toBeInstanceOf(Leap0ConnectionError);
    expect(dropped.mayHaveSucceeded).toBe(true);
    const ctl = new AbortController();
    mock.fail("getSandbox", { latency: 5_000, times: 1 });
    setTimeout(() => ctl.abort(), 50);
    await expect(mock.client.sandboxes.get(s.id, { signal: ctl.signal })).rejects.toBeInstanceOf(Leap0AbortError);
    expect(() => mock.fail("noSuchOperation", { status: 500 })).toThrow(/no operation/);
  });
});

describe("the contract, both ways", () => {
  test('a short test key ("k", "test", "disk") leaves answers whole: field names are never scrubbed', async () => {
    for (const apiKey of ["k", "test", "disk"]) {
      const mock = createMockLeap0({ apiKey });
      const client = new Leap0Client({ apiKey, fetch: mock.fetch });
      const made = await client.sandboxes.create();
      const got = await client.sandboxes.get(made.id);
      expect(typeof got.disk, apiKey).toBe("number");
      expect(got.disk, apiKey).toBe(made.disk);
      const snap = await got.createSnapshot({ name: "kernel-snap" });
      // A key of one to three characters is no credential: "k" is not cut out of "kernel-snap".
      if (apiKey === "k") expect(snap.name).toBe("kernel-snap");
    }
  });

  test("a request the real API would refuse gets its 400, 401 or 404; the call is recorded with its params", async () => {
    const mock = createMockLeap0({ apiKey: "sk-the-key" });
    const post = (path: string, body: unknown, key = "sk-the-key") =>
      mock.fetch(`https://api.leap0.dev${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const bad = await post("/v1/sandbox/", { template_name: "system/debian:bookworm", vcpu: 99 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: "vcpu" }] });
    expect((await post("/v1/sandbox/", {}, "sk-wrong")).status).toBe(401);
    expect((await post("/v1/no/such/route", {})).status).toBe(404);
    expect(mock.calls).toEqual([
      { operation: "createSandbox", params: { templateName: "system/debian:bookworm", vcpu: 99 }, path: {} },
    ]);
    await expect(mock.fetch("https://example.com/")).rejects.toThrow(/serves no https:\/\/example.com/);
  });

  test("install(): code that builds its own client from the environment reaches the mock", async () => {
    const mock = createMockLeap0();
    vi.stubEnv("LEAP0_API_KEY", "sk-from-env");
    vi.stubEnv("LEAP0_BASE_URL", "");
    mock.install();
    try {
      const client = new Leap0Client();
      const s = await client.sandboxes.create({}, { waitUntilRunning: true });
      expect(mock.calls.map((c) => c.operation)).toContain("createSandbox");
      expect((await client.sandboxes.get(s.id)).state).toBe("running");
    } finally {
      mock.uninstall();
      vi.unstubAllEnvs();
    }
    expect(globalThis.fetch).not.toBe(mock.fetch);
  });

  test("reset() forgets everything", async () => {
    const mock = createMockLeap0();
    const s = await mock.client.sandboxes.create();
    mock.reset();
    expect(mock.calls).toEqual([]);
    await expect(mock.client.sandboxes.get(s.id)).rejects.toBeInstanceOf(Leap0NotFoundError);
  });
});

afterEach(() => {
  vi.unstubAllEnvs();
});
