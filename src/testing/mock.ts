/**
 * The in-memory Leap0: a `fetch` (and a `WebSocket`, for terminals) that answers the contract's operations from state (no server,
 * no port), a real `Leap0Client` over it, command handlers, faults by operationId and a record
 * of every call. Every request is checked as the real API would check it; every answer is one
 * the contract allows for its operation.
 */
// The SDK itself from its public entry: the package ships this entry apart, so that a test's
// `err instanceof Leap0NotFoundError` and `client instanceof Leap0Client` see the same classes.
import { DEFAULT_BASE_URL, DEFAULT_SANDBOX_DOMAIN, Leap0Client, type WebSocketConstructor } from "leap0";
import { failure, invalid, Refusal } from "./answers";
import { controlHandlers, type Handler, runningSandbox } from "./control";
import { type DesktopHandler, desktopHandlers } from "./desktop";
import { fileHandlers } from "./files";
import { type GitRemoteFixture, gitHandlers, normalizeUrl, type Remote } from "./git";
import { type CodeInterpreterHandler, interpreterHandlers } from "./interpreter";
import { type LspHandler, lspHandlers } from "./lsp";
import { type CommandHandler, type CommandPolicy, processHandlers } from "./process";
import { decode, match, OPERATIONS } from "./router";
import { sessionHandlers } from "./sessions";
import {
  attachTerminal,
  endTerminals,
  type Handshake,
  installedWebSocket,
  type MockWebSocketClass,
  mockWebSocketClass,
} from "./terminal";
import { World } from "./world";

/**
 * A handler of any kind: commands ({@link command}), code runs ({@link codeInterpreter}), the
 * desktop ({@link desktop}), language servers ({@link lsp}). Each area
 * consults the handlers of its kind, the one added last first.
 */
export type MockHandler = CommandHandler | CodeInterpreterHandler | DesktopHandler | LspHandler;

/** How `createMockLeap0` sets the mock up; every field is optional. */
export interface MockLeap0Options {
  /** Handlers: for commands, consulted before the bash emulator (see {@link command}), and for the other areas. */
  handlers?: MockHandler[];
  /** Refuse a command no handler answers, instead of running it in the emulator. */
  strict?: boolean;
  /** Milliseconds a sandbox spends `starting` (and `stopping`) before it moves on; default 0. */
  startDelay?: number;
  /** Most sandboxes that may exist at once; default 3, as the contract says. */
  maxSandboxes?: number;
  /** The only key the mock accepts; default: any non-empty Bearer key. */
  apiKey?: string;
  /** The API root the mock serves; default `https://api.leap0.dev`. */
  baseUrl?: string;
  /** Where sandboxes serve their own APIs; default `sandbox.leap0.dev`. */
  sandboxDomain?: string;
  /** The mock's clock, in milliseconds (e.g. a fake timer's); default `Date.now`. */
  now?: () => number;
  /**
   * Files every new sandbox starts with, by absolute path (what its template would hold); a
   * restored sandbox starts from its snapshot's files instead.
   */
  files?: Record<string, string | Uint8Array>;
}

/**
 * What `mock.fail()` makes an operation do instead of (or before) its normal answer. Give one or
 * more: `status` (with `body` and `retryAfter`) answers with that error; `latency` delays the
 * answer; `stall` never sends the headers, or sends them and then never the body; `drop` breaks
 * the connection. `times` limits it to that many calls (every call until reset otherwise).
 */
export interface Fault {
  /** Answer with this HTTP status instead of the operation's result. */
  status?: number;
  /** The error answer's JSON body (default `{ message }`). */
  body?: unknown;
  /** The error answer's `Retry-After` (seconds, or an HTTP date). */
  retryAfter?: number | string;
  /** Milliseconds to wait before answering (the caller's abort or timeout still ends the wait). */
  latency?: number;
  /** `headers`: never answer; `body`: answer with headers and then never the body. */
  stall?: "headers" | "body";
  /** Break the connection instead of answering (`fetch` rejects). */
  drop?: boolean;
  /** How many calls the fault applies to; every call until reset when left out. */
  times?: number;
}

