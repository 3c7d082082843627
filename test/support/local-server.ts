/**
 * A scriptable HTTP server on 127.0.0.1 for tests that need an exact answer, a slow one, or none:
 * each request is passed to `handle`, which answers with JSON, hangs, or resets the connection.
 * Every request (method, path, parsed JSON body, headers) is recorded.
 */
import { createServer, type IncomingMessage, type RequestListener } from "node:http";
import type { Socket } from "node:net";

export interface LocalRequest {
  method: string;
  path: string;
  body: unknown;
  headers: IncomingMessage["headers"];
}

export type LocalAnswer =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string>; delayMs?: number }
  | "hang"
  | "reset";

export interface LocalServer {
  url: string;
  requests: LocalRequest[];
  close(): Promise<void>;
}

/**
 * Any request handler, served on 127.0.0.1 (for answers `localServer` cannot script: streamed,
 * trickled or cut-off bodies). `close()` also ends the connections still open.
 */
export async function serveRaw(handler: RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function localServer(
  handle: (req: LocalRequest, index: number) => LocalAnswer | Promise<LocalAnswer>,
): Promise<LocalServer> {
  const requests: LocalRequest[] = [];
  const { url, close } = await serveRaw((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text || undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {}
      const r: LocalRequest = { method: req.method ?? "", path: req.url ?? "", body, headers: req.headers };
      requests.push(r);
      const answer = await handle(r, requests.length - 1);
      if (answer === "hang") return;
      if (answer === "reset") {
        req.socket.destroy();
        return;
      }
      const send = () => {
        if (answer.text !== undefined) {
          res.writeHead(answer.status ?? 200, { "content-type": "text/plain", ...answer.headers }).end(answer.text);
        } else if (answer.json === undefined) {
          res.writeHead(answer.status ?? 204, answer.headers).end();
        } else {
          res
            .writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers })
            .end(JSON.stringify(answer.json));
        }
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  return { url, requests, close };
}
