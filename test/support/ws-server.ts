/**
 * A tiny WebSocket server on 127.0.0.1 (RFC 6455 by hand, so tests control every byte: frames
 * that split a character, a socket destroyed without a close frame, floods), and a front for
 * Prism that pipes HTTP through and answers WebSocket upgrades itself (Prism cannot).
 */
import { createHash } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** One accepted WebSocket, seen from the server. */
export interface WsPeer {
  /** The upgrade request (path, headers). */
  readonly request: IncomingMessage;
  /** Data messages received from the client, in order. */
  readonly received: { opcode: number; data: Buffer }[];
  /** How many pings the client sent. */
  pings: number;
  /** How many close frames the client sent. */
  closeFrames: number;
  /** Called for each data message. */
  onMessage: ((data: Buffer, opcode: number) => void) | undefined;
  sendBinary(data: Uint8Array | string): boolean;
  sendText(text: string): boolean;
  /** Sends a close frame and ends the socket. */
  close(code?: number, reason?: string): void;
  /** Destroys the TCP socket without a close frame (an abnormal close, 1006). */
  destroy(): void;
  /** The raw socket (backpressure, drain). */
  readonly socket: Duplex;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Completes the handshake on `socket` and returns the peer; `ignoreClose`: never answer a close frame. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, ignoreClose = false): WsPeer {
  const key = String(req.headers["sec-websocket-key"] ?? "");
  const accept = createHash("sha1")
    .update(key + GUID)
    .digest("base64");
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  let buffer = head.length ? Buffer.from(head) : Buffer.alloc(0);
  let closed = false;
  const peer: WsPeer = {
    request: req,
    received: [],
    pings: 0,
    closeFrames: 0,
    onMessage: undefined,
    socket,
    sendBinary: (data) => !closed && socket.write(frame(2, Buffer.from(data))),
    sendText: (text) => !closed && socket.write(frame(1, Buffer.from(text, "utf8"))),
    close(code = 1000, reason = "") {
      if (closed) return;
      closed = true;
      const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
      payload.writeUInt16BE(code, 0);
      payload.write(reason, 2);
      socket.end(frame(8, payload));
    },
    destroy() {
      closed = true;
      socket.destroy();
    },
  };
  const parse = () => {
    for (;;) {
      if (buffer.length < 2) return;
      const b0 = buffer[0] as number;
      const b1 = buffer[1] as number;
      let len = b1 & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buffer.length < 4) return;
        len = buffer.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buffer.length < 10) return;
        len = Number(buffer.readBigUInt64BE(2));
        at = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const mask = masked ? buffer.subarray(at, at + 4) : undefined;
      if (masked) at += 4;
      if (buffer.length < at + len) return;
      const data = Buffer.from(buffer.subarray(at, at + len));
      if (mask) for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) ^ (mask[i % 4] as number);
      buffer = buffer.subarray(at + len);
      const opcode = b0 & 0x0f;
      if (opcode === 1 || opcode === 2) {
        peer.received.push({ opcode, data });
        peer.onMessage?.(data, opcode);
      } else if (opcode === 8) {
        peer.closeFrames++;
        if (!closed && !ignoreClose) {
          closed = true;
          socket.end(frame(8, data.subarray(0, 2)));
        }
      } else if (opcode === 9) {
        peer.pings++;
        if (!closed) socket.write(frame(10, data));
      }
    }
  };
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    parse();
  });
  socket.on("error", () => {});
  if (buffer.length) queueMicrotask(parse);
  return peer;
}

export interface RunningWsServer {
  /** `http://127.0.0.1:PORT` (the API root to give the client). */
  url: string;
  server: Server;
  /** Every upgrade request seen, accepted or not. */
  upgrades: IncomingMessage[];
  stop(): Promise<void>;
}

export interface WsServerOptions {
  /** Decides on an upgrade: a status to refuse it with, or undefined to accept. */
  refuse?: (req: IncomingMessage) => number | undefined;
  /** Called with each accepted peer. */
  onConnection?: (peer: WsPeer) => void;
  /** Plain HTTP requests go here (default 404); the Prism front pipes them to Prism. */
  onRequest?: Parameters<typeof createServer>[1];
  /** Never answer the upgrade (handshake timeout tests). */
  stall?: boolean;
  /** Never answer a close frame, and keep sending (a server that ignores the close). */
  ignoreClose?: boolean;
}

/** Starts a WebSocket server on 127.0.0.1. */
export async function startWsServer(options: WsServerOptions = {}): Promise<RunningWsServer> {
  const upgrades: IncomingMessage[] = [];
  const sockets = new Set<Duplex>();
  const server = createServer(
    options.onRequest ??
      ((_req, res) => {
        res.writeHead(404).end();
      }),
  );
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrades.push(req);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (options.stall) return;
    const status = options.refuse?.(req);
    if (status !== undefined) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const peer = acceptWebSocket(req, socket, head, options.ignoreClose);
    options.onConnection?.(peer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    upgrades,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A front for Prism: HTTP requests are piped to Prism unchanged; WebSocket upgrades are
 * answered here (after the same Bearer check Prism makes) and given to `onConnection`.
 */
export function startPrismFront(
  prismUrl: string,
  apiKey: string,
  onConnection: (peer: WsPeer) => void,
): Promise<RunningWsServer> {
  const target = new URL(prismUrl);
  return startWsServer({
    refuse: (req) => (req.headers.authorization === `Bearer ${apiKey}` ? undefined : 401),
    onConnection,
    onRequest: (req, res) => {
      const upstream = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.writeHead(502).end());
      req.pipe(upstream);
    },
  });
}