/** A test's server for a sandbox port (see `mock.serve`). */
export type PortServer = (
  request: Request,
  target: { sandboxId: string; port: number },
) => Response | Promise<Response>;

/** One operation the mock received: its operationId and its params as the SDK names them. */
export interface RecordedCall {
  /** The operationId, e.g. `createSandbox`. */
  operation: string;
  /** The query, header and body fields, as the SDK names them (camelCase). */
  params: Record<string, unknown>;
  /** Path ids (`sandboxID`, …) by their wire names. */
  path: Record<string, string>;
  /** For an in-sandbox operation, the sandbox whose host it came to. */
  sandboxId?: string;
}

const MOCK_KEY = "sk-leap0-mock-key";

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError");
}

/** Resolves after `ms`, or rejects when `signal` aborts first. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A connection that breaks, as `fetch` reports one. */
function dropped(): TypeError {
  return new TypeError("fetch failed", {
    cause: Object.assign(new Error("other side closed"), { code: "ECONNRESET" }),
  });
}

/** An in-memory Leap0; made by {@link createMockLeap0}. */
export class MockLeap0 {
  /** A real `Leap0Client` wired to this mock. */
  readonly client: Leap0Client;
  /** The mock's `fetch`: answers Leap0's hosts from memory; anything else is refused (never the network). */
  readonly fetch: typeof fetch;
  /**
   * The mock's WebSocket class, for a client you build yourself (`webSocket: mock.WebSocket`):
   * `sandbox.pty` connects to a shell over the sandbox's files. Other hosts are refused.
   */
  readonly WebSocket: WebSocketConstructor;
  /** Every operation received, in order (cleared by `reset()`). */
  readonly calls: RecordedCall[] = [];

  readonly #options: MockLeap0Options;
  readonly #initial: MockHandler[];
  #added: MockHandler[] = [];
  #faults = new Map<string, Fault[]>();
  #world: World;
  readonly #handlers: Record<string, Handler>;
  readonly #api: URL;
  readonly #domain: string;
  #installed: { fetch: typeof fetch; WebSocket: unknown; had: boolean } | undefined;
  readonly #policy: CommandPolicy;
  readonly #remotes = new Map<string, Remote>();
  readonly #servers = new Map<number, PortServer>();

