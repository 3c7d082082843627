import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  CodeLanguage,
  type CodeStreamEvent,
  DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
  Leap0AbortError,
  Leap0BadRequestError,
  Leap0Client,
  Leap0ClientClosedError,
  Leap0ConnectionError,
  Leap0MalformedResponseError,
  Leap0NotFoundError,
  Leap0ResponseTooLargeError,
  Leap0ServerError,
  Leap0TimeoutError,
  Leap0ValidationError,
} from "../src";
import { API_KEY, sandboxOnPrism, transportFetch } from "./support/helpers";
import { type ScriptServer, sseHead, startScriptServer, tick } from "./support/script-server";

const onPrism = sandboxOnPrism();

describe("sandbox.codeInterpreter against the Prism mock", () => {
  test("exports the documented template name and language constants", () => {
    expect(DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME).toBe("system/code-interpreter:v0.1.0");
    expect(CodeLanguage).toEqual({ PYTHON: "python", TYPESCRIPT: "typescript" });
  });

  test("health() is true when the interpreter answers ok, with the client's Bearer key", async () => {
    const { sandbox, rec } = onPrism();
    expect(await sandbox.codeInterpreter.health()).toBe(true);
    expect(rec.sent[0]).toMatchObject({ method: "GET", path: "/healthz", status: 200 });
    expect(rec.sent[0]?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
  });

  test("createContext(language, cwd) and ({ language, cwd }) send the same wire body", async () => {
    const { sandbox, rec } = onPrism();
    const a = await sandbox.codeInterpreter.createContext("python", "/home/user");
    const b = await sandbox.codeInterpreter.createContext({ language: "ts", cwd: "/work" });
    await sandbox.codeInterpreter.createContext();
    expect(rec.sent.map((s) => [s.method, s.path, s.status, s.body])).toEqual([
      ["POST", "/contexts", 201, { language: "python", cwd: "/home/user" }],
      ["POST", "/contexts", 201, { language: "ts", cwd: "/work" }],
      ["POST", "/contexts", 201, { language: "python" }],
    ]);
    expect(typeof a.id).toBe("string");
    expect(b).toHaveProperty("cwd");
  });

  test("an unknown language is refused before sending, naming the field", async () => {
    const { sandbox, rec } = onPrism();
    // @ts-expect-error not a CodeLanguage
    const err = await sandbox.codeInterpreter.createContext("cobol").catch((e) => e);
    expect(err).toBeInstanceOf(Leap0ValidationError);
    expect(err.fieldErrors[0].field).toBe("language");
    expect(rec.sent).toHaveLength(0);
  });

  test("listContexts() returns the items; getContext/deleteContext take an id or the context", async () => {
    const { sandbox, rec } = onPrism();
    const list = await sandbox.codeInterpreter.listContexts();
    expect(Array.isArray(list)).toBe(true);
    await sandbox.codeInterpreter.getContext("ctx-1");
    await sandbox.codeInterpreter.deleteContext({ id: "ctx-2" });
    expect(rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      "GET /contexts 200",
      "GET /contexts/ctx-1 200",
      "DELETE /contexts/ctx-2 204",
    ]);
  });

  test("getContext() of an unknown context is a Leap0NotFoundError naming it and the sandbox", async () => {
    const { sandbox } = onPrism({ Prefer: "code=404" });
    const err = await sandbox.codeInterpreter.getContext("ctx-gone").catch((e) => e);
    expect(err).toBeInstanceOf(Leap0NotFoundError);
    expect(err.status).toBe(404);
    expect(err.message).toContain("ctx-gone");
  });

  test("execute() maps params to snake_case and keeps env var names as given", async () => {
    const { sandbox, rec } = onPrism();
    const result = await sandbox.codeInterpreter.execute({
      code: "import os; os.environ['my_Var']",
      language: "python",
      contextId: "ctx-1",
      envVars: { my_Var: "1", HTTP_PROXY: "x" },
      timeoutMs: 5000,
    });
    expect(rec.sent[0]).toMatchObject({ method: "POST", path: "/execute", status: 200 });
    expect(rec.sent[0]?.body).toEqual({
      code: "import os; os.environ['my_Var']",
      language: "python",
      context_id: "ctx-1",
      env_vars: { my_Var: "1", HTTP_PROXY: "x" },
      timeout_ms: 5000,
    });
    expect(typeof result.contextId).toBe("string");
    expect(Array.isArray(result.items)).toBe(true);
  });

  test("execute() with only code sends only code; a 400 is a Leap0BadRequestError", async () => {
    const { sandbox, rec } = onPrism();
    await sandbox.codeInterpreter.execute({ code: "1 + 1" });
    expect(rec.sent[0]?.body).toEqual({ code: "1 + 1" });
    const bad = onPrism({ Prefer: "code=400" });
    const err = await bad.sandbox.codeInterpreter.execute({ code: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(Leap0BadRequestError);
  });

  test("execute() is never repeated after a 500: the code may have run", async () => {
    const { sandbox, rec } = onPrism({ Prefer: "code=500" });
    const err = await sandbox.codeInterpreter.execute({ code: "launch()" }, { maxRetries: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(Leap0ServerError);
    expect(err.mayHaveSucceeded).toBe(true);
    expect(rec.sent).toHaveLength(1);
  });

  test("invalid params are refused before anything is sent", async () => {
    const { sandbox, rec } = onPrism();
    // @ts-expect-error code is required
    await expect(sandbox.codeInterpreter.execute({ language: "python" })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(sandbox.codeInterpreter.execute({ code: "x", timeoutMs: 1.5 })).rejects.toBeInstanceOf(
      Leap0ValidationError,
    );
    expect(rec.sent).toHaveLength(0);
  });
});

describe("executeStream() over a real event stream (local server)", () => {
  let server: ScriptServer;
  let client: Leap0Client;
  beforeAll(async () => {
    server = await startScriptServer();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await client?.close();
  });
  const ci = (opts: { timeout?: number } = {}) => {
    client = new Leap0Client({
      apiKey: API_KEY,
      fetch: transportFetch,
      sandboxUrl: server.url,
      maxRetries: 0,
      ...opts,
    });
    return client.sandboxes.connect("sbx-a1").codeInterpreter;
  };
  const collect = async (it: AsyncIterable<CodeStreamEvent>) => {
    const out: CodeStreamEvent[] = [];
    for await (const e of it) out.push(e);
    return out;
  };

  test("events split across chunks (even inside a UTF-8 character) arrive whole, typed by name", async () => {
    const wire =
      'data: {"type":0,"data":"Step 0"}\n\n' +
      'data: {"type":1,"data":"warn: é✓"}\r\n\r\n' +
      ": heartbeat comment\n\n" +
      'data: {"type":0,"data":"multi"}\n\n' +
      'data: {"type":2,"code":0}\n\n';
    server.handle(async (_req, res) => {
      sseHead(res);
      const bytes = Buffer.from(wire, "utf8");
      // One byte at a time: every possible split point, UTF-8 sequences included.
      for (let i = 0; i < bytes.length; i += 3) {
        res.write(bytes.subarray(i, i + 3));
        if (i % 30 === 0) await tick(1);
      }
      res.end();
    });
    const events = await collect(
      ci().executeStream({ code: "print(1)", language: "python", timeoutMs: 60000, contextId: "c-1" }),
    );
    expect(events).toEqual([
      { type: "stdout", data: "Step 0" },
      { type: "stderr", data: "warn: é✓" },
      { type: "stdout", data: "multi" },
      { type: "exit", code: 0 },
    ]);
    const req = server.requests.at(-1);
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/execute/async");
    expect(req?.headers.accept).toContain("text/event-stream");
    expect(req?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(req?.body ?? "")).toEqual({
      code: "print(1)",
      language: "python",
      timeout_ms: 60000,
      context_id: "c-1",
    });
  });

  test("the documented wire form (type names) is accepted too, and error events are yielded", async () => {
    server.handle((_req, res) => {
      sseHead(res);
      res.end(
        'data: {"type":"stdout","data":"hello"}\n\ndata: {"type":"error","data":"timeout"}\n\ndata: {"type":"exit","code":1}\n\n',
      );
    });
    expect(await collect(ci().executeStream({ code: "x" }))).toEqual([
      { type: "stdout", data: "hello" },
      { type: "error", data: "timeout" },
      { type: "exit", code: 1 },
    ]);
  });

  test("each event is checked against the spec's StreamEvent; an error frame is the server's error", async () => {
    server.handle((_req, res) => {
      sseHead(res);
      res.end('data: {"type":0,"data":"ok"}\n\ndata: {"type":0,"data":{"not":"text"}}\n\n');
    });
    const seen: CodeStreamEvent[] = [];
    const bad = await (async () => {
      for await (const e of ci().executeStream({ code: "x" })) seen.push(e);
    })().catch((e) => e);
    expect(seen).toEqual([{ type: "stdout", data: "ok" }]);
    expect(bad).toBeInstanceOf(Leap0MalformedResponseError);
    expect(bad.message).toContain("data");

    server.handle((_req, res) => {
      sseHead(res);
      res.end(`event: error\ndata: interpreter crashed (key ${API_KEY})\n\n`);
    });
    const crashed = await collect(ci().executeStream({ code: "x" })).catch((e) => e);
    expect(crashed).toBeInstanceOf(Leap0ServerError);
    expect(crashed.message).toContain("interpreter crashed");
    expect(crashed.message).not.toContain(API_KEY);
  });

  test("an event larger than a chunk (1 MiB of output in one line) arrives whole", async () => {
    const big = "x".repeat(1024 * 1024);
    server.handle(async (_req, res) => {
      sseHead(res);
      const body = Buffer.from(`data: {"type":0,"data":"${big}"}\n\ndata: {"type":2,"code":0}\n\n`);
      for (let i = 0; i < body.length; i += 16 * 1024) res.write(body.subarray(i, i + 16 * 1024));
      res.end();
    });
    const events = await collect(ci().executeStream({ code: "print('x' * 2**20)" }));
    expect(events[0]?.data?.length).toBe(big.length);
    expect(events[1]).toEqual({ type: "exit", code: 0 });
  });

  test("the exit event ends iteration and releases the connection, whatever the server does next", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      res.write('data: {"type":0,"data":"a"}\n\ndata: {"type":2,"code":3}\n\n');
      // A server that keeps the stream open after exit must not keep the loop waiting.
      await tick(5000);
      res.end('data: {"type":0,"data":"after exit"}\n\n');
    });
    const started = Date.now();
    const events = await collect(ci().executeStream({ code: "x" }));
    expect(events).toEqual([
      { type: "stdout", data: "a" },
      { type: "exit", code: 3 },
    ]);
    await server.requests.at(-1)?.closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("abort mid-stream ends the loop with Leap0AbortError and closes the connection", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(`data: {"type":0,"data":"line ${i}"}\n\n`);
        await tick(10);
      }
      res.end();
    });
    const ctl = new AbortController();
    const seen: string[] = [];
    const err = await (async () => {
      for await (const e of ci().executeStream({ code: "loop()" }, { signal: ctl.signal })) {
        seen.push(e.data ?? "");
        if (seen.length === 3) ctl.abort();
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Leap0AbortError);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThan(10);
    await server.requests.at(-1)?.closed;
  });

  test("client.close() mid-stream ends the loop with Leap0ClientClosedError", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(`data: {"type":0,"data":"${i}"}\n\n`);
        await tick(10);
      }
      res.end();
    });
    const interpreter = ci();
    const err = await (async () => {
      for await (const _ of interpreter.executeStream({ code: "loop()" })) await client.close();
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Leap0ClientClosedError);
    await server.requests.at(-1)?.closed;
  });

  test("health() is false while the interpreter answers anything but ok", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"starting"}');
    });
    expect(await ci().health()).toBe(false);
  });

  test("breaking out of the loop releases the connection", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(`data: {"type":0,"data":"${i}"}\n\n`);
        await tick(10);
      }
      res.end();
    });
    const started = Date.now();
    for await (const e of ci().executeStream({ code: "loop()" })) {
      expect(e.type).toBe("stdout");
      break;
    }
    await server.requests.at(-1)?.closed;
    // Long before the server would have finished on its own (10 s).
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a stream that stalls fails with Leap0TimeoutError after the idle timeout", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      res.write('data: {"type":0,"data":"working"}\n\n');
      // Then silence, connection held open.
    });
    const seen: CodeStreamEvent[] = [];
    const started = Date.now();
    const err = await (async () => {
      for await (const e of ci({ timeout: 0.5 }).executeStream({ code: "hang()" })) seen.push(e);
    })().catch((e) => e);
    expect(seen).toEqual([{ type: "stdout", data: "working" }]);
    expect(err).toBeInstanceOf(Leap0TimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
    await server.requests.at(-1)?.closed;
  });

  test("a caller who reads slowly is not timed out: the idle clock runs only while waiting on the server", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      res.write('data: {"type":0,"data":"one"}\n\n');
      res.write('data: {"type":0,"data":"two"}\n\n');
      await tick(300);
      res.end('data: {"type":0,"data":"three"}\n\ndata: {"type":2,"code":0}\n\n');
    });
    const seen: string[] = [];
    for await (const e of ci({ timeout: 0.5 }).executeStream({ code: "x" })) {
      seen.push((e as { data?: string }).data ?? e.type);
      await tick(700); // longer than the idle timeout, between reads
    }
    expect(seen).toEqual(["one", "two", "three", "exit"]);
  });

  test("a non-JSON event is a Leap0MalformedResponseError quoting it, the key scrubbed", async () => {
    server.handle((req, res) => {
      sseHead(res);
      res.end(`data: <html>proxy error for ${req.headers.authorization}</html>\n\n`);
    });
    const err = await collect(ci().executeStream({ code: "x" })).catch((e) => e);
    expect(err).toBeInstanceOf(Leap0MalformedResponseError);
    expect(err.message).toContain("proxy error for Bearer [redacted]");
    expect(err.message).not.toContain(API_KEY);
  });

  test("a server that never ends an event cannot make the SDK buffer without bound", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      res.write("data: ");
      const chunk = "y".repeat(64 * 1024);
      // 12 MiB without a line end: more than one event may hold.
      for (let i = 0; i < 192 && !res.destroyed; i++) {
        if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
      }
      res.end();
    });
    const err = await collect(ci().executeStream({ code: "x" })).catch((e) => e);
    expect(err).toBeInstanceOf(Leap0ResponseTooLargeError);
    await server.requests.at(-1)?.closed;
  });

  test("a stream that stops before its exit event is a dropped connection, not a finished run", async () => {
    server.handle((_req, res) => {
      sseHead(res);
      res.end('data: {"type":"stdout","data":"half"}\n\n');
    });
    const seen: CodeStreamEvent[] = [];
    const err = await (async () => {
      for await (const e of ci().executeStream({ code: "x" })) seen.push(e);
    })().catch((e) => e);
    expect(seen).toEqual([{ type: "stdout", data: "half" }]);
    expect(err).toBeInstanceOf(Leap0ConnectionError);
    expect(err.mayHaveSucceeded).toBe(true);
    // An error event is a run's end too: the stream may close after it.
    server.handle((_req, res) => {
      sseHead(res);
      res.end('data: {"type":"error","data":"killed"}\n\n');
    });
    expect(await collect(ci().executeStream({ code: "x" }))).toEqual([{ type: "error", data: "killed" }]);
  });

  test.each([
    ["a JSON error", "application/json", '{"message":"interpreter not ready"}'],
    ["a proxy's HTML page", "text/html; charset=utf-8", "<html><body>502 Bad Gateway</body></html>"],
    ["no content type at all", undefined, 'data: {"type":"exit","code":0}\n\n'],
  ])("%s sent with 200 is a malformed answer, not an empty stream", async (_what, type, body) => {
    server.handle((_req, res) => {
      res.writeHead(200, type ? { "Content-Type": type } : {}).end(body);
    });
    const err = await collect(ci().executeStream({ code: "x" })).catch((e) => e);
    expect(err).toBeInstanceOf(Leap0MalformedResponseError);
    expect(err.message).toContain("text/event-stream");
  });

  test("an error status before the stream is a typed error, and the stream is never retried", async () => {
    server.handle((_req, res) => {
      res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "interpreter down" }));
    });
    const before = server.requests.length;
    client = new Leap0Client({ apiKey: API_KEY, fetch: transportFetch, sandboxUrl: server.url, maxRetries: 3 });
    const err = await collect(client.sandboxes.connect("sbx-a1").codeInterpreter.executeStream({ code: "x" })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(Leap0ServerError);
    expect(err.message).toContain("interpreter down");
    expect(server.requests.length - before).toBe(1);
  });
});
