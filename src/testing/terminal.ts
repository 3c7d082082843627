/**
 * The terminal's WebSocket (`connectPtySession`), in memory: `mock.WebSocket` is a class with
 * the shape the SDK uses (`new WebSocket(url, { headers, maxPayload })`, DOM-style events), and
 * a connected session is a small line-editing shell over the sandbox's filesystem: keystrokes
 * are echoed, a line runs through the same command handlers and bash emulator as
 * `process.execute`, output comes back with `\r\n` line ends, and `exit` (or Ctrl-D on an empty
 * line) ends the session with a clean 1000 close, as a real shell's exit does.
 */
import type { WebSocketLike } from "leap0";
import { type CommandHandler, type CommandPolicy, type CommandResult, handlerOf, shellOf } from "./process";
import type { Routed } from "./router";
import { HOME, type SandboxRecord } from "./world";

/** The prompt the mock's shell prints; plain, so tests can wait for it. */
export const PROMPT = "$ ";

const encoder = new TextEncoder();

/** How a handshake ends: open with a shell, or refused with an HTTP status. */
export type Handshake =
  | { open: true; attach(socket: ServerSide): void; stallOutput: boolean }
  | { open: false; status: number; message: string };

/** What the mock's side of one connection can do to the client's socket. */
export interface ServerSide {
  /** Sends one binary message of output. */
  output(bytes: Uint8Array): void;
  /** Closes the connection from the server's side (a clean close frame). */
  close(code: number, reason: string): void;
  /** Breaks the connection without a close frame (code 1006). */
  drop(): void;
  /** Keystrokes the client sends arrive here. */
  onInput: ((bytes: Uint8Array) => void) | undefined;
  /** The client closed the connection. */
  onClose: (() => void) | undefined;
}

type Listener = (event: unknown) => void;

/**
 * A WebSocket whose far side is the mock. `connect` decides the handshake from the URL and the
 * headers (the same rules as every other request: key, route, sandbox state, faults).
 */
