import {
  lspCompletions,
  lspDidClose,
  lspDidOpen,
  lspDocumentSymbols,
  lspStart,
  lspStop,
} from "../../../generated/operations";
import type {
  LspCompletionContextParams,
  LspDidOpenRequestParams,
  LspDocumentRequestParams,
  LspJsonRpcError,
  LspJsonRpcResponse,
  LspPositionParams,
  LspServerRequestParams,
  LspSuccessResponse,
} from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import {
  Leap0Error,
  Leap0LspError,
  Leap0MalformedResponseError,
  Leap0ValidationError,
  refuseField,
} from "../../core/errors";
import { invoke } from "../../core/invoke";
import type { Pipeline } from "../../core/pipeline";
import { LSP_START_TIMEOUT_SECONDS, toFileUri } from "./defaults";

/** A completion item as LSP shapes it; the server's other fields are kept. */
export interface LspCompletionItem {
  /** What to show, and by default what to insert. */
  label: string;
  /** LSP's CompletionItemKind (2 method, 3 function, 6 variable, ...). */
  kind?: number;
  /** Extra detail, such as a type signature. */
  detail?: string;
  /** Text to insert instead of the label. */
  insertText?: string;
  /** Any other field the server sent. */
  [key: string]: unknown;
}

/** A document symbol (LSP's DocumentSymbol or SymbolInformation); the server's other fields are kept. */
export interface LspSymbol {
  /** The symbol's name. */
  name: string;
  /** LSP's SymbolKind (5 class, 6 method, 12 function, 13 variable, ...). */
  kind: number;
  /** Nested symbols (DocumentSymbol). */
  children?: LspSymbol[];
  /** Any other field the server sent. */
  [key: string]: unknown;
}

/** The language server's JSON-RPC answer: `result` on success, `error` when it refused. */
export interface LspEnvelope<T> {
  /** Always `2.0`. */
  jsonrpc: LspJsonRpcResponse["jsonrpc"];
  /** The id of the request this answers. */
  id?: LspJsonRpcResponse["id"];
  /** The method's answer. */
  result?: T;
  /** The server's JSON-RPC error; the HTTP status is still 200. */
  error?: LspJsonRpcError;
}

/**
 * The answer to a completions request. `result` is always a list: LSP lets the server answer
 * with a list, a `CompletionList` (whose `items` are taken, `isIncomplete` kept beside them) or null.
 */
export interface LspCompletionsResponse extends LspEnvelope<LspCompletionItem[]> {
  /** True when the server says typing more may bring other items (a `CompletionList`'s flag). */
  isIncomplete?: boolean;
}

/** The answer to a document-symbols request, as the server gave it. */
export type LspDocumentSymbolsResponse = LspEnvelope<LspSymbol[] | null>;

/** A position as the reference writes it (`line`, `character`, counting from 0) or LSP's `position`. */
export type LspPositionInput =
  | LspPositionParams
  | {
      /** The position, as LSP writes it. */
      position: LspPositionParams;
    };

/** Params of `completions`: a document by URI and a position. */
export type LspCompletionsInput = LspDocumentRequestParams &
  LspPositionInput & {
    /** How the completion was triggered. */
    context?: LspCompletionContextParams;
  };

/** Params of `completionsPath`: a document by path and a position. */
export type LspCompletionsPathInput = Omit<LspDocumentRequestParams, "uri"> &
  LspPositionInput & {
    /** The document's absolute path in the sandbox. */
    path: string;
    /** How the completion was triggered. */
    context?: LspCompletionContextParams;
  };

/** Params of the `…Path` calls: the document by absolute path instead of URI. */
export type LspDocumentPathParams = Omit<LspDocumentRequestParams, "uri"> & {
  /** The document's absolute path in the sandbox. */
  path: string;
};

/** Params of `didOpenPath`. */
export type LspDidOpenPathParams = Omit<LspDidOpenRequestParams, "uri"> & {
  /** The document's absolute path in the sandbox. */
  path: string;
};

function asObject<T extends object>(value: T, what: string): T {
  if (typeof value !== "object" || value === null) refuseField(what, "must be an object");
  return value;
}

/** `{ line, character }` or `{ position }` → LSP's position; the rest of the params as given. */
function withPosition<T extends object>(params: T): Omit<T, "line" | "character"> & { position: unknown } {
  const { line, character, position, ...rest } = params as T & {
    line?: unknown;
    character?: unknown;
    position?: unknown;
  };
  if (position !== undefined && (line !== undefined || character !== undefined)) {
    refuseField("position", "pass either position or line and character, not both");
  }
  return { ...(rest as Omit<T, "line" | "character">), position: position ?? { line, character } };
}

