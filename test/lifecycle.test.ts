/**
 * Waiting for a sandbox and cleaning it up, as a user would: against a local server whose
 * sandbox moves through states.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  Leap0AbortError,
  Leap0Client,
  Leap0ClientClosedError,
  Leap0ConflictError,
  Leap0SandboxStateError,
  Leap0TimeoutError,
} from "../src";
import { FaultServer, fail, ok, SANDBOX } from "./support/fault-server";
import { API_KEY } from "./support/helpers";

const server = new FaultServer();
beforeAll(() => server.start());
afterEach(() => server.reset());
afterAll(() => server.stop());

const client = () => new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, timeout: 5 });
const inState = (state: string) => ok({ ...SANDBOX, state });

describe("sandbox.waitUntilRunning()", () => {
  test("polls with backoff until running, reporting each state", async () => {
    server.next(inState("starting"), inState("starting"), inState("running"));
    const sandbox = client().sandboxes.connect("sbx-fault0001");
    const seen: string[] = [];
    await sandbox.waitUntilRunning({ onProgress: ({ state }) => seen.push(state) });
    expect(sandbox.state).toBe("running");
    expect(seen).toEqual(["starting", "starting", "running"]);
    const at = server.received.map((r) => r.at);
    expect((at[2] as number) - (at[1] as number)).toBeGreaterThan((at[1] as number) - (at[0] as number));
  });

  test("a state it cannot leave for running is a typed error at once", async () => {
    server.next(inState("starting"), inState("stopped"));
    const e = await client()
      .sandboxes.connect("sbx-fault0001")
      .waitUntilRunning()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Leap0SandboxStateError);
    expect(e).toMatchObject({ state: "stopped", sandboxId: "sbx-fault0001" });
    expect(server.received).toHaveLength(2);
  });

  test("never past its timeout, saying the last state", async () => {
    server.next(inState("starting"));
    const started = performance.now();
    const e = await client()
      .sandboxes.connect("sbx-fault0001")
      .waitUntilRunning({ timeout: 1.2 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Leap0TimeoutError);
    expect((e as Error).message).toContain("last state: starting");
    expect(performance.now() - started).toBeLessThan(1200 + 1000);
  });

  test("close() ends the wait at once, mid-sleep, with Leap0ClientClosedError", async () => {
    server.next(inState("starting"));
    const c = client();
    const waiting = c.sandboxes.connect("sbx-fault0001").waitUntilRunning({ timeout: 30 });
    await new Promise((r) => setTimeout(r, 700)); // one poll in: now in a 1 s sleep
    const closed = Date.now();
    await c.close();
    await expect(waiting).rejects.toBeInstanceOf(Leap0ClientClosedError);
    expect(Date.now() - closed).toBeLessThan(200);
  });

  test("the caller's signal stops the wait", async () => {
    server.next(inState("starting"));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const e = await client()
      .sandboxes.connect("sbx-fault0001")
      .waitUntilRunning({ signal: controller.signal })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Leap0AbortError);
  });
});

describe("the waitUntilRunning option on create, restore and start", () => {
  test("create({…}, { waitUntilRunning: true }) returns a running sandbox", async () => {
    server.next(ok({ ...SANDBOX, state: "starting" }, 201), inState("starting"), inState("running"));
    const sandbox = await client().sandboxes.create({}, { waitUntilRunning: true });
    expect(sandbox.state).toBe("running");
    expect(server.received.map((r) => r.method)).toEqual(["POST", "GET", "GET"]);
  });

  test("restore and start take it too, with wait options", async () => {
    server.next(ok({ ...SANDBOX, state: "starting" }, 201), inState("running"));
    const restored = await client().snapshots.restore({ snapshotName: "warm" }, { waitUntilRunning: { timeout: 10 } });
    expect(restored.state).toBe("running");
    server.next(ok({ ...SANDBOX, state: "starting" }), inState("running"));
    const started = await client().sandboxes.connect("sbx-fault0001").start({ waitUntilRunning: true });
    expect(started.state).toBe("running");
  });

  test("without it, create returns at once with the state the API gave", async () => {
    server.next(ok({ ...SANDBOX, state: "starting" }, 201));
    const sandbox = await client().sandboxes.create();
    expect(sandbox.state).toBe("starting");
    expect(server.received).toHaveLength(1);
  });
});

describe("await using", () => {
  test("a throw inside the block still deletes the sandbox", async () => {
    server.next(ok(SANDBOX, 201), { kind: "json", status: 204, body: "" } as never);
    const c = client();
    await expect(
      (async () => {
        await using sandbox = await c.sandboxes.create();
        expect(sandbox.id).toBe("sbx-fault0001");
        throw new Error("the agent failed");
      })(),
    ).rejects.toThrow("the agent failed");
    expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1/sandbox/",
      "DELETE /v1/sandbox/sbx-fault0001/",
    ]);
  });

  test("when the delete itself fails, both errors reach the caller", async () => {
    server.next(ok(SANDBOX, 201), fail(409, "sandbox is snapshotting"));
    const c = client();
    const e = await (async () => {
      await using _sandbox = await c.sandboxes.create();
      throw new Error("the agent failed");
    })().catch((x: unknown) => x);
    // A SuppressedError (Node 20 has no global one; the `await using` lowering makes it): the
    // failed delete is `error`, what the block threw is `suppressed`. Nothing is lost.
    const both = e as { name: string; error: unknown; suppressed: unknown };
    expect(both.name).toBe("SuppressedError");
    expect(both.error).toBeInstanceOf(Leap0ConflictError);
    expect(both.suppressed).toMatchObject({ message: "the agent failed" });
  });

  test("a sandbox already gone (404) is fine", async () => {
    server.next(ok(SANDBOX, 201), fail(404, "not found"));
    const c = client();
    await (async () => {
      await using _sandbox = await c.sandboxes.create();
    })();
    expect(server.received).toHaveLength(2);
  });

  test("the client closes at the end of its block", async () => {
    let outer: Leap0Client | undefined;
    {
      await using c = client();
      outer = c;
    }
    expect(outer?.closed).toBe(true);
  });
});
