/**
 * leap0/testing's in-sandbox tools other than files, commands and git: the code interpreter
 * (contexts are state, runs answer through a handler, the event stream is framed as the contract
 * says), language servers (started per language and project, answers in JSON-RPC envelopes with
 * the server's request ids) and a sandbox's ports (`mock.serve`).
 */
import { Leap0BadRequestError, Leap0NotFoundError } from "leap0";
import { beforeEach, describe, expect, test } from "vitest";
import { codeInterpreter, createMockLeap0, lsp, lspError } from "../src/testing";

const mock = createMockLeap0();
beforeEach(() => mock.reset());
// With no start delay, the mock's sandbox is running at the next look: no need to wait.
const running = () => mock.client.sandboxes.create();

describe("code interpreter", () => {
  test("contexts are state: created, listed, fetched, deleted (then 404)", async () => {
    const sandbox = await running();
    const ci = sandbox.codeInterpreter;
    const py = await ci.createContext("python", "/home/user/work");
    const ts = await ci.createContext({ language: "typescript" });
    // The contract numbers the runtimes: 1 python, 2 typescript.
    expect(py).toMatchObject({ language: 1, cwd: "/home/user/work" });
    expect(ts).toMatchObject({ language: 2, cwd: "/home/user" });
    expect((await ci.listContexts()).map((c) => c.id).sort()).toEqual([py.id, ts.id].sort());
    expect(await ci.getContext(py.id)).toEqual(py);
    await ci.deleteContext(py.id);
    await expect(ci.getContext(py.id)).rejects.toBeInstanceOf(Leap0NotFoundError);
    await expect(ci.execute({ code: "1", contextId: py.id })).rejects.toBeInstanceOf(Leap0BadRequestError);
  });

  test("without a handler, a run answers contract-valid and says no interpreter ran", async () => {
    const sandbox = await running();
    const result = await sandbox.codeInterpreter.execute({ code: "print(1)", language: "python" });
    expect(result.items).toEqual([]);
    expect(result.logs.stdout).toEqual([]);
    expect(result.logs.stderr?.join("\n")).toContain("no python interpreter ran this code");
    expect(result.contextId).toMatch(/^ctx-/);
  });

  test("a handler answers runs; the context carries over with its count", async () => {
    const seen: [string, string, number][] = [];
    mock.use(
      codeInterpreter((code, language, context) => {
        seen.push([code, language, context.executionCount]);
        if (code === "boom") return [{ type: "error", name: "ZeroDivisionError", value: "division by zero" }];
        return [
          { type: "stdout", data: "line 1\nline 2\n" },
          { type: "result", isPrimary: true, text: "30.0" },
        ];
      }),
    );
    const ci = (await running()).codeInterpreter;
    const first = await ci.execute({ code: "prices = [10, 20]", language: "python" });
    const second = await ci.execute({ code: "sum(prices)", language: "python", contextId: first.contextId });
    expect(second.contextId).toBe(first.contextId);
    expect(second.executionCount).toBe(2);
    expect(second.logs.stdout).toEqual(["line 1", "line 2"]);
    expect(second.items).toEqual([{ isPrimary: true, text: "30.0" }]);
    const failed = await ci.execute({ code: "boom", contextId: first.contextId });
    expect(failed.error).toEqual({ name: "ZeroDivisionError", value: "division by zero" });
    expect(seen).toEqual([
      ["prices = [10, 20]", "python", 1],
      ["sum(prices)", "python", 2],
      ["boom", "python", 3],
    ]);
  });

  test("executeStream: one event per line, framed as the contract documents, ending with exit", async () => {
    mock.use(
      codeInterpreter(() => [
        { type: "stdout", data: "Step 0\nStep 1\n" },
        { type: "stderr", data: "warn\n" },
        { type: "exit", code: 3 },
      ]),
    );
    const sandbox = await running();
    const events = [];
    for await (const e of sandbox.codeInterpreter.executeStream({ code: "x", language: "python" })) events.push(e);
    expect(events).toEqual([
      { type: "stdout", data: "Step 0" },
      { type: "stdout", data: "Step 1" },
      { type: "stderr", data: "warn" },
      { type: "exit", code: 3 },
    ]);
    // The wire itself: `data:` lines of JSON with the contract's integer types.
    const raw = await mock.fetch(sandbox.invokeUrl("/execute/async"), {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ code: "x" }),
    });
    expect(raw.headers.get("content-type")).toBe("text/event-stream");
    expect(await raw.text()).toBe(
      'data: {"type":0,"data":"Step 0"}\n\ndata: {"type":0,"data":"Step 1"}\n\ndata: {"type":1,"data":"warn"}\n\ndata: {"type":2,"code":3}\n\n',
    );
  });
});

