/**
 * A real HTTP server on 127.0.0.1 whose every answer is written by the test, byte by byte and
 * pause by pause: event streams split at awkward places, bodies that stall, binary bodies. It
 * records what it received and when each connection closed, so a test can prove that the SDK
 * let go of a stream.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ScriptedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  /** Resolves when the response ended or the client went away. */
  closed: Promise<void>;
}

export type Script = (req: ScriptedRequest, res: ServerResponse) => void | Promise<void>;

export interface ScriptServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  requests: ScriptedRequest[];
  /** What the next requests get; the last one repeats. */
  handle(script: Script): void;
  close(): Promise<void>;
}

export const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startScriptServer(): Promise<ScriptServer> {
  let script: Script = (_req, res) => {
    res.writeHead(500).end();
  };
  const requests: ScriptedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
    const r: ScriptedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      closed,
    };
    requests.push(r);
    try {
      await script(r, res);
    } catch {
      res.destroy();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(s) {
      script = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts an event-stream answer. */
export function sseHead(res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  res.flushHeaders();
}
