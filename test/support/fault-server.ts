/**
 * A real HTTP server on 127.0.0.1 that misbehaves on command. Each test queues what the next
 * requests get (`server.next(...)`); once the queue is empty the last behaviour repeats. The
 * server counts every request it receives, which is how the tests prove that a create was
 * never sent twice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type Fault =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "raw"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "resetBeforeHeaders" }
  | { kind: "resetMidBody"; status?: number }
  | { kind: "stallBody" }
  | { kind: "stallHeaders" }
  /** Headers, then 64 KiB chunks until the client goes away (bounded: 2 GiB or 60 s). */
  | { kind: "endless"; status?: number; contentType?: string }
  /** A JSON error body whose `message` is `size` characters long. */
  | { kind: "hugeMessage"; status: number; size: number }
  /** A redirect to `location`. */
  | { kind: "redirect"; status: number; location: string }
  /** An error whose body echoes the request's Authorization header, as a careless proxy might. */
  | { kind: "echoAuth"; status: number }
  /** The same header sent several times (a proxy's doubled `Retry-After`). */
  | { kind: "repeatHeader"; status: number; name: string; values: string[] };

export interface Received {
  method: string;
  path: string;
  body: string;
  authorization: string | undefined;
  /** Every request header, lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  /** `performance.now()` when the request arrived. */
  at: number;
  /** Bytes of body the server wrote in its answer (for the endless and huge faults). */
  bytesWritten: number;
  /** Resolves when the connection that carried this request has closed. */
  closed: Promise<void>;
}

/** A sandbox body that satisfies the contract. */
export const SANDBOX = {
  id: "sbx-fault0001",
  template_id: "tpl-debian-bookworm",
  vcpu: 1,
  memory: 1024,
  disk: 2048,
  timeout: 300,
  state: "running",
  auto_pause: false,
  created_at: "2026-11-25T10:00:00Z",
};

/** A snapshot page that satisfies the contract. */
export const SNAPSHOT_PAGE = {
  items: [
    {
      id: "snap-fault0001",
      name: "warm",
      template_id: "tpl-debian-bookworm",
      vcpu: 1,
      memory: 1024,
      disk: 2048,
      created_at: "2026-11-25T10:00:00Z",
    },
  ],
  total_items: 1,
};

export const ok = (body: unknown, status = 200): Fault => ({ kind: "json", status, body });
export const fail = (status: number, message: string, headers?: Record<string, string>): Fault => ({
  kind: "json",
  status,
  body: { message },
  headers,
});

export class FaultServer {
  readonly received: Received[] = [];
  #queue: Fault[] = [];
  #last: Fault = ok(SANDBOX);
  #server: Server;
  #sockets = new Set<Socket>();
  url = "";

  constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (!address || typeof address === "string") throw new Error("no address");
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  /** Queues what the next requests get, in order. */
  next(...faults: Fault[]): this {
    this.#queue.push(...faults);
    return this;
  }

  /**
   * Forgets the queue and the count, and drops every open connection (stalled ones included),
   * then gives the client a moment to see the close, so no test inherits a dead socket.
   */
  async reset(): Promise<void> {
    this.#queue = [];
    this.#last = ok(SANDBOX);
    this.received.length = 0;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** True once the connection that carried request `index` has closed; false after `ms`. */
  async requestConnectionClosed(index: number, ms: number): Promise<boolean> {
    const received = this.received[index];
    if (!received) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const closed = await Promise.race([received.closed.then(() => true), timedOut]);
    clearTimeout(timer);
    return closed;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const socket = req.socket;
      this.received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        body: Buffer.concat(chunks).toString(),
        authorization: req.headers.authorization,
        headers: req.headers,
        bytesWritten: 0,
        at: performance.now(),
        closed: socket.destroyed ? Promise.resolve() : new Promise((r) => socket.once("close", () => r())),
      });
      const fault = this.#queue.shift() ?? this.#last;
      this.#last = fault;
      // One connection per request: a test's faults (and reset()) never leave a half-dead
      // keep-alive socket in the client's pool for the next test to trip over.
      res.shouldKeepAlive = false;
      this.#act(fault, req, res, this.received[this.received.length - 1] as Received);
    });
  }

  #act(fault: Fault, req: IncomingMessage, res: ServerResponse, received: Received): void {
    switch (fault.kind) {
      case "json":
      case "raw": {
        const body = fault.kind === "json" ? JSON.stringify(fault.body) : fault.body;
        res.writeHead(fault.status, {
          ...(fault.kind === "json" ? { "Content-Type": "application/json" } : {}),
          "Content-Length": Buffer.byteLength(body),
          ...fault.headers,
        });
        res.end(fault.status === 204 ? undefined : body);
        return;
      }
      case "resetBeforeHeaders":
        req.socket.destroy();
        return;
      case "resetMidBody": {
        const body = JSON.stringify(SANDBOX);
        res.writeHead(fault.status ?? 200, { "Content-Type": "application/json", "Content-Length": body.length * 2 });
        res.write(body.slice(0, 20), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      case "stallBody":
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 4096 });
        res.write('{"id":"sbx-');
        return;
      case "stallHeaders":
        return;
      case "endless": {
        res.writeHead(fault.status ?? 200, { "Content-Type": fault.contentType ?? "application/json" });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const started = Date.now();
        const pump = () => {
          while (!res.destroyed && received.bytesWritten < 2 ** 31 && Date.now() - started < 60_000) {
            received.bytesWritten += chunk.length;
            if (!res.write(chunk)) {
              res.once("drain", pump);
              return;
            }
          }
          if (!res.destroyed) res.end();
        };
        res.write("[", pump);
        return;
      }
      case "hugeMessage": {
        const body = JSON.stringify({ message: "x".repeat(fault.size) });
        res.writeHead(fault.status, { "Content-Type": "application/json" });
        received.bytesWritten = Buffer.byteLength(body);
        res.end(body);
        return;
      }
      case "redirect":
        res.writeHead(fault.status, { Location: fault.location, "Content-Length": 0 });
        res.end();
        return;
      case "echoAuth": {
        const body = JSON.stringify({
          message: `invalid credentials: ${req.headers.authorization}`,
          errors: [{ field: "authorization", error: `${req.headers.authorization} is not valid` }],
        });
        res.writeHead(fault.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case "repeatHeader": {
        const body = JSON.stringify({ message: "busy" });
        res.setHeader(fault.name, fault.values);
        res.writeHead(fault.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
        res.end(body);
        return;
      }
    }
  }
}
