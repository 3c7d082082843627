// The benchmark's HTTP server: a separate process, keep-alive, loopback only, fixed answers
// shaped like the contract's, so the client side is all that is measured.
import { createServer } from "node:http";
import { SANDBOX, SNAPSHOT } from "./bodies.mjs";

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
