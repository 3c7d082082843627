/**
 * PTY: the session calls against the Prism contract, and the WebSocket connection against a
 * local WebSocket server on 127.0.0.1 that controls every frame (auth, early output, text and
 * binary frames, a character split across frames, abnormal close, idle, backpressure).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import WsWebSocket from "ws";
import {
  Leap0AbortError,
  Leap0Client,
  Leap0ClientClosedError,
  Leap0ConnectionDroppedError,
  Leap0OutputOverflowError,
  Leap0SessionExitedError,
  Leap0TimeoutError,
  Leap0ValidationError,
  Leap0WebSocketError,
  Leap0WebSocketUnsupportedError,
} from "../src";
import { CLOSE_HANDSHAKE_MS } from "../src/core/websocket";
import { nodeWebSocket } from "../src/node";
import { API_KEY, mockClient } from "./support/helpers";
import { type RunningWsServer, startPrismFront, startWsServer, type WsPeer } from "./support/ws-server";

const running: RunningWsServer[] = [];
const clients: Leap0Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of running.splice(0)) await s.stop();
});

async function wsServer(options: Parameters<typeof startWsServer>[0] = {}): Promise<RunningWsServer> {
  const s = await startWsServer({
    refuse: (req) => (req.headers.authorization === `Bearer ${API_KEY}` ? undefined : 401),
    ...options,
  });
  running.push(s);
  return s;
}

function client(baseUrl: string, apiKey = API_KEY): Leap0Client {
  const c = new Leap0Client({ apiKey, baseUrl, webSocket: nodeWebSocket, maxRetries: 0 });
  clients.push(c);
  return c;
}

/** The next peer the server accepts. */
function nextPeer(): { onConnection: (p: WsPeer) => void; peer: Promise<WsPeer> } {
  let resolve!: (p: WsPeer) => void;
  const peer = new Promise<WsPeer>((r) => {
    resolve = r;
  });
  return { onConnection: resolve, peer };
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 5));
  }
};

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("PTY sessions (Prism contract)", () => {
  it("create accepts id or sessionId and sends the wire names; both differing is refused", async () => {
    const { client: c, rec } = mockClient();
    const sandbox = c.sandboxes.connect("sb-a1");
    const s1 = await sandbox.pty.create({
      id: "term",
      cols: 120,
      rows: 40,
      cwd: "/w",
      envs: { TERM: "x" },
      lazyStart: true,
    });
    await sandbox.pty.create({ sessionId: "term2", rows: 10 });
    expect(rec.sent.map((s) => [s.method, s.path, s.body])).toEqual([
      [
        "POST",
        "/v1/sandbox/sb-a1/pty",
        { id: "term", cols: 120, rows: 40, cwd: "/w", envs: { TERM: "x" }, lazy_start: true },
      ],
      ["POST", "/v1/sandbox/sb-a1/pty", { id: "term2", rows: 10 }],
    ]);
    expect(typeof s1.lazyStart).toBe("boolean");
    expect(typeof s1.createdAt).toBe("string");
    await expect(sandbox.pty.create({ id: "a", sessionId: "b" })).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(rec.sent).toHaveLength(2);
    expect(rec.violations()).toEqual([]);
  });

  it("list returns the sessions; get, delete and both resize forms hit the contract", async () => {
    const { client: c, rec } = mockClient();
    const pty = c.sandboxes.connect("sb-a1").pty;
    const sessions = await pty.list();
    expect(Array.isArray(sessions)).toBe(true);
    await pty.get("my term");
    await pty.delete("my term");
    const r1 = await pty.resize("my term", 200, 50);
    await pty.resize({ sessionId: "my term", cols: 80, rows: 24 });
    expect(typeof r1.cols).toBe("number");
    expect(rec.sent.map((s) => [s.method, s.path, s.body])).toEqual([
      ["GET", "/v1/sandbox/sb-a1/pty", undefined],
      ["GET", "/v1/sandbox/sb-a1/pty/my%20term", undefined],
      ["DELETE", "/v1/sandbox/sb-a1/pty/my%20term", undefined],
      ["POST", "/v1/sandbox/sb-a1/pty/my%20term/resize", { cols: 200, rows: 50 }],
      ["POST", "/v1/sandbox/sb-a1/pty/my%20term/resize", { cols: 80, rows: 24 }],
    ]);
    await expect(pty.resize("t", 1.5, 2)).rejects.toMatchObject({ fieldErrors: [{ field: "cols" }] });
    await expect(pty.resize({ sessionId: "", cols: 1, rows: 2 })).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(rec.sent).toHaveLength(5);
    expect(rec.violations()).toEqual([]);
  });

  it("open() creates a lazily started session, then connects to it before returning", async () => {
    const events: string[] = [];
    const front = await startPrismFront(inject("prismUrl"), API_KEY, (peer) => {
      events.push(`connect ${peer.request.url}`);
      peer.sendBinary("$ ");
    });
    running.push(front);
    const { client: c, rec } = mockClient({ baseUrl: front.url, webSocket: nodeWebSocket });
    clients.push(c);
    const conn = await c.sandboxes.connect("sb-a1").pty.open({ id: "lazy", cols: 100 });
    expect(rec.sent.map((s) => [s.method, s.path, s.body])).toEqual([
      ["POST", "/v1/sandbox/sb-a1/pty", { id: "lazy", cols: 100, lazy_start: true }],
    ]);
    expect(text(await conn.recv())).toBe("$ ");
    expect(events).toEqual([`connect /v1/sandbox/sb-a1/pty/${conn.sessionId}/connect`]);
    conn.close();
  });

  it("open() checks the connection's options and WebSocket class before creating; a failed connection deletes the session without holding up the caller", async () => {
    const requests: string[] = [];
    let answerDelete = true;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      {
        requests.push(`${req.method} ${req.url}`);
        if (req.method === "DELETE" && !answerDelete) return; // a stalled cleanup
        if (req.method === "DELETE") return void res.writeHead(204).end();
        const session = {
          id: "s1",
          cwd: "/",
          envs: {},
          cols: 80,
          rows: 24,
          created_at: "2026-11-25T10:00:00Z",
          active: false,
          lazy_start: true,
        };
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(session));
      }
    };
    const server = await wsServer({ refuse: () => 403, onRequest });
    const pty = client(server.url).sandboxes.connect("sb-a1").pty;
    await expect(pty.open({}, { maxBufferedBytes: 0 })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(pty.open({}, { keepAlive: -5 })).rejects.toBeInstanceOf(Leap0ValidationError);
    const noWs = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, maxRetries: 0 });
    clients.push(noWs);
    vi.stubGlobal("WebSocket", undefined);
    try {
      await expect(noWs.sandboxes.connect("sb-a1").pty.open()).rejects.toBeInstanceOf(Leap0WebSocketUnsupportedError);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(requests).toEqual([]);

    // The handshake is refused: open() rejects and the session it made is deleted.
    await expect(pty.open()).rejects.toBeInstanceOf(Leap0WebSocketError);
    await until(() => requests.length === 2);
    expect(requests).toEqual(["POST /v1/sandbox/sb-a1/pty", "DELETE /v1/sandbox/sb-a1/pty/s1"]);

    // A stalled cleanup does not hold up a caller whose signal ended the call.
    answerDelete = false;
    const stalled = await wsServer({ stall: true, onRequest });
    const ac = new AbortController();
    const started = Date.now();
    const opening = client(stalled.url).sandboxes.connect("sb-a1").pty.open({}, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expect(opening).rejects.toBeInstanceOf(Leap0AbortError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("the WebSocket URL is built on the API root (base path kept), ids percent-encoded", () => {
    const c = new Leap0Client({ apiKey: API_KEY, baseUrl: "https://proxy.example/leap0/" });
    expect(c.sandboxes.connect("sb-a1").pty.websocketUrl("a b/#")).toBe(
      "wss://proxy.example/leap0/v1/sandbox/sb-a1/pty/a%20b%2F%23/connect",
    );
  });
});

describe("PTY WebSocket connection", () => {
  it("authenticates with the Bearer header; a refused handshake is a typed error, not a silent hang", async () => {
    const server = await wsServer({ onConnection: (p) => p.sendBinary("ok") });
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell");
    await conn.ready;
    const req = server.upgrades[0];
    expect(req?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req?.headers["user-agent"]).toMatch(/^leap0-js\//);
    expect(req?.headers["leap0-source"]).toBe("sdk-ts");
    expect(req?.url).toBe("/v1/sandbox/sb-a1/pty/shell/connect");
    conn.close();

    // The client's defaultHeaders (trace context) go with the handshake too.
    const traced = new Leap0Client({
      apiKey: API_KEY,
      baseUrl: server.url,
      webSocket: nodeWebSocket,
      defaultHeaders: { traceparent: "00-abc-def-01" },
    });
    clients.push(traced);
    await traced.sandboxes.connect("sb-a1").pty.connect("shell").ready;
    expect(server.upgrades[1]?.headers.traceparent).toBe("00-abc-def-01");
    expect(server.upgrades[1]?.headers.authorization).toBe(`Bearer ${API_KEY}`);

    const bad = client(server.url, "sk-wrong-key").sandboxes.connect("sb-a1").pty.connect("shell");
    bad.send("queued\n");
    await expect(bad.ready).rejects.toBeInstanceOf(Leap0WebSocketError);
    await expect(bad.recv()).rejects.toThrow(/handshake failed/);
    expect(await bad.closed).toMatchObject({ kind: "failed" });
    expect(() => bad.send("x")).toThrow(Leap0WebSocketError);
    expect(String((await bad.ready.catch((e: Error) => e)) as Error)).not.toContain("sk-wrong-key");
  });

  it("send() right after connect() is queued until open; output sent before the first recv() is kept, in order", async () => {
    const { onConnection, peer } = nextPeer();
    const server = await wsServer({
      onConnection: (p) => {
        p.sendBinary("one ");
        p.sendBinary("two ");
        p.sendBinary("three");
        onConnection(p);
      },
    });
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell");
    conn.send("ls -la\n");
    conn.send(bytes(3));
    const p = await peer;
    await until(() => p.received.length === 2);
    expect(p.received.map((m) => [m.opcode, m.data.toString("latin1")])).toEqual([
      [2, "ls -la\n"],
      [2, "\x03"],
    ]);
    await until(() => conn.unreadBytes === 13);
    await new Promise((r) => setTimeout(r, 50));
    expect(text(await conn.recv())).toBe("one ");
    expect(text(await conn.recv())).toBe("two ");
    expect(text(await conn.recv())).toBe("three");
    conn.close();
  });

  it("text and binary frames both arrive as bytes; a character split across frames is decoded whole", async () => {
    const server = await wsServer({
      onConnection: (p) => {
        p.sendText("héllo ");
        p.sendBinary(bytes(0x00, 0xff));
        // "é€" split mid-character: C3 | A9 E2 | 82 | AC
        p.sendBinary(bytes(0xc3));
        p.sendBinary(bytes(0xa9, 0xe2));
        p.sendBinary(bytes(0x82));
        p.sendBinary(bytes(0xac));
        p.close(1000, "exit 0");
      },
    });
    const pty = client(server.url).sandboxes.connect("sb-a1").pty;
    const conn = pty.connect("shell");
    expect(text(await conn.recv())).toBe("héllo ");
    expect(await conn.recv()).toEqual(bytes(0x00, 0xff));
    const pieces: string[] = [];
    for await (const t of conn.texts()) pieces.push(t);
    expect(pieces.join("")).toBe("é€");
    expect(pieces.join("")).not.toContain("\uFFFD");
    expect(pieces).toEqual(["é", "€"]);

    // recvText() on a second connection: never yields a half character.
    const conn2 = pty.connect("shell");
    const got: string[] = [];
    got.push(await conn2.recvText());
    await conn2.recv(); // the binary 00 FF frame
    got.push(await conn2.recvText(), await conn2.recvText());
    expect(got).toEqual(["héllo ", "é", "€"]);
    await expect(conn2.recvText()).rejects.toBeInstanceOf(Leap0SessionExitedError);
  });

  it("a clean close from the server is 'session exited'; for await ends without error", async () => {
    const server = await wsServer({
      onConnection: (p) => {
        p.sendBinary("bye\n");
        p.close(1000, "shell exited");
      },
    });
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell");
    const chunks: string[] = [];
    for await (const chunk of conn) chunks.push(text(chunk));
    expect(chunks).toEqual(["bye\n"]);
    expect(await conn.closed).toEqual({ kind: "exited", code: 1000, reason: "shell exited" });
    const error = await conn.recv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Leap0SessionExitedError);
    expect(error).toMatchObject({ closeCode: 1000, closeReason: "shell exited" });
  });

  it("an abnormal close (socket destroyed, no close frame) is 'connection dropped', after the output already received", async () => {
    const server = await wsServer({
      onConnection: (p) => {
        p.sendBinary("partial");
        setTimeout(() => p.destroy(), 30);
      },
    });
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell");
    const info = await conn.closed;
    expect(info).toMatchObject({ kind: "dropped", code: 1006 });
    expect(text(await conn.recv())).toBe("partial");
    await expect(conn.recv()).rejects.toBeInstanceOf(Leap0ConnectionDroppedError);
    await expect(conn.recv()).rejects.toThrow(/connect again/);
    const iterated = (async () => {
      for await (const _ of conn) {
        // nothing left
      }
    })();
    await expect(iterated).rejects.toBeInstanceOf(Leap0ConnectionDroppedError);
    // A server error code is a drop too, not an exit.
    const server2 = await wsServer({ onConnection: (p) => p.close(1011, "internal error") });
    const conn2 = client(server2.url).sandboxes.connect("sb-a1").pty.connect("shell");
    expect(await conn2.closed).toMatchObject({ kind: "dropped", code: 1011 });
  });

  it("the `ws` package's WebSocket class works as the webSocket option (what Node 20 users pass)", async () => {
    const { onConnection, peer } = nextPeer();
    const server = await wsServer({
      onConnection: (p) => {
        p.sendText("héllo ");
        p.sendBinary(bytes(0x00, 0xff));
        p.sendBinary(bytes(0xe2, 0x82)); // "€" split across frames
        p.sendBinary(bytes(0xac));
        onConnection(p);
      },
    });
    const ws = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, webSocket: WsWebSocket, maxRetries: 0 });
    clients.push(ws);
    const pty = ws.sandboxes.connect("sb-a1").pty;
    const conn = pty.connect("shell", { keepAlive: 0.05 });
    conn.send("ls\n"); // queued until the handshake is done
    await conn.ready;
    expect(server.upgrades[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const p = await peer;
    await until(() => p.received.length === 1);
    expect(p.received.map((m) => [m.opcode, m.data.toString()])).toEqual([[2, "ls\n"]]);
    expect(text(await conn.recv())).toBe("héllo ");
    expect(await conn.recv()).toEqual(bytes(0x00, 0xff));
    expect(await conn.recvText()).toBe("€");
    await until(() => p.pings >= 1); // ws has ping(): keepalive uses it
    p.close(1000, "exit 0");
    expect(await conn.closed).toEqual({ kind: "exited", code: 1000, reason: "exit 0" });

    const bad = new Leap0Client({ apiKey: "sk-wrong-key", baseUrl: server.url, webSocket: WsWebSocket });
    clients.push(bad);
    const refused = bad.sandboxes.connect("sb-a1").pty.connect("shell");
    await expect(refused.ready).rejects.toBeInstanceOf(Leap0WebSocketError);
    expect(String(await refused.ready.catch((e: Error) => e))).not.toContain("sk-wrong-key");

    const dropping = await wsServer({ onConnection: (q) => setTimeout(() => q.destroy(), 20) });
    const dropped = new Leap0Client({ apiKey: API_KEY, baseUrl: dropping.url, webSocket: WsWebSocket });
    clients.push(dropped);
    expect(await dropped.sandboxes.connect("sb-a1").pty.connect("shell").closed).toMatchObject({
      kind: "dropped",
      code: 1006,
    });
  });

  it("a close reason that echoes the API key is scrubbed from the error and the close info", async () => {
    const server = await wsServer({ onConnection: (p) => p.close(4000, `bad Bearer ${API_KEY}`.slice(0, 120)) });
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell");
    const info = await conn.closed;
    expect(info.reason).toBe("bad Bearer [redacted]");
    const error = await conn.recv().catch((e: unknown) => e);
    expect(String(error)).toContain("[redacted]");
    expect(String(error)).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it("idle: keepalive pings reach the server while nothing is typed; a timed-out recv() loses nothing", async () => {
    const { onConnection, peer } = nextPeer();
    const server = await wsServer({ onConnection });
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell", { keepAlive: 0.05 });
    await conn.ready;
    const p = await peer;
    await expect(conn.recv({ timeout: 0.1 })).rejects.toBeInstanceOf(Leap0TimeoutError);
    await until(() => p.pings >= 2);
    p.sendBinary("late");
    expect(text(await conn.recv({ timeout: 2 }))).toBe("late");
    const ac = new AbortController();
    const waiting = conn.recv({ signal: ac.signal });
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(Leap0AbortError);
    p.sendBinary("still here");
    expect(text(await conn.recv())).toBe("still here");
    // keepAlive: 0 sends none.
    const { onConnection: on2, peer: peer2 } = nextPeer();
    const quiet = await wsServer({ onConnection: on2 });
    const conn2 = client(quiet.url).sandboxes.connect("sb-a1").pty.connect("shell", { keepAlive: 0 });
    await conn2.ready;
    await new Promise((r) => setTimeout(r, 150));
    expect((await peer2).pings).toBe(0);
    conn.close();
    conn2.close();
  });

  /** `ws` without its ping(): a class like Node 22+'s global WebSocket, Bun's or Deno's. */
  class NoPingWebSocket extends WsWebSocket {
    declare ping: never;
  }
  Object.defineProperty(NoPingWebSocket.prototype, "ping", { value: undefined });
  const globalWebSocket = (globalThis as { WebSocket?: typeof nodeWebSocket }).WebSocket;

  const noPing: [string, typeof nodeWebSocket][] = [
    ["a class that cannot ping", NoPingWebSocket as unknown as typeof nodeWebSocket],
  ];
  if (globalWebSocket) noPing.push(["this runtime's global WebSocket", globalWebSocket]);
  it.each(noPing)(
    "idle over %s: empty binary messages keep it alive (zero bytes of input)",
    async (_what, WebSocketClass) => {
      const { onConnection, peer } = nextPeer();
      const server = await wsServer({ onConnection });
      const c = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, webSocket: WebSocketClass, maxRetries: 0 });
      clients.push(c);
      const conn = c.sandboxes.connect("sb-a1").pty.connect("shell", { keepAlive: 0.05 });
      await conn.ready;
      const p = await peer;
      await until(() => p.received.length >= 2);
      expect(p.pings).toBe(0);
      expect(p.received.every((m) => m.opcode === 2 && m.data.length === 0)).toBe(true);
      // Typed input still arrives as it was sent, between them.
      conn.send("ls\n");
      await until(() => p.received.some((m) => m.data.toString() === "ls\n"));
      conn.close();
    },
  );

  it("backpressure: unread output is bounded; past the bound the connection closes, buffered output stays readable", async () => {
    const frame = new Uint8Array(8192).fill(0x61);
    const server = await wsServer({
      onConnection: (p) => {
        for (let i = 0; i < 64; i++) p.sendBinary(frame);
      },
    });
    const limit = 64 * 1024;
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell", { maxBufferedBytes: limit });
    expect(await conn.closed).toMatchObject({ kind: "overflow" });
    expect(conn.unreadBytes).toBeLessThanOrEqual(limit + frame.byteLength);
    let read = 0;
    for (;;) {
      const chunk = await conn.recv().catch((e: unknown) => e);
      if (!(chunk instanceof Uint8Array)) {
        expect(chunk).toBeInstanceOf(Leap0OutputOverflowError);
        break;
      }
      read += chunk.byteLength;
    }
    expect(read).toBe(limit + frame.byteLength);
  });

  it("onData gets buffered output first, then live output; recv() is refused meanwhile", async () => {
    const { onConnection, peer } = nextPeer();
    const server = await wsServer({
      onConnection: (p) => {
        p.sendBinary("early");
        onConnection(p);
      },
    });
    const conn = client(server.url).sandboxes.connect("sb-a1").pty.connect("shell");
    await until(() => conn.unreadBytes === 5);
    const seen: string[] = [];
    const off = conn.onData((c) => seen.push(text(c)));
    (await peer).sendBinary("live");
    await until(() => seen.length === 2);
    expect(seen).toEqual(["early", "live"]);
    await expect(conn.recv()).rejects.toThrow(/onData/);
    off();
    (await peer).sendBinary("after");
    expect(text(await conn.recv())).toBe("after");
    conn.close();
  });

  it("the handshake is bounded by its timeout and by the caller's signal", async () => {
    const server = await wsServer({ stall: true });
    const pty = client(server.url).sandboxes.connect("sb-a1").pty;
    const started = Date.now();
    const slow = pty.connect("shell", { timeout: 0.2 });
    await expect(slow.ready).rejects.toBeInstanceOf(Leap0TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await slow.closed).toMatchObject({ kind: "failed" });

    const ac = new AbortController();
    const aborted = pty.connect("shell", { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(aborted.ready).rejects.toBeInstanceOf(Leap0AbortError);
    await expect(aborted.recv()).rejects.toBeInstanceOf(Leap0AbortError);
  });

  it("close(), await using and client.close() end the connection; the server sees a normal close", async () => {
    const peers: WsPeer[] = [];
    const server = await wsServer({ onConnection: (p) => peers.push(p) });
    const c = client(server.url);
    const pty = c.sandboxes.connect("sb-a1").pty;
    const conn = pty.connect("shell");
    await conn.ready;
    conn.close();
    expect(await conn.closed).toMatchObject({ kind: "closed", code: 1000 });
    expect(() => conn.send("x")).toThrow(Leap0WebSocketError);

    const disposed = pty.connect("shell");
    await disposed.ready;
    await disposed[Symbol.asyncDispose]();
    expect(await disposed.closed).toMatchObject({ kind: "closed" });

    const live = pty.connect("shell");
    await live.ready;
    const pending = live.recv();
    await c.close();
    await expect(pending).rejects.toBeInstanceOf(Leap0ClientClosedError);
    expect(() => pty.connect("shell")).toThrow(Leap0ClientClosedError);
    await until(() => peers.length === 3 && peers.every((p) => p.socket.destroyed || !p.socket.writable));
  });

  it("without a WebSocket that can send the Authorization header, connect() refuses instead of connecting unauthenticated", async () => {
    const server = await wsServer();
    const c = new Leap0Client({ apiKey: API_KEY, baseUrl: server.url });
    clients.push(c);
    const hasGlobal = typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function";
    if (!hasGlobal) {
      expect(() => c.sandboxes.connect("sb-a1").pty.connect("shell")).toThrow(Leap0WebSocketUnsupportedError);
      expect(() => c.sandboxes.connect("sb-a1").pty.connect("shell")).toThrow(/nodeWebSocket/);
    }
    // A browser: a global WebSocket and no server runtime.
    const g = globalThis as { WebSocket?: unknown; process?: unknown };
    const saved = { ws: g.WebSocket, process: g.process };
    g.WebSocket = nodeWebSocket;
    g.process = undefined;
    try {
      expect(() => c.sandboxes.connect("sb-a1").pty.connect("shell")).toThrow(/cannot send the Authorization header/);
    } finally {
      g.WebSocket = saved.ws;
      g.process = saved.process;
    }
    expect(server.upgrades).toHaveLength(0);
    expect(() => new Leap0Client({ apiKey: API_KEY, webSocket: "ws" as never })).toThrow(/webSocket/);
  });
});

describe.each([
  ["nodeWebSocket (undici)", nodeWebSocket],
  ["ws", WsWebSocket as unknown as typeof nodeWebSocket],
])("PTY connections over %s: bounded per message, gone after their close", (_name, WebSocketClass) => {
  function wsClient(baseUrl: string): Leap0Client {
    const c = new Leap0Client({ apiKey: API_KEY, baseUrl, webSocket: WebSocketClass, maxRetries: 0 });
    clients.push(c);
    return c;
  }
  /** Resolves once the client has hung up its end of the server's socket. */
  const clientHungUp = (socket: WsPeer["socket"]) =>
    new Promise<void>((resolve) => {
      if (socket.readableEnded || socket.destroyed) return resolve();
      socket.once("end", resolve);
      socket.once("close", resolve);
    });

  it("one message larger than maxBufferedBytes closes the connection at its header, before it is buffered", async () => {
    // 100 MiB: under undici's own default bound (128 MiB), so only the SDK's bound stops it.
    const size = 100 * 1024 * 1024;
    let written = 0;
    let hungUp = false;
    const server = await wsServer({
      onConnection: (p) => {
        // A binary frame that announces its size, then its payload 1 MiB at a time.
        const head = Buffer.alloc(10);
        head[0] = 0x82;
        head[1] = 127;
        head.writeBigUInt64BE(BigInt(size), 2);
        p.socket.write(head);
        void clientHungUp(p.socket).then(() => {
          hungUp = true;
        });
        const chunk = Buffer.alloc(1024 * 1024, 0x61);
        const pump = () => {
          while (!hungUp && written < size) {
            written += chunk.length;
            if (!p.socket.write(chunk)) return void p.socket.once("drain", pump);
          }
        };
        pump();
      },
    });
    const conn = wsClient(server.url)
      .sandboxes.connect("sb-a1")
      .pty.connect("shell", { maxBufferedBytes: 1024 * 1024 });
    const info = await conn.closed;
    if (WebSocketClass === nodeWebSocket) {
      // undici says nothing of why it closed (its close event reads 1006, its error event is empty).
      expect(info).toMatchObject({ kind: "dropped", code: 1006 });
    } else {
      expect(info).toMatchObject({ kind: "overflow", code: 1009 });
      await expect(conn.recv()).rejects.toBeInstanceOf(Leap0OutputOverflowError);
    }
    await until(() => hungUp, 5000);
    // Only what sat in socket buffers when the client hung up, never the whole message.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it("a server that ignores the close frame: the socket is destroyed within the close handshake's bound", async () => {
    const { onConnection, peer } = nextPeer();
    const server = await wsServer({ ignoreClose: true, onConnection });
    const conn = wsClient(server.url).sandboxes.connect("sb-a1").pty.connect("shell");
    await conn.ready;
    const p = await peer;
    const keepTalking = setInterval(() => p.sendBinary("still here"), 50);
    try {
      const started = Date.now();
      conn.close();
      expect(await conn.closed).toMatchObject({ kind: "closed" });
      await clientHungUp(p.socket);
      expect(p.closeFrames).toBe(1);
      expect(Date.now() - started).toBeLessThan(CLOSE_HANDSHAKE_MS + 1500);
    } finally {
      clearInterval(keepTalking);
    }
  });

  it("a handshake that times out leaves no socket behind", async () => {
    const server = await wsServer({ stall: true });
    const conn = wsClient(server.url).sandboxes.connect("sb-a1").pty.connect("shell", { timeout: 0.2 });
    await expect(conn.ready).rejects.toBeInstanceOf(Leap0TimeoutError);
    const req = server.upgrades[0];
    if (!req) throw new Error("no upgrade request reached the server");
    const started = Date.now();
    await clientHungUp(req.socket);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