export function mockWebSocketClass(
  connect: (url: URL, headers: Record<string, string>) => Promise<Handshake>,
  serves: (url: URL) => boolean,
): MockWebSocketClass {
  return class MockWebSocket implements WebSocketLike {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readyState = 0;
    binaryType = "arraybuffer";
    readonly bufferedAmount = 0;
    readonly url: string;
    readonly #listeners = new Map<string, Set<Listener>>();
    readonly #maxPayload: number;
    #server: ServerSide | undefined;
    #ended = false;

    constructor(url: string | URL, options: { headers?: Record<string, string>; maxPayload?: number } = {}) {
      const target = new URL(String(url));
      this.url = target.href;
      this.#maxPayload = options.maxPayload ?? Number.POSITIVE_INFINITY;
      const http = httpOf(target);
      if (!serves(http)) {
        this.#fail(`leap0/testing serves no ${target.host} (nothing here reaches the network)`);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
      connect(http, headers).then(
        (result) => this.#handshake(result),
        (e: unknown) => this.#fail(String((e as Error)?.message ?? e)),
      );
    }

    #handshake(result: Handshake): void {
      if (this.#ended || this.readyState !== 0) return;
      if (!result.open) {
        // As `ws` reports a refused upgrade: an error naming the status, then close 1006. The
        // event also carries the answer the handshake got (the contract's `{ message }`).
        this.#fail(
          `Unexpected server response: ${result.status}`,
          result.status,
          JSON.stringify({ message: result.message }),
        );
        return;
      }
      const stall = result.stallOutput;
      const server: ServerSide = {
        output: (bytes) => {
          if (this.readyState !== 1 || stall) return;
          if (bytes.byteLength > this.#maxPayload) {
            this.#emit("error", {
              type: "error",
              message: "Max payload size exceeded",
              error: Object.assign(new RangeError("Max payload size exceeded"), {
                code: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH",
              }),
            });
            this.#closed(1006, "", false);
            return;
          }
          const data = bytes.slice().buffer;
          queueMicrotask(() => {
            if (this.readyState === 1) this.#emit("message", { type: "message", data });
          });
        },
        close: (code, reason) => {
          if (this.readyState === 3) return;
          this.readyState = 2;
          queueMicrotask(() => this.#closed(code, reason, true));
        },
        drop: () => queueMicrotask(() => this.#closed(1006, "", false)),
        onInput: undefined,
        onClose: undefined,
      };
      this.#server = server;
      this.readyState = 1;
      this.#emit("open", { type: "open" });
      result.attach(server);
    }

    #fail(message: string, status?: number, body?: string): void {
      queueMicrotask(() => {
        this.#emit("error", { type: "error", message, ...(status ? { status, body } : {}) });
        this.#closed(1006, "", false);
      });
    }

    #closed(code: number, reason: string, wasClean: boolean): void {
      if (this.#ended) return;
      this.#ended = true;
      this.readyState = 3;
      this.#server?.onClose?.();
      this.#emit("close", { type: "close", code, reason, wasClean });
    }

    #emit(type: string, event: unknown): void {
      const handler = (this as unknown as Record<string, unknown>)[`on${type}`];
      if (typeof handler === "function") handler.call(this, event);
      for (const listener of [...(this.#listeners.get(type) ?? [])]) listener(event);
    }

    addEventListener(type: string, listener: Listener): void {
      const set = this.#listeners.get(type) ?? new Set<Listener>();
      this.#listeners.set(type, set);
      set.add(listener);
    }

    removeEventListener(type: string, listener: Listener): void {
      this.#listeners.get(type)?.delete(listener);
    }

    send(data: Uint8Array | ArrayBuffer | string): void {
      if (this.readyState === 0)
        throw new DOMException("WebSocket is not open: readyState 0 (CONNECTING)", "InvalidStateError");
      if (this.readyState !== 1) return;
      const bytes =
        typeof data === "string"
          ? encoder.encode(data)
          : data instanceof ArrayBuffer
            ? new Uint8Array(data)
            : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
      const server = this.#server;
      queueMicrotask(() => server?.onInput?.(bytes));
    }

    close(code = 1000, reason = ""): void {
      if (this.readyState >= 2) return;
      if (this.readyState === 0) {
        this.readyState = 2;
        queueMicrotask(() => this.#closed(1006, "", false));
        return;
      }
      this.readyState = 2;
      // The mock's side answers the close frame at once, as a well-behaved server does.
      queueMicrotask(() => this.#closed(code, reason, true));
    }

    /** A ping: the mock is always there to answer it. */
    ping(): void {}

    /** Ends the connection at once, without a close frame. */
    terminate(): void {
      if (this.readyState === 3) return;
      this.#closed(1006, "", false);
    }
  };
}

/** The class `mockWebSocketClass` makes. */
export type MockWebSocketClass = new (
  url: string | URL,
  options?: { headers?: Record<string, string>; maxPayload?: number },
) => WebSocketLike;

function httpOf(ws: URL): URL {
  const http = new URL(ws.href);
  http.protocol = ws.protocol === "wss:" ? "https:" : "http:";
  return http;
}

/**
 * The mock's class standing in for the global `WebSocket` (`install()`): Leap0's hosts reach
 * the mock, any other host the class that was there (when there was one).
 */
export function installedWebSocket(
  mock: MockWebSocketClass,
  serves: (url: URL) => boolean,
  original: MockWebSocketClass | undefined,
): MockWebSocketClass {
  return new Proxy(mock, {
    construct(target, args: [string | URL, unknown?]) {
      const served = serves(httpOf(new URL(String(args[0]))));
      return served || !original ? Reflect.construct(target, args) : Reflect.construct(original, args);
    },
  });
}

/** The shell of one terminal session: its working directory, environment and pending line. */
interface Shell {
  id: string;
  cwd: string;
  env: Record<string, string>;
  line: string;
  started: boolean;
  /** Lines run one at a time, in the order typed. */
  queue: Promise<void>;
  connections: Set<ServerSide>;
}

const shells = new WeakMap<Record<string, unknown>, Shell>();

/** Connections of a sandbox's terminals, ended when the sandbox stops running or a session is deleted. */
const bySandbox = new WeakMap<SandboxRecord, Map<string, Shell>>();

/**
 * Attaches a connection to a session's shell (starting it on its first connection, which
 * prints the prompt). Output goes to every connection of the session.
 */
export function attachTerminal(
  s: SandboxRecord,
  session: Record<string, unknown>,
  socket: ServerSide,
  policy: CommandPolicy,
): void {
  let shell = shells.get(session);
  if (!shell) {
    shell = {
      id: String(session.id),
      cwd: typeof session.cwd === "string" ? session.cwd : HOME,
      env: {
        HOME,
        USER: "user",
        TERM: "xterm-256color",
        PATH: "/usr/local/bin:/usr/bin:/bin",
        ...s.envVars,
        ...((session.envs as Record<string, string>) ?? {}),
      },
      line: "",
      started: false,
      queue: Promise.resolve(),
      connections: new Set(),
    };
    shells.set(session, shell);
    const sessions = bySandbox.get(s) ?? new Map<string, Shell>();
    bySandbox.set(s, sessions);
    sessions.set(String(session.id), shell);
  }
  const sh = shell;
  sh.connections.add(socket);
  session.active = true;
  const write = (text: string) => {
    const bytes = encoder.encode(text);
    for (const c of sh.connections) c.output(bytes);
  };
  const end = () => {
    s.pty.delete(String(session.id));
    bySandbox.get(s)?.delete(String(session.id));
    for (const c of [...sh.connections]) c.close(1000, "");
    sh.connections.clear();
  };
  socket.onClose = () => sh.connections.delete(socket);
  if (!sh.started) {
    sh.started = true;
    write(PROMPT);
  }
  const decoderOfSocket = new TextDecoder();
  socket.onInput = (bytes) => {
    for (const ch of decoderOfSocket.decode(bytes, { stream: true })) {
      if (ch === "\r" || ch === "\n") {
        const line = sh.line;
        sh.line = "";
        write("\r\n");
        sh.queue = sh.queue.then(() => runLine(s, sh, line, policy, write, end)).catch(() => write(PROMPT));
      } else if (ch === "\x7f" || ch === "\b") {
        if (sh.line) {
          sh.line = sh.line.slice(0, -1);
          write("\b \b");
        }
      } else if (ch === "\x03") {
        sh.line = "";
        write(`^C\r\n${PROMPT}`);
      } else if (ch === "\x04") {
        if (!sh.line) sh.queue = sh.queue.then(() => end());
      } else if (ch >= " " || ch === "\t") {
        sh.line += ch;
        write(ch);
      }
    }
  };
}

async function runLine(
  s: SandboxRecord,
  sh: Shell,
  line: string,
  policy: CommandPolicy,
  write: (text: string) => void,
  end: () => void,
): Promise<void> {
  // A line typed just before the session ended runs nowhere.
  if (!s.pty.has(String(sh.id))) return;
  const trimmed = line.trim();
  if (/^exit(\s+\d+)?$/.test(trimmed)) {
    end();
    return;
  }
  if (trimmed) {
    const handler = handlerOf<CommandHandler>(policy, "command", (h) => h.matches(trimmed));
    let result: CommandResult;
    if (handler) {
      result = await handler.run({ command: trimmed, cwd: sh.cwd, env: { ...sh.env }, sandboxId: s.id });
    } else if (policy.strict) {
      result = {
        stderr: `leap0/testing: no command handler matches ${JSON.stringify(trimmed)}, and the mock is strict\n`,
        exitCode: 127,
      };
    } else {
      const r = await shellOf(s).exec(trimmed, { cwd: sh.cwd, env: sh.env, replaceEnv: true });
      // `cd` and `export` last for the session, as they do in a shell.
      sh.env = { ...r.env };
      if (r.env.PWD) sh.cwd = r.env.PWD;
      result = r;
    }
    write(`${result.stdout ?? ""}${result.stderr ?? ""}`.replace(/\r?\n/g, "\r\n"));
  }
  write(PROMPT);
}

/**
 * Ends the terminal connections of a sandbox that stops running (1001, going away); a paused
 * sandbox keeps its sessions (its memory is kept), a stopped or deleted one loses them.
 */
export function endTerminals(s: SandboxRecord, state: string): void {
  if (!["stopping", "stopped", "paused", "deleting", "deleted"].includes(state)) return;
  const sessions = bySandbox.get(s);
  for (const shell of sessions?.values() ?? []) {
    for (const c of [...shell.connections]) c.close(1001, `sandbox is ${state}`);
    shell.connections.clear();
  }
  if (state !== "paused") {
    sessions?.clear();
    s.pty.clear();
  }
}

/** Ends the connections of a deleted session with a clean close. */
export function endSession(s: SandboxRecord, id: string): void {
  const shell = bySandbox.get(s)?.get(id);
  if (!shell) return;
  for (const c of [...shell.connections]) c.close(1000, "session deleted");
  shell.connections.clear();
  bySandbox.get(s)?.delete(id);
}

/** The session a `connectPtySession` handshake asks for, if it exists. */
export function sessionOf(s: SandboxRecord, call: Routed): Record<string, unknown> | undefined {
  return s.pty.get(call.path.sessionID ?? "");
}
