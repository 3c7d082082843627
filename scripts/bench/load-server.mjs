// The load run's server: a separate process on 127.0.0.1 that misbehaves on purpose, by the
// sandbox id the client asks for. HTTP: `ok` answers at once, `hang` never answers, `reset`
// drops the connection, `busy` answers 503 (Retry-After: 0), `trickle` sends headers and then a
// byte a second, forever. WebSocket (a terminal): echoes what it is sent; a session named `deaf`
// never answers the close frame. Reports its open sockets on request (IPC), so the client can
// see that nothing it closed stayed open.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { SANDBOX } from "./bodies.mjs";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const sockets = new Set();

function frame(opcode, payload) {
  const head = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.alloc(4);
  if (payload.length >= 126) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(payload.length, 2);
  }
  return Buffer.concat([head, payload]);
}

const server = createServer((req, res) => {
  const kind = /\/v1\/sandbox\/sbx-([a-z]+)/.exec(req.url ?? "")?.[1] ?? "ok";
  req.resume();
  req.on("end", () => {
    if (kind === "hang") return;
    if (kind === "reset") return req.socket.destroy();
    if (kind === "busy")
      return res.writeHead(503, { "Retry-After": "0", "Content-Type": "application/json" }).end("{}");
    if (kind === "trickle") {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100000" });
      const t = setInterval(() => res.write(" "), 1000);
      res.on("close", () => clearInterval(t));
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(SANDBOX) });
    res.end(SANDBOX);
  });
});
server.on("connection", (s) => {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
});
server.on("upgrade", (req, socket) => {
  const deaf = (req.url ?? "").includes("/pty/deaf");
  const accept = createHash("sha1")
    .update(req.headers["sec-websocket-key"] + GUID)
    .digest("base64");
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  let buffer = Buffer.alloc(0);
  socket.on("error", () => {});
  // The client hung up (or destroyed its socket): close this end too, as a server does.
  socket.on("end", () => socket.destroy());
  socket.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const len = buffer[1] & 0x7f;
      const at = len === 126 ? 4 : 2;
      const size = len === 126 ? buffer.readUInt16BE(2) : len;
      if (buffer.length < at + 4 + size) return;
      const mask = buffer.subarray(at, at + 4);
      const data = Buffer.from(buffer.subarray(at + 4, at + 4 + size));
      for (let i = 0; i < data.length; i++) data[i] ^= mask[i % 4];
      const opcode = buffer[0] & 0x0f;
      buffer = buffer.subarray(at + 4 + size);
      if (opcode === 2 && data.length) socket.write(frame(2, data));
      else if (opcode === 8 && !deaf) socket.end(frame(8, data.subarray(0, 2)));
      else if (opcode === 9) socket.write(frame(10, data));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("message", (m) => {
  if (m === "open") process.send?.({ open: sockets.size });
});
process.on("disconnect", () => process.exit(0));
