// The file benchmark's server: a separate process on loopback, keep-alive, serving one
// deterministic 100 MiB file through read-file (offset/limit, as the contract has them) and
// stat, taking write-file uploads and discarding them. Writes in 1 MiB pieces and honours
// backpressure, as a real server streams.
import { createServer } from "node:http";

const MiB = 1024 * 1024;
const SIZE = 100 * MiB;
const FILE = Buffer.alloc(SIZE);
for (let i = 0, x = 7; i < SIZE; i++) {
  x = (x * 1103515245 + 12345) >>> 0;
  FILE[i] = x >>> 24;
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {}));
  });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname.endsWith("/filesystem/write-file")) {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
    return;
  }
  const body = await readJson(req);
  // The file's size is picked by its name: /f10 is 10 MiB, /f100 is 100 MiB.
  const size = Math.min(SIZE, Number(String(body.path ?? "/f10").slice(2)) * MiB);
  if (url.pathname.endsWith("/filesystem/stat")) {
    const info = JSON.stringify({
      name: "f",
      path: body.path,
      is_dir: false,
      size,
      mode: "644",
      mtime: 1,
      owner: "u",
      group: "u",
      is_symlink: false,
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(info) }).end(info);
    return;
  }
  const offset = Math.min(body.offset ?? 0, size);
  const end = body.limit === undefined ? size : Math.min(size, offset + body.limit);
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": end - offset });
  for (let at = offset; at < end; at += MiB) {
    if (!res.write(FILE.subarray(at, Math.min(end, at + MiB)))) await new Promise((r) => res.once("drain", r));
    if (res.destroyed) return;
  }
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("disconnect", () => process.exit(0));