describe("language servers", () => {
  const server = { languageId: "python", pathToProject: "/home/user/proj" };

  test("requests need a started server; answers are envelopes with the server's ids; stop ends it", async () => {
    const sandbox = await running();
    await sandbox.filesystem.writeFile("/home/user/proj/a.py", "import os\nos.\n");
    const uri = "file:///home/user/proj/a.py";
    await expect(sandbox.lsp.documentSymbols({ ...server, uri })).rejects.toBeInstanceOf(Leap0BadRequestError);
    await sandbox.lsp.start(server);
    const seen: string[] = [];
    mock.use(
      lsp((req) => {
        seen.push(`${req.method} ${req.text?.split("\n")[1]}`);
        if (req.method === "textDocument/completion") return [{ label: "path" }, { label: "environ" }];
        return lspError(-32601, "method not supported");
      }),
    );
    const completions = await sandbox.lsp.completions({ ...server, uri, position: { line: 1, character: 3 } });
    expect(completions).toMatchObject({ jsonrpc: "2.0", id: 2, result: [{ label: "path" }, { label: "environ" }] });
    await sandbox.lsp.didOpen({ ...server, uri, text: "import sys\nsys.\n", version: 1 });
    const again = await sandbox.lsp.completions({ ...server, uri, position: { line: 1, character: 4 } });
    expect(again.id).toBe(3);
    expect(seen).toEqual(["textDocument/completion os.", "textDocument/completion sys."]);
    expect(await sandbox.lsp.documentSymbols({ ...server, uri })).toEqual({
      jsonrpc: "2.0",
      id: 4,
      error: { code: -32601, message: "method not supported" },
    });
    await sandbox.lsp.stop(server);
    await expect(
      sandbox.lsp.completions({ ...server, uri, position: { line: 0, character: 0 } }),
    ).rejects.toBeInstanceOf(Leap0BadRequestError);
  });

  test("by default results are empty", async () => {
    const sandbox = await running();
    await sandbox.lsp.start(server);
    const uri = "file:///home/user/proj/none.py";
    expect((await sandbox.lsp.completions({ ...server, uri, position: { line: 0, character: 0 } })).result).toEqual([]);
    expect((await sandbox.lsp.documentSymbols({ ...server, uri })).result).toEqual([]);
  });
});

describe("a sandbox's ports (mock.serve)", () => {
  test("invokeUrl reaches the test's server for that port; others answer 502; a stopped sandbox too", async () => {
    const sandbox = await running();
    mock.serve(3000, async (request, target) =>
      Response.json({ path: new URL(request.url).pathname, body: await request.text(), ...target }),
    );
    const res = await mock.fetch(sandbox.invokeUrl("/api/echo", 3000), { method: "POST", body: "hi" });
    expect(await res.json()).toEqual({ path: "/api/echo", body: "hi", sandboxId: sandbox.id, port: 3000 });
    expect((await mock.fetch(sandbox.invokeUrl("/", 8080))).status).toBe(502);
    await sandbox.stop();
    expect((await mock.fetch(sandbox.invokeUrl("/", 3000))).status).toBe(502);
    expect(() => mock.serve(70000, () => new Response())).toThrow(TypeError);
  });

  test("install() serves the port to the global fetch too", async () => {
    const sandbox = await running();
    mock.serve(8080, () => new Response("from the sandbox"));
    mock.install();
    try {
      expect(await (await fetch(sandbox.invokeUrl("/", 8080))).text()).toBe("from the sandbox");
    } finally {
      mock.uninstall();
    }
  });
});