  /** Git fixtures: remote repositories that clone, pull and push reach. */
  readonly git = {
    /**
     * Serves a remote repository at `url` (any spelling: with or without `.git`), made from
     * `fixture`: its default branch holds `files`, each of `branches` one commit more. Clone,
     * pull and push reach it with the credentials it asks for; an unregistered URL fails as an
     * unreachable host does. Registering a URL again starts it afresh.
     *
     * @param url - the URL a clone will name
     * @param fixture - its files, branches and credentials (see {@link GitRemoteFixture})
     * @returns Nothing.
     * @throws TypeError when `url` is not an http(s) URL.
     */
    remote: (url: string, fixture: GitRemoteFixture = {}): void => {
      if (!/^https?:\/\//.test(url))
        throw new TypeError(`leap0/testing: git.remote: ${JSON.stringify(url)} is not an http(s) URL`);
      this.#remotes.set(normalizeUrl(url), { url, fixture, repo: undefined });
    },
  };

  constructor(options: MockLeap0Options = {}) {
    this.#options = options;
    for (const path of Object.keys(options.files ?? {})) {
      // A relative path has no place in a sandbox: say so here, not as a puzzling 404 later.
      if (!path.startsWith("/")) throw new TypeError(`createMockLeap0: files: "${path}" is not an absolute path`);
    }
    this.#initial = [...(options.handlers ?? [])];
    this.#api = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
    this.#domain = (options.sandboxDomain ?? DEFAULT_SANDBOX_DOMAIN).toLowerCase();
    this.#world = this.#newWorld();
    this.#policy = { handlers: () => [...this.#added, ...this.#initial], strict: options.strict === true };
    this.#handlers = {
      ...controlHandlers,
      ...fileHandlers,
      ...processHandlers(this.#policy),
      ...sessionHandlers,
      ...gitHandlers({ remotes: this.#remotes, now: () => (options.now ?? Date.now)() }),
      ...interpreterHandlers(this.#policy),
      ...lspHandlers(this.#policy),
      ...desktopHandlers(this.#policy),
    };
    this.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      this.#serve(input, init, undefined)) as typeof fetch;
    this.WebSocket = mockWebSocketClass(
      (url, headers) => this.#connect(url, headers),
      (url) => this.#hostKind(url) !== undefined,
    ) as unknown as WebSocketConstructor;
    this.client = new Leap0Client({
      apiKey: options.apiKey ?? MOCK_KEY,
      baseUrl: this.#api.href,
      sandboxDomain: options.sandboxDomain,
      fetch: this.fetch,
      webSocket: this.WebSocket,
    });
  }

  #newWorld(): World {
    const world = new World(
      this.#options.now ?? Date.now,
      this.#options.startDelay ?? 0,
      this.#options.maxSandboxes ?? 3,
      this.#options.files ?? {},
    );
    world.onMove = endTerminals;
    return world;
  }

  /** A WebSocket handshake, by the rules every request meets: key, route, faults, state. */
  async #connect(url: URL, headers: Record<string, string>): Promise<Handshake> {
    const host = this.#hostKind(url);
    if (!host) return { open: false, status: 404, message: "not served" };
    if (host.kind === "port")
      return { open: false, status: 502, message: "leap0/testing serves no WebSocket on sandbox ports" };
    const key = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
    if (!key || (this.#options.apiKey !== undefined && key !== this.#options.apiKey)) {
      return { open: false, status: 401, message: "invalid API key" };
    }
    const base = host.kind === "api" ? this.#api.pathname.replace(/\/$/, "") : "";
    const pathname = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname;
    const found = match("GET", pathname, host.kind);
    if (found?.op.name !== "connectPtySession") {
      return { open: false, status: 404, message: `no WebSocket is served at ${url.pathname}` };
    }
    const call = await decode(
      new Request(url, { headers }),
      found.op,
      found.path,
      host.kind === "sandbox" ? host.sandboxId : undefined,
    );
    this.calls.push({ operation: found.op.name, params: call.params, path: call.path });
    const fault = this.#takeFault(found.op.name);
    if (fault?.latency) await new Promise((resolve) => setTimeout(resolve, fault.latency));
    // A stalled handshake never answers: the caller's handshake timeout or close() ends it.
    if (fault?.stall === "headers") return new Promise<never>(() => {});
    if (fault?.drop) return { open: false, status: 0, message: "socket hang up" };
    if (fault?.status !== undefined) {
      return { open: false, status: fault.status, message: `leap0/testing: ${found.op.name} failed` };
    }
    const world = this.#world;
    try {
      const s = runningSandbox(call, world);
      const session = s.pty.get(call.path.sessionID ?? "");
      if (!session) {
        return {
          open: false,
          status: 404,
          message: `terminal session ${JSON.stringify(call.path.sessionID)} not found`,
        };
      }
      return {
        open: true,
        stallOutput: fault?.stall === "body",
        attach: (server) => attachTerminal(s, session, server, this.#policy),
      };
    } catch (e) {
      if (e instanceof Refusal) return { open: false, status: e.status, message: e.message };
      throw e;
    }
  }

  /**
   * Adds handlers for this test; they win over the ones given at creation (msw's `use`).
   *
   * @param handlers - made by {@link command}, {@link desktop}, …; the last added is consulted first
   * @returns Nothing.
   * @throws Nothing.
   */
  use(...handlers: MockHandler[]): void {
    this.#added = [...handlers, ...this.#added];
  }

  /**
   * Drops the handlers and faults added since creation (msw's `resetHandlers`); state is kept.
   *
   * @returns Nothing.
   * @throws Nothing.
   */
  resetHandlers(): void {
    this.#added = [];
    this.#faults.clear();
  }

  /**
   * Forgets everything: sandboxes, snapshots, templates, git remotes, served ports, calls, added
   * handlers and faults.
   *
   * @returns Nothing.
   * @throws Nothing.
   */
  reset(): void {
    this.resetHandlers();
    this.calls.length = 0;
    this.#remotes.clear();
    this.#servers.clear();
    // Open terminals belonged to the sandboxes forgotten here: they end as a deletion ends them.
    for (const s of this.#world.live()) endTerminals(s, "deleted");
    this.#world = this.#newWorld();
  }

  /**
   * Serves `port` in every running sandbox: a fetch to `sandbox.invokeUrl(path, port)` (or a
   * presigned URL's host) is answered by `handler`, as the user's own server in the sandbox
   * would answer it. A port nobody serves, or a sandbox that is not running, answers 502.
   * `reset()` stops serving.
   *
   * @param port - the sandbox port, 1–65535
   * @param handler - answers each request; it is told which sandbox and port it serves
   * @returns Nothing.
   * @throws TypeError when `port` is not 1–65535.
   */
  serve(port: number, handler: PortServer): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new TypeError(`leap0/testing: serve: port ${port} is not a whole number from 1 to 65535`);
    }
    this.#servers.set(port, handler);
  }

  /**
   * Makes `operation` (an operationId, e.g. `"createSandbox"`) misbehave as `fault` says, for
   * `fault.times` calls or until `resetHandlers()`/`reset()`. Faults on one operation apply in
   * the order they were added.
   *
   * @param operation - the operationId, as openapi.yaml names it
   * @param fault - what to do instead (see {@link Fault})
   * @returns Nothing.
   * @throws TypeError when no operation has that name.
   */
  fail(operation: string, fault: Fault): void {
    if (!OPERATIONS.has(operation)) throw new TypeError(`leap0/testing: no operation ${JSON.stringify(operation)}`);
    this.#faults.set(operation, [...(this.#faults.get(operation) ?? []), { ...fault }]);
  }

  /**
   * Serves Leap0's hosts through the global `fetch` and `WebSocket` too, for code that builds its
   * own client (`new Leap0Client()`); other hosts go to the `fetch` and `WebSocket` that were
   * there. Undo with `uninstall()`.
   *
   * @returns Nothing.
   * @throws Nothing.
   */
  install(): void {
    if (this.#installed) return;
    const g = globalThis as { WebSocket?: unknown };
    const original = globalThis.fetch;
    const originalWebSocket = g.WebSocket;
    this.#installed = { fetch: original, WebSocket: originalWebSocket, had: "WebSocket" in globalThis };
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      this.#serve(input, init, original)) as typeof fetch;
    g.WebSocket = installedWebSocket(
      this.WebSocket as unknown as MockWebSocketClass,
      (url) => this.#hostKind(url) !== undefined,
      originalWebSocket as MockWebSocketClass | undefined,
    );
  }

  /**
   * Puts the global `fetch` and `WebSocket` back.
   *
   * @returns Nothing.
   * @throws Nothing.
   */
  uninstall(): void {
    const installed = this.#installed;
    if (!installed) return;
    globalThis.fetch = installed.fetch;
    const g = globalThis as { WebSocket?: unknown };
    if (installed.had) g.WebSocket = installed.WebSocket;
    else delete g.WebSocket;
    this.#installed = undefined;
  }

  /** What `host` is: the API, a sandbox's own host (with its id), a sandbox's port, or neither. */
  #hostKind(
    url: URL,
  ):
    | { kind: "api" }
    | { kind: "sandbox"; sandboxId: string }
    | { kind: "port"; sandboxId: string; port: number }
    | undefined {
    if (url.origin === this.#api.origin) return { kind: "api" };
    const host = url.hostname.toLowerCase();
    const suffix = `.${this.#domain}`;
    if (host.endsWith(suffix)) {
      const label = host.slice(0, -suffix.length);
      if (!/^[a-z0-9-]+$/.test(label)) return undefined;
      const port = /^(.+)-(\d{1,5})$/.exec(label);
      if (port) return { kind: "port", sandboxId: port[1] as string, port: Number(port[2]) };
      return { kind: "sandbox", sandboxId: label };
    }
    return undefined;
  }

  async #serve(input: RequestInfo | URL, init: RequestInit | undefined, passThrough: typeof fetch | undefined) {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const host = this.#hostKind(url);
    if (!host) {
      if (passThrough) return passThrough(input, init);
      throw new TypeError(`fetch failed: leap0/testing serves no ${url.origin} (nothing here reaches the network)`, {
        cause: Object.assign(new Error(`connect ECONNREFUSED ${url.host}`), { code: "ECONNREFUSED" }),
      });
    }
    const signal = request.signal;
    if (signal.aborted) throw aborted(signal);
    if (host.kind === "port") return this.#servePort(request, host.sandboxId, host.port);
    const auth = request.headers.get("authorization") ?? "";
    const key = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!key || (this.#options.apiKey !== undefined && key !== this.#options.apiKey)) {
      return failure(401, "invalid API key");
    }
    const base = host.kind === "api" ? this.#api.pathname.replace(/\/$/, "") : "";
    const pathname = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname;
    const found = match(request.method, pathname, host.kind);
    if (!found) return failure(404, `no operation serves ${request.method} ${url.pathname}`);
    const call = await decode(request, found.op, found.path, host.kind === "sandbox" ? host.sandboxId : undefined);
    this.calls.push({
      operation: found.op.name,
      params: call.params,
      path: call.path,
      ...(call.sandboxId ? { sandboxId: call.sandboxId } : {}),
    });
    if (call.invalid) return invalid(call.invalid);

    const fault = this.#takeFault(found.op.name);
    if (fault?.latency) await wait(fault.latency, signal);
    if (fault?.drop) throw dropped();
    if (fault?.stall === "headers") {
      await wait(2 ** 31 - 1, signal);
    }
    if (fault?.status !== undefined) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
      return new Response(JSON.stringify(fault.body ?? { message: `leap0/testing: ${found.op.name} failed` }), {
        status: fault.status,
        headers,
      });
    }
    const handler = this.#handlers[found.op.name];
    let response: Response;
    try {
      response = handler
        ? await handler(call, this.#world)
        : failure(404, `leap0/testing does not serve ${found.op.name} yet`);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      response = failure(e.status, e.message);
    }
    if (fault?.stall === "body") return stalled(response, signal);
    return response;
  }

  /** A request to a sandbox's port: the test's server for that port, behind the sandbox's state. */
  async #servePort(request: Request, sandboxId: string, port: number): Promise<Response> {
    const s = this.#world.sandbox(sandboxId);
    // What Leap0's proxy answers when nothing can take the request: a gateway error, not a hang.
    if (s?.state !== "running") return failure(502, `sandbox ${JSON.stringify(sandboxId)} is not running`);
    const server = this.#servers.get(port);
    if (!server) return failure(502, `nothing listens on port ${port} in sandbox ${sandboxId}`);
    return server(request, { sandboxId, port });
  }

  #takeFault(operation: string): Fault | undefined {
    const list = this.#faults.get(operation);
    const fault = list?.[0];
    if (!list || !fault) return undefined;
    if (fault.times !== undefined && --fault.times <= 0) list.shift();
    return fault;
  }
}

/** The response's headers, then a body that never comes (until the request is aborted). */
function stalled(response: Response, signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener("abort", () => controller.error(aborted(signal)), { once: true });
    },
  });
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(body, { status: response.status, headers });
}

/** A fresh in-memory Leap0 (see {@link MockLeap0}). */
export function createMockLeap0(options: MockLeap0Options = {}): MockLeap0 {
  return new MockLeap0(options);
}
