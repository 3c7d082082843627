/**
 * LSP: the raw calls against the Prism contract (exact wire bodies), percent-encoded file URIs,
 * and the `server()` helper: versions, lists, JSON-RPC errors inside an HTTP 200 (a local
 * server: Prism cannot answer with one), the long start timeout, stop on dispose.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  Leap0Client,
  Leap0LspError,
  Leap0MalformedResponseError,
  Leap0TimeoutError,
  Leap0ValidationError,
  toFileUri,
} from "../src";
import { API_KEY, mockClient } from "./support/helpers";

const P = { languageId: "python", pathToProject: "/home/user/project" };
const W = { language_id: "python", path_to_project: "/home/user/project" };

describe("LSP raw calls (Prism contract)", () => {
  it("send the documented bodies and return the JSON-RPC envelope; completions' result is a list", async () => {
    const { client, rec } = mockClient();
    const lsp = client.sandboxes.connect("sb-a1").lsp;
    expect(await lsp.start(P)).toEqual({ success: true });
    await lsp.start("python", "/home/user/project");
    await lsp.didOpen({ ...P, uri: "file:///home/user/project/a.py", text: "x = 1", version: 3 });
    await lsp.didOpenPath({ ...P, path: "/home/user/project/main.py", text: "import os\nos.path.", version: 1 });
    const c1 = await lsp.completions({ ...P, uri: "file:///home/user/project/main.py", line: 1, character: 8 });
    const c2 = await lsp.completionsPath({
      ...P,
      path: "/home/user/project/main.py",
      position: { line: 2, character: 0 },
      context: { triggerKind: 2, triggerCharacter: "." },
    });
    const s1 = await lsp.documentSymbols({ ...P, uri: "file:///home/user/project/main.py" });
    await lsp.documentSymbolsPath({ ...P, path: "/home/user/project/main.py" });
    await lsp.didClose({ ...P, uri: "file:///home/user/project/a.py" });
    await lsp.didClosePath({ ...P, path: "/home/user/project/main.py" });
    expect(await lsp.stop(P)).toEqual({ success: true });

    const main = "file:///home/user/project/main.py";
    expect(rec.sent.map((s) => [s.path.replace("/v1/sandbox/sb-a1/lsp/", ""), s.body])).toEqual([
      ["start", W],
      ["start", W],
      ["did-open", { ...W, uri: "file:///home/user/project/a.py", text: "x = 1", version: 3 }],
      ["did-open", { ...W, uri: main, text: "import os\nos.path.", version: 1 }],
      ["completions", { ...W, uri: main, position: { line: 1, character: 8 } }],
      [
        "completions",
        { ...W, uri: main, position: { line: 2, character: 0 }, context: { trigger_kind: 2, trigger_character: "." } },
      ],
      ["document-symbols", { ...W, uri: main }],
      ["document-symbols", { ...W, uri: main }],
      ["did-close", { ...W, uri: "file:///home/user/project/a.py" }],
      ["did-close", { ...W, uri: main }],
      ["stop", W],
    ]);
    expect(rec.violations()).toEqual([]);
    // The spec's example answer is a CompletionList: its items become the list.
    expect(c1).toMatchObject({ jsonrpc: "2.0", id: 7, isIncomplete: false });
    expect(c1.result?.map((i) => i.label)).toEqual(["toFixed", "toString"]);
    expect(c2.result).toEqual(c1.result);
    expect(s1.result?.[0]).toMatchObject({ name: "load_data", kind: 12, selectionRange: { start: { line: 3 } } });
  });

  it("file URIs are percent-encoded (spaces, #, non-ASCII); a relative path is refused before sending", async () => {
    expect(toFileUri("/home/user/my project/#1/é.py")).toBe("file:///home/user/my%20project/%231/%C3%A9.py");
    expect(toFileUri("/a/100%/b?c(1).ts")).toBe("file:///a/100%25/b%3Fc%281%29.ts");
    const { client, rec } = mockClient();
    const lsp = client.sandboxes.connect("sb-a1").lsp;
    await lsp.didOpenPath({ ...P, path: "/home/user/project/my file #2 ü.py", text: "" });
    expect(rec.sent[0]?.body).toMatchObject({ uri: "file:///home/user/project/my%20file%20%232%20%C3%BC.py" });
    await expect(lsp.documentSymbolsPath({ ...P, path: "main.py" })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(
      lsp.completions({ ...P, uri: "file:///x", line: 1, character: 1, position: { line: 1, character: 1 } } as never),
    ).rejects.toMatchObject({ fieldErrors: [{ field: "position" }] });
    await expect(lsp.completions({ ...P, uri: "file:///x", line: 1.5, character: 0 })).rejects.toBeInstanceOf(
      Leap0ValidationError,
    );
    expect(rec.sent).toHaveLength(1);
    expect(rec.violations()).toEqual([]);
  });

  it("server(): starts, tracks document versions, returns lists, stops once on dispose", async () => {
    const { client, rec } = mockClient();
    const lsp = client.sandboxes.connect("sb-a1").lsp;
    const server = await lsp.server("python", "/home/user/project");
    const path = "/home/user/project/a b.py";
    expect(await server.open(path, "x = 1")).toBe(1);
    expect(await server.open(path, "x = 2")).toBe(2);
    expect(server.version(path)).toBe(2);
    const items = await server.completions(path, { line: 0, character: 4 });
    expect(items.map((i) => i.label)).toEqual(["toFixed", "toString"]);
    const symbols = await server.documentSymbols(path);
    expect(symbols[0]?.name).toBe("load_data");
    await server.close(path);
    await server[Symbol.asyncDispose]();
    await server[Symbol.asyncDispose]();
    const uri = "file:///home/user/project/a%20b.py";
    expect(rec.sent.map((s) => [s.path.replace("/v1/sandbox/sb-a1/lsp/", ""), s.body])).toEqual([
      ["start", W],
      ["did-open", { ...W, uri, text: "x = 1", version: 1 }],
      ["did-close", { ...W, uri }],
      ["did-open", { ...W, uri, text: "x = 2", version: 2 }],
      ["completions", { ...W, uri, position: { line: 0, character: 4 } }],
      ["document-symbols", { ...W, uri }],
      ["did-close", { ...W, uri }],
      ["stop", W],
    ]);
    expect(rec.violations()).toEqual([]);
  });
});

describe("LSP against a local server", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  async function serve(
    answer: (path: string) => { delayMs?: number; status?: number; body?: unknown },
  ): Promise<string> {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const a = answer(req.url ?? "");
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(a.status ?? 200, { "content-type": "application/json" });
          res.end(a.body === undefined ? "" : JSON.stringify(a.body));
        }, a.delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("document symbols that are not a list (nor null) are a malformed answer, never handed on", async () => {
    let result: unknown = { name: "not a list" };
    const base = await serve((path) =>
      path.endsWith("/start") || path.endsWith("/stop")
        ? { body: { success: true } }
        : { body: { jsonrpc: "2.0", id: 2, result } },
    );
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: base });
    const lsp = client.sandboxes.connect("sb-a1").lsp;
    for (const bad of [{ name: "not a list" }, "main.py", 42]) {
      result = bad;
      await expect(lsp.documentSymbols({ ...P, uri: "file:///x.py" })).rejects.toBeInstanceOf(
        Leap0MalformedResponseError,
      );
      await using s = await lsp.server("python", "/home/user/project");
      await expect(s.documentSymbols("/x.py")).rejects.toBeInstanceOf(Leap0MalformedResponseError);
    }
    result = null;
    expect((await lsp.documentSymbols({ ...P, uri: "file:///x.py" })).result).toBe(null);
    result = [{ name: "main", kind: 12 }];
    expect((await lsp.documentSymbols({ ...P, uri: "file:///x.py" })).result).toEqual([{ name: "main", kind: 12 }]);
  });

  it("a JSON-RPC error inside an HTTP 200: the raw call returns it, the helper throws Leap0LspError", async () => {
    const rpcError = { code: -32602, message: "Invalid position", data: { line: 99 } };
    const base = await serve((path) =>
      path.endsWith("/start") || path.endsWith("/stop")
        ? { body: { success: true } }
        : { body: { jsonrpc: "2.0", id: 4, error: rpcError } },
    );
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: base });
    const lsp = client.sandboxes.connect("sb-a1").lsp;
    const raw = await lsp.completions({ ...P, uri: "file:///x.py", line: 99, character: 0 });
    expect(raw).toEqual({ jsonrpc: "2.0", id: 4, error: rpcError });
    await using s = await lsp.server("python", "/home/user/project");
    const error = await s.completions("/x.py", { line: 99, character: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Leap0LspError);
    expect(error).toMatchObject({ code: -32602, data: { line: 99 }, status: 200, operation: "lspCompletions" });
    await expect(s.documentSymbols("/x.py")).rejects.toThrow(/error -32602: Invalid position/);
  });

  it("a JSON-RPC error that echoes the API key: scrubbed from the message and the error's data", async () => {
    const rpcError = { code: -32000, message: `denied for Bearer ${API_KEY}`, data: { auth: `Bearer ${API_KEY}` } };
    const base = await serve((path) =>
      path.endsWith("/start") || path.endsWith("/stop")
        ? { body: { success: true } }
        : { body: { jsonrpc: "2.0", id: 5, error: rpcError } },
    );
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: base });
    await using s = await client.sandboxes.connect("sb-a1").lsp.server("python", "/home/user/project");
    const error = (await s.completions("/x.py", { line: 0, character: 0 }).catch((e: unknown) => e)) as Leap0LspError;
    expect(error).toBeInstanceOf(Leap0LspError);
    expect(error.message).toContain("denied for Bearer [redacted]");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(API_KEY);
    expect(error.data).toEqual({ auth: "Bearer [redacted]" });
  });

  it("start has a long default timeout: a slow start succeeds where other calls would time out", async () => {
    const base = await serve((path) => ({
      delayMs: 1500,
      body: path.endsWith("/start") ? { success: true } : { success: true },
    }));
    const client = new Leap0Client({ apiKey: API_KEY, baseUrl: base, timeout: 1, maxRetries: 0 });
    const lsp = client.sandboxes.connect("sb-a1").lsp;
    await expect(lsp.stop(P)).rejects.toBeInstanceOf(Leap0TimeoutError);
    expect(await lsp.start(P)).toEqual({ success: true });
    await expect(lsp.start(P, { timeout: 0.5 })).rejects.toBeInstanceOf(Leap0TimeoutError);
  });

  it("a completion answer that is neither a list nor a CompletionList is a malformed response; null is an empty list", async () => {
    let result: unknown = null;
    const base = await serve(() => ({ body: { jsonrpc: "2.0", id: 1, result } }));
    const lsp = new Leap0Client({ apiKey: API_KEY, baseUrl: base }).sandboxes.connect("sb-a1").lsp;
    expect((await lsp.completions({ ...P, uri: "file:///x.py", line: 0, character: 0 })).result).toEqual([]);
    result = [{ label: "a" }];
    expect((await lsp.completions({ ...P, uri: "file:///x.py", line: 0, character: 0 })).result).toEqual([
      { label: "a" },
    ]);
    result = 42;
    await expect(lsp.completions({ ...P, uri: "file:///x.py", line: 0, character: 0 })).rejects.toThrow(
      /neither a list/,
    );
  });
});
