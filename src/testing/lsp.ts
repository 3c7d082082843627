/**
 * Language servers: started and stopped per language and project, documents opened and closed
 * on them, and their requests (completions, document symbols) answered through a handler
 * ({@link lsp}) inside the JSON-RPC envelope the contract documents, with the id the service's
 * server numbered the request with. No language server runs; by default results are empty.
 */
import type { LspPositionParams } from "../../generated/types";
import { empty, json, refuse } from "./answers";
import { type Handler, runningSandbox } from "./control";
import { type CommandPolicy, handlerOf } from "./process";
import { HOME, perSandbox, type SandboxRecord } from "./world";

/** A request to a language server, as a handler sees it. */
export interface LspRequest {
  /** The LSP method: `textDocument/completion` or `textDocument/documentSymbol`. */
  method: "textDocument/completion" | "textDocument/documentSymbol";
  /** The server's language (`python`, `typescript`, …). */
  languageId: string;
  /** The project the server was started for. */
  project: string;
  /** The document's URI. */
  uri: string;
  /** The document's text: what `didOpen` sent, else the file's contents in the sandbox (if any). */
  text: string | undefined;
  /** Where completion was asked (completions only). */
  position?: LspPositionParams;
  /** Why completion was asked (completions only), as the SDK names it. */
  context?: Record<string, unknown>;
  /** The sandbox. */
  sandboxId: string;
}

const ERROR = Symbol("lspError");

/** A JSON-RPC error for a handler to answer with (see {@link lspError}). */
export interface LspErrorAnswer {
  /** The error, under a key no result can have. */
  readonly [ERROR]: LspErrorBody;
}

/** A JSON-RPC error object. */
export interface LspErrorBody {
  /** The JSON-RPC error code (e.g. -32601, method not found). */
  code: number;
  /** What went wrong. */
  message: string;
  /** Anything more the server says. */
  data?: unknown;
}

/** A JSON-RPC error answer, e.g. `lspError(-32801, "content modified")`: the SDK raises it as `Leap0LspError`. */
export function lspError(code: number, message: string, data?: unknown): LspErrorAnswer {
  return { [ERROR]: { code, message, ...(data !== undefined ? { data } : {}) } };
}

/** A language-server handler: made by {@link lsp}, given to `createMockLeap0({ handlers })` or `mock.use()`. */
export interface LspHandler {
  /** What kind of handler this is. */
  readonly kind: "lsp";
  /** The `result` for a request (completion items, symbols), or an {@link lspError}. */
  readonly answer: (request: LspRequest) => unknown;
}

/**
 * A handler that answers language-server requests: `lsp((req) => req.method === "textDocument/completion" ? [{ label: "print" }] : [])`.
 */
export function lsp(answer: (request: LspRequest) => unknown): LspHandler {
  return { kind: "lsp", answer };
}

interface Server {
  nextId: number;
  documents: Map<string, string | undefined>;
}

const serversOf = perSandbox((): Map<string, Server> => new Map());
const keyOf = (p: Record<string, unknown>) => `${String(p.languageId)}\u0000${String(p.pathToProject)}`;

/** The server a document call names; one that was not started is refused (400, the documented status). */
function serverFor(s: SandboxRecord, p: Record<string, unknown>): Server {
  const server = serversOf(s).get(keyOf(p));
  if (!server) {
    refuse(
      400,
      `no ${String(p.languageId)} language server is running for ${String(p.pathToProject)}; call lsp.start first`,
    );
  }
  return server;
}

/** The language-server operations, by operationId, given the mock's handlers. */
export function lspHandlers(policy: CommandPolicy): Record<string, Handler> {
  const request = (method: LspRequest["method"], fallback: unknown): Handler => {
    return async (call, world) => {
      const s = runningSandbox(call, world);
      const p = call.params;
      const server = serverFor(s, p);
      const uri = String(p.uri);
      let text = server.documents.get(uri);
      if (text === undefined && uri.startsWith("file://")) {
        const path = s.fs.resolvePath(HOME, decodeURIComponent(uri.slice("file://".length)));
        text = await s.fs.readFile(path).catch(() => undefined);
      }
      const req: LspRequest = {
        method,
        languageId: String(p.languageId),
        project: String(p.pathToProject),
        uri,
        text,
        sandboxId: s.id,
        ...(p.position ? { position: p.position as LspRequest["position"] } : {}),
        ...(p.context ? { context: p.context as Record<string, unknown> } : {}),
      };
      const handler = handlerOf<LspHandler>(policy, "lsp");
      const answer = handler ? await handler.answer(req) : fallback;
      const id = server.nextId++;
      if (answer && typeof answer === "object" && ERROR in answer) {
        return json(200, { jsonrpc: "2.0", id, error: (answer as LspErrorAnswer)[ERROR] });
      }
      return json(200, { jsonrpc: "2.0", id, result: answer ?? null });
    };
  };
  return {
    lspStart(call, world) {
      const s = runningSandbox(call, world);
      const map = serversOf(s);
      // The service's server answers `initialize` first: document requests start after id 1.
      if (!map.has(keyOf(call.params))) map.set(keyOf(call.params), { nextId: 2, documents: new Map() });
      return json(200, { success: true });
    },

    lspStop(call, world) {
      const s = runningSandbox(call, world);
      return json(200, { success: serversOf(s).delete(keyOf(call.params)) });
    },

    lspDidOpen(call, world) {
      const s = runningSandbox(call, world);
      const p = call.params;
      serverFor(s, p).documents.set(String(p.uri), typeof p.text === "string" ? p.text : undefined);
      return empty();
    },

    lspDidClose(call, world) {
      const s = runningSandbox(call, world);
      serverFor(s, call.params).documents.delete(String(call.params.uri));
      return empty();
    },

    lspCompletions: request("textDocument/completion", []),
    lspDocumentSymbols: request("textDocument/documentSymbol", []),
  };
}
