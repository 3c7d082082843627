import { afterEach, describe, expect, test, vi } from "vitest";
import {
  EXECUTE_GRACE_SECONDS,
  Leap0AbortError,
  Leap0Client,
  Leap0CommandError,
  Leap0ConnectionError,
  Leap0Error,
  Leap0TimeoutError,
  Leap0ValidationError,
} from "../src";
import { API_KEY, mockClient, type Recorder } from "./support/helpers";
import { type LocalServer, localServer } from "./support/local-server";

const SBX = "sbx-7f3k2m9q4d";
const PATH = `/v1/sandbox/${SBX}/process/execute`;

describe("process.execute against the Prism mock", () => {
  let rec: Recorder;
  afterEach(() => expect(rec.violations()).toEqual([]));

  test("sends the contract's body: env goes out as envs, check is SDK-only", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = m.client.sandboxes.connect(SBX);
    const result = await sandbox.process.execute({
      command: "echo $GREETING",
      cwd: "/workspace",
      env: { GREETING: "hi", myVar: "kept as is" },
      timeout: 600,
      check: false,
    });
    expect(rec.sent[0]).toMatchObject({ method: "POST", path: PATH, status: 200 });
    expect(rec.sent[0]?.body).toEqual({
      command: "echo $GREETING",
      cwd: "/workspace",
      envs: { GREETING: "hi", myVar: "kept as is" },
      timeout: 600,
    });
    expect(result).toEqual({ exitCode: expect.any(Number), stdout: expect.any(String), stderr: expect.any(String) });
  });

  test("accepts the contract's name envs as well; only the command is required", async () => {
    const m = mockClient();
    rec = m.rec;
    const sandbox = m.client.sandboxes.connect(SBX);
    await sandbox.process.execute({ command: "env", envs: { A: "1" } });
    await sandbox.process.execute({ command: "true" });
    expect(rec.sent.map((s) => s.body)).toEqual([{ command: "env", envs: { A: "1" } }, { command: "true" }]);
  });

  test("env and envs together, a missing command, or a bad timeout are refused before sending", async () => {
    const m = mockClient();
    rec = m.rec;
    const p = m.client.sandboxes.connect(SBX).process;
    await expect(p.execute({ command: "x", env: { A: "1" }, envs: { B: "2" } })).rejects.toMatchObject({
      name: "Leap0ValidationError",
      fieldErrors: [{ field: "env", error: "cannot be combined with envs" }],
    });
    await expect(p.execute({} as never)).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(p.execute({ command: "x", timeout: 1.5 })).rejects.toThrow(/timeout/);
    await expect(p.execute({ command: "x", check: "yes" as never })).rejects.toThrow(/check must be true or false/);
    expect(rec.sent).toHaveLength(0);
  });
});

describe("process.execute against a local server", () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await server?.close();
    server = undefined;
  });
  const client = (timeout?: number) =>
    new Leap0Client({ apiKey: API_KEY, baseUrl: server?.url, maxRetries: 2, ...(timeout ? { timeout } : {}) });

  test("a non-zero exit is returned; check: true throws Leap0CommandError carrying the result", async () => {
    const answer = { exit_code: 3, stdout: "partial", stderr: "boom: token=abc" };
    server = await localServer(() => ({ json: answer }));
    const p = client().sandboxes.connect(SBX).process;
    expect(await p.execute({ command: "false" })).toEqual({
      exitCode: 3,
      stdout: "partial",
      stderr: "boom: token=abc",
    });
    const err = await p.execute({ command: "false", check: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Leap0CommandError);
    expect(err).toBeInstanceOf(Leap0Error);
    expect((err as Leap0CommandError).result).toEqual({ exitCode: 3, stdout: "partial", stderr: "boom: token=abc" });
    expect((err as Error).message).toMatch(/exited with code 3/);
    // The message never repeats the command or its output (either may hold a secret).
    expect((err as Error).message).not.toMatch(/token|partial|false/);
    // check: true with exit 0 returns normally, and check is never sent.
    server.requests.length = 0;
    await server.close();
    server = await localServer(() => ({ json: { exit_code: 0, stdout: "", stderr: "" } }));
    const p2 = client().sandboxes.connect(SBX).process;
    expect((await p2.execute({ command: "true", check: true })).exitCode).toBe(0);
    expect(server.requests[0]?.body).toEqual({ command: "true" });
  });

  test("the call's deadline follows the command's timeout, not the client's default", async () => {
    // Client default 0.2 s; the answer takes 0.6 s; the command's 1 s timeout + grace covers it.
    server = await localServer(() => ({ json: { exit_code: 0, stdout: "done", stderr: "" }, delayMs: 600 }));
    const c = client(0.2);
    const result = await c.sandboxes.connect(SBX).process.execute({ command: "sleep 0.5", timeout: 1 });
    expect(result.stdout).toBe("done");
    // Other calls keep the client's default: the same slow answer times them out.
    await expect(c.sandboxes.get(SBX)).rejects.toBeInstanceOf(Leap0TimeoutError);
  });

  test("an explicit per-call timeout wins, and its error names that clock", async () => {
    server = await localServer(() => "hang");
    const p = client().sandboxes.connect(SBX).process;
    const err = (await p.execute({ command: "sleep 600", timeout: 600 }, { timeout: 0.3 }).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(Leap0TimeoutError);
    expect(err.message).toMatch(/request option timeout \(0\.3s\)/);
    expect(err.message).toMatch(/command's own timeout is 600s/);
    expect(err.message).toMatch(/stops the wait, not the command/);
    expect((err as Leap0TimeoutError).mayHaveSucceeded).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  test("without a per-call timeout the deadline is the command's timeout plus the grace; the error says so", async () => {
    server = await localServer(() => "hang");
    const p = client(0.1).sandboxes.connect(SBX).process;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const pending = p.execute({ command: "sleep 100", timeout: 2 }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server?.requests).toHaveLength(1), { interval: 5, timeout: 5000 });
    // Well past the client's 0.1 s default, still waiting:
    await vi.advanceTimersByTimeAsync((2 + EXECUTE_GRACE_SECONDS) * 1000 - 500);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    const err = (await pending) as Error;
    expect(err).toBeInstanceOf(Leap0TimeoutError);
    expect(err.message).toMatch(
      new RegExp(
        `no answer within ${2 + EXECUTE_GRACE_SECONDS}s \\(the command's timeout of 2s plus ${EXECUTE_GRACE_SECONDS}s grace\\)`,
      ),
    );
  });

  test("the default command timeout (30 s) sets a 60 s deadline", async () => {
    server = await localServer(() => "hang");
    const p = client(0.1).sandboxes.connect(SBX).process;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const pending = p.execute({ command: "sleep 100" }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server?.requests).toHaveLength(1), { interval: 5, timeout: 5000 });
    await vi.advanceTimersByTimeAsync(60_500);
    expect(((await pending) as Error).message).toMatch(/within 60s \(the command's timeout of 30s plus 30s grace\)/);
  });

  test("never retried: a connection lost after sending fails once, flagged mayHaveSucceeded", async () => {
    server = await localServer(() => "reset");
    const p = client().sandboxes.connect(SBX).process;
    const err = await p.execute({ command: "rm -rf /tmp/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Leap0ConnectionError);
    expect((err as Leap0ConnectionError).mayHaveSucceeded).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  test("aborting stops the wait with Leap0AbortError", async () => {
    server = await localServer(() => "hang");
    const p = client().sandboxes.connect(SBX).process;
    const ctl = new AbortController();
    const pending = p.execute({ command: "sleep 100", timeout: 100 }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(Leap0AbortError);
  });
});
