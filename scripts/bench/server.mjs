// The benchmark's HTTP server: a separate process, keep-alive, loopback only, fixed answers
// shaped like the contract's, so the client side is all that is measured.
import { createServer } from "node:http";

const SANDBOX = JSON.stringify({
  id: "sbx-bench0001",
  template_id: "tpl-debian-bookworm",
  vcpu: 2,
  memory: 2048,
  disk: 4096,
  timeout: 1800,
  state: "running",
  auto_pause: false,
  network_policy: { mode: "allow-all" },
  created_at: "2026-11-25T10:00:00Z",
});
const SNAPSHOT = JSON.stringify({
  id: "snap-bench0001",
  name: "warm",
  template_id: "tpl-debian-bookworm",
  vcpu: 2,
  memory: 2048,
  disk: 4096,
  network_policy: { mode: "allow-all" },
  created_at: "2026-11-25T10:00:00Z",
});

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const body = req.url.endsWith("/snapshot/create") ? SNAPSHOT : SANDBOX;
    res.writeHead(req.method === "POST" ? 201 : 200, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("disconnect", () => process.exit(0));