function withUri<T extends { path: string }>(params: T): Omit<T, "path"> & { uri: string } {
  const { path, ...rest } = asObject(params, "params");
  return { ...rest, uri: toFileUri(path) };
}

/** A completion answer's result as a list (see {@link LspCompletionsResponse}). */
function normaliseCompletions(envelope: LspEnvelope<unknown>): LspCompletionsResponse {
  const { result, ...rest } = envelope;
  if (rest.error !== undefined) return rest;
  if (result === null || result === undefined) return { ...rest, result: [] };
  if (Array.isArray(result)) return { ...rest, result: result as LspCompletionItem[] };
  if (typeof result === "object" && Array.isArray((result as { items?: unknown }).items)) {
    const list = result as { items: LspCompletionItem[]; isIncomplete?: boolean };
    return { ...rest, result: list.items, isIncomplete: list.isIncomplete === true };
  }
  throw new Leap0MalformedResponseError(
    "lspCompletions: the result is neither a list of completion items nor a CompletionList.",
    { operation: "lspCompletions" },
  );
}

/** The result of an envelope, or a {@link Leap0LspError} for its JSON-RPC error. */
function unwrap<T>(envelope: LspEnvelope<T>, operation: string, lsp: LspClient): T | undefined {
  if (envelope.error !== undefined && envelope.error !== null) {
    // Server text, like any error body: the API key is scrubbed from it.
    const error = lsp.redactDeep(envelope.error);
    throw new Leap0LspError(
      `${operation}: the language server answered with error ${error.code}: ${String(error.message).slice(0, 500)}`,
      error,
      { operation, status: 200 },
    );
  }
  return envelope.result;
}

/** Language servers in the sandbox: completions and document symbols. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class LspClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;

  /** @internal Scrubs the API key from a payload the service sent (a JSON-RPC error). */
  redactDeep<T>(value: T): T {
    return this.#pipeline.redactDeep(value);
  }

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
  }

  /**
   * Starts the language server for a project (pyright for `python`, typescript-language-server
   * for `typescript` and `javascript`). Waits up to {@link LSP_START_TIMEOUT_SECONDS} unless
   * the client's or the call's timeout says more.
   *
   * @param params - `languageId` (`python`, `typescript` or `javascript`) and `pathToProject`
   * @returns The server's `{ success }` answer.
   */
  start(params: LspServerRequestParams, options?: RequestOptions): Promise<LspSuccessResponse>;
  /**
   * Starts the language server: `start("python", "/home/user/project")`. Waits up to
   * {@link LSP_START_TIMEOUT_SECONDS} unless the client's or the call's timeout says more.
   */
  start(languageId: string, pathToProject: string, options?: RequestOptions): Promise<LspSuccessResponse>;
  start(
    first: LspServerRequestParams | string,
    second?: string | RequestOptions,
    third?: RequestOptions,
  ): Promise<LspSuccessResponse> {
    const [params, options] = serverArgs(first, second, third);
    const timeout = Math.max(this.#pipeline.webSocketInit().timeoutMs / 1000, LSP_START_TIMEOUT_SECONDS);
    return invoke(this.#pipeline, lspStart, { ids: this.#path(), params }, { timeout, ...options });
  }

  /**
   * Shuts the project's language server down.
   *
   * @param params - `languageId` and `pathToProject`, as given to `start`
   * @returns The server's `{ success }` answer.
   */
  stop(params: LspServerRequestParams, options?: RequestOptions): Promise<LspSuccessResponse>;
  /**
   * Shuts the project's language server down: `stop("python", "/home/user/project")`.
   */
  stop(languageId: string, pathToProject: string, options?: RequestOptions): Promise<LspSuccessResponse>;
  stop(
    first: LspServerRequestParams | string,
    second?: string | RequestOptions,
    third?: RequestOptions,
  ): Promise<LspSuccessResponse> {
    const [params, options] = serverArgs(first, second, third);
    return invoke(this.#pipeline, lspStop, { ids: this.#path(), params }, options);
  }

  /**
   * Tells the server a document is open, with its text; do this before completions or symbols.
   *
   * @param params - the server (`languageId`, `pathToProject`), the document's `uri`, its `text` and `version`
   * @returns Resolves once the server has been told.
   */
  async didOpen(params: LspDidOpenRequestParams, options?: RequestOptions): Promise<void> {
    await invoke(this.#pipeline, lspDidOpen, { ids: this.#path(), params }, options);
  }

  /**
   * {@link didOpen} by absolute path; the file URI is built (percent-encoded) for you.
   *
   * @param params - as for `didOpen`, with the document's absolute `path` instead of `uri`
   * @returns Resolves once the server has been told.
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path or the params break the contract (nothing is sent).
   */
  async didOpenPath(params: LspDidOpenPathParams, options?: RequestOptions): Promise<void> {
    return this.didOpen(withUri(params), options);
  }

  /**
   * Tells the server a document is no longer open.
   *
   * @param params - the server (`languageId`, `pathToProject`) and the document's `uri`
   * @returns Resolves once the server has been told.
   */
  async didClose(params: LspDocumentRequestParams, options?: RequestOptions): Promise<void> {
    await invoke(this.#pipeline, lspDidClose, { ids: this.#path(), params }, options);
  }

  /**
   * {@link didClose} by absolute path.
   *
   * @param params - the server (`languageId`, `pathToProject`) and the document's absolute `path`
   * @returns Resolves once the server has been told.
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path or the params break the contract (nothing is sent).
   */
  async didClosePath(params: LspDocumentPathParams, options?: RequestOptions): Promise<void> {
    return this.didClose(withUri(params), options);
  }

  /**
   * What could be typed at a position (`line` and `character` count from 0). The JSON-RPC
   * envelope is returned, with `result` always a list (see {@link LspCompletionsResponse});
   * a JSON-RPC error is returned in `error`, not thrown ({@link LspClient.server} throws it).
   *
   * @param params - the server, the document's `uri`, the position (`line` and `character`, or `position`) and an optional `context`
   * @returns The JSON-RPC envelope: `result` (a list of items) or `error`.
   * @throws {@link Leap0ValidationError} when the params break the contract or give both `position` and `line`/`character` (nothing is sent).
   * @throws {@link Leap0MalformedResponseError} when the result is neither a list of items nor a `CompletionList`.
   */
  async completions(params: LspCompletionsInput, options?: RequestOptions): Promise<LspCompletionsResponse> {
    const body = withPosition(asObject(params, "params"));
    const envelope = await invoke(this.#pipeline, lspCompletions, { ids: this.#path(), params: body }, options);
    return normaliseCompletions(envelope as LspEnvelope<unknown>);
  }

  /**
   * {@link completions} by absolute path.
   *
   * @param params - as for `completions`, with the document's absolute `path` instead of `uri`
   * @returns The JSON-RPC envelope: `result` (a list of items) or `error`.
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path or the params break the contract (nothing is sent).
   * @throws {@link Leap0MalformedResponseError} when the result is neither a list of items nor a `CompletionList`.
   */
  async completionsPath(params: LspCompletionsPathInput, options?: RequestOptions): Promise<LspCompletionsResponse> {
    return this.completions(withUri(params) as LspCompletionsInput, options);
  }

  /**
   * The symbols (functions, classes, variables) of an open document, as the JSON-RPC envelope.
   *
   * @param params - the server (`languageId`, `pathToProject`) and the document's `uri`
   * @returns The JSON-RPC envelope: `result` (the symbols, or null) or `error`.
   * @throws {@link Leap0MalformedResponseError} when the result is neither a list nor null.
   */
  async documentSymbols(
    params: LspDocumentRequestParams,
    options?: RequestOptions,
  ): Promise<LspDocumentSymbolsResponse> {
    const envelope = (await invoke(
      this.#pipeline,
      lspDocumentSymbols,
      { ids: this.#path(), params },
      options,
    )) as LspDocumentSymbolsResponse;
    // LSP answers a list of symbols or null; anything else would break code that iterates it.
    const result = (envelope as { result?: unknown }).result;
    if (envelope.error == null && result != null && !Array.isArray(result)) {
      throw new Leap0MalformedResponseError(
        `lspDocumentSymbols: the result is not a list of symbols (got ${typeof result}).`,
        { operation: "lspDocumentSymbols", status: 200 },
      );
    }
    return envelope;
  }

  /**
   * {@link documentSymbols} by absolute path.
   *
   * @param params - the server (`languageId`, `pathToProject`) and the document's absolute `path`
   * @returns The JSON-RPC envelope: `result` (the symbols, or null) or `error`.
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path or the params break the contract (nothing is sent).
   */
  async documentSymbolsPath(
    params: LspDocumentPathParams,
    options?: RequestOptions,
  ): Promise<LspDocumentSymbolsResponse> {
    return this.documentSymbols(withUri(params), options);
  }

  /**
   * Starts the language server for a project and returns a handle for it: documents by path,
   * versions tracked, results unwrapped, JSON-RPC errors thrown as {@link Leap0LspError}.
   * `await using server = await sandbox.lsp.server("python", "/home/user/project")` stops it at
   * the end of the block.
   *
   * @param languageId - `python`, `typescript` or `javascript`
   * @param pathToProject - the project's root directory
   * @returns A handle for the started server.
   * @throws {@link Leap0Error} when the service answers that the server did not start.
   */
  async server(languageId: string, pathToProject: string, options?: RequestOptions): Promise<LspServer> {
    const server = new LspServer(this, languageId, pathToProject);
    const answer = await this.start({ languageId, pathToProject }, options);
    if (answer.success === false) {
      throw new Leap0Error(`lspStart: the ${languageId} language server for ${pathToProject} did not start.`, {
        operation: "lspStart",
        status: 200,
      });
    }
    return server;
  }

  #path(): { sandboxID: string } {
    return { sandboxID: this.#sandboxId };
  }
}

function serverArgs(
  first: LspServerRequestParams | string,
  second: string | RequestOptions | undefined,
  third: RequestOptions | undefined,
): [LspServerRequestParams, RequestOptions | undefined] {
  if (typeof first === "string") return [{ languageId: first, pathToProject: second as string }, third];
  return [first, second as RequestOptions | undefined];
}

/**
 * One running language server (see {@link LspClient.server}). Documents are named by absolute
 * path; each `open` of a path sends a higher version than the last, as LSP requires.
 */
export class LspServer {
  /** `python`, `typescript` or `javascript`. */
  readonly languageId: string;
  /** The project's root directory. */
  readonly pathToProject: string;
  readonly #lsp: LspClient;
  readonly #versions = new Map<string, number>();
  readonly #open = new Set<string>();
  #stopped = false;

  /** @internal Made by {@link LspClient.server}. */
  constructor(lsp: LspClient, languageId: string, pathToProject: string) {
    this.#lsp = lsp;
    this.languageId = languageId;
    this.pathToProject = pathToProject;
  }

  /**
   * The version last sent for a document, if it was opened.
   *
   * @param path - the document's absolute path
   * @returns The last version sent, or `undefined` when the document was never opened.
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path.
   */
  version(path: string): number | undefined {
    return this.#versions.get(toFileUri(path));
  }

  /**
   * Opens a document with its text (a document already open is closed first, and sent again
   * with the next version, so the server sees the new text). Returns the version sent.
   *
   * @param path - the document's absolute path
   * @param text - the document's full text
   * @returns The version sent (1 for the first open, one more on each reopen).
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path (nothing is sent).
   */
  async open(path: string, text: string, options?: RequestOptions): Promise<number> {
    const uri = toFileUri(path);
    if (this.#open.has(uri)) await this.close(path, options);
    const version = (this.#versions.get(uri) ?? 0) + 1;
    await this.#lsp.didOpen({ ...this.#server(), uri, text, version }, options);
    this.#versions.set(uri, version);
    this.#open.add(uri);
    return version;
  }

  /**
   * Closes a document.
   *
   * @param path - the document's absolute path
   * @returns Resolves once the server has been told.
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path (nothing is sent).
   */
  async close(path: string, options?: RequestOptions): Promise<void> {
    const uri = toFileUri(path);
    await this.#lsp.didClose({ ...this.#server(), uri }, options);
    this.#open.delete(uri);
  }

  /**
   * The completion items at a position (counting from 0), as a list; throws {@link Leap0LspError}.
   *
   * @param path - the document's absolute path
   * @param position - `line` and `character`, counting from 0
   * @returns The completion items (empty when there are none).
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path or `position` is not an object (nothing is sent).
   * @throws {@link Leap0LspError} when the language server answers with a JSON-RPC error.
   */
  async completions(path: string, position: LspPositionParams, options?: RequestOptions): Promise<LspCompletionItem[]> {
    const answer = await this.#lsp.completions(
      { ...this.#server(), uri: toFileUri(path), position: asObject(position, "position") },
      options,
    );
    return unwrap(answer, "lspCompletions", this.#lsp) ?? [];
  }

  /**
   * The document's symbols, as a list; throws {@link Leap0LspError}.
   *
   * @param path - the document's absolute path
   * @returns The symbols (empty when there are none).
   * @throws {@link Leap0ValidationError} when `path` is not an absolute path (nothing is sent).
   * @throws {@link Leap0LspError} when the language server answers with a JSON-RPC error.
   */
  async documentSymbols(path: string, options?: RequestOptions): Promise<LspSymbol[]> {
    const answer = await this.#lsp.documentSymbols({ ...this.#server(), uri: toFileUri(path) }, options);
    return unwrap(answer, "lspDocumentSymbols", this.#lsp) ?? [];
  }

  /**
   * Stops the language server (once; later calls do nothing).
   *
   * @returns Resolves once the server is stopped (at once on later calls).
   */
  async stop(options?: RequestOptions): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#lsp.stop(this.#server(), options);
  }

  /**
   * `await using server = …` stops the server at the end of the block.
   *
   * @returns Resolves once the server is stopped.
   * @throws {@link Leap0TimeoutError} / {@link Leap0ConnectionError} when the stop call times out or the connection fails.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #server(): LspServerRequestParams {
    return { languageId: this.languageId, pathToProject: this.pathToProject };
  }
}
