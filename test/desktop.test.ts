import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";
import {
  DEFAULT_DESKTOP_TEMPLATE_NAME,
  Leap0AbortError,
  Leap0AuthenticationError,
  Leap0BadRequestError,
  Leap0Client,
  Leap0ClientClosedError,
  Leap0ConflictError,
  Leap0NotFoundError,
  Leap0ResponseTooLargeError,
  Leap0ServerError,
  Leap0TimeoutError,
  Leap0ValidationError,
  type ProcessStatusResponse,
} from "../src";
import { API_KEY, sandboxOnPrism, transportFetch } from "./support/helpers";
import { type ScriptServer, sseHead, startScriptServer, tick } from "./support/script-server";

const sandboxes = sandboxOnPrism();
function onPrism(headers?: Record<string, string>) {
  const { sandbox, rec } = sandboxes(headers);
  return { desktop: sandbox.desktop, rec };
}

describe("sandbox.desktop against the Prism mock", () => {
  test("the template constant and desktopUrl() (the sandbox's own host, never hand-built)", () => {
    expect(DEFAULT_DESKTOP_TEMPLATE_NAME).toBe("system/desktop:v0.1.0");
    const client = new Leap0Client({ apiKey: API_KEY, sandboxDomain: "sandbox.example.dev" });
    expect(client.sandboxes.connect("sbx-a9").desktop.desktopUrl()).toBe("https://sbx-a9.sandbox.example.dev/");
    const local = new Leap0Client({ apiKey: API_KEY, sandboxUrl: "http://127.0.0.1:9999/{sandboxId}" });
    expect(local.sandboxes.connect("sbx-a9").desktop.desktopUrl()).toBe("http://127.0.0.1:9999/sbx-a9/");
  });

  test("every read-only operation reaches its path and returns the parsed body", async () => {
    const { desktop, rec } = onPrism();
    expect(await desktop.health()).toEqual({ ok: true });
    expect(await desktop.displayInfo()).toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
    expect(await desktop.screen()).toHaveProperty("display");
    expect(Array.isArray(await desktop.windows())).toBe(true);
    expect(await desktop.pointerPosition()).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });
    expect(await desktop.recordingStatus()).toBeTypeOf("object");
    expect(Array.isArray(await desktop.recordings())).toBe(true);
    await desktop.getRecording("rec-1");
    expect(await desktop.processStatus()).toMatchObject({ items: expect.any(Array) });
    await desktop.getProcess("x11vnc");
    await desktop.processLogs("novnc");
    await desktop.processErrors("xvfb");
    expect(rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      "GET /api/healthz 200",
      "GET /api/display 200",
      "GET /api/display/screen 200",
      "GET /api/display/windows 200",
      "GET /api/input/position 200",
      "GET /api/recording 200",
      "GET /api/recordings 200",
      "GET /api/recordings/rec-1 200",
      "GET /api/status 200",
      "GET /api/process/x11vnc/status 200",
      "GET /api/process/novnc/logs 200",
      "GET /api/process/xvfb/errors 200",
    ]);
    for (const s of rec.sent) expect(s.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
  });

  test("pointer and keyboard send exact wire bodies, in both documented forms", async () => {
    const { desktop, rec } = onPrism();
    await desktop.movePointer(320, 240);
    await desktop.movePointer({ x: 1, y: 2 });
    await desktop.click({ x: 320, y: 240, button: 1 });
    await desktop.click({ button: 3 });
    await desktop.click();
    await desktop.drag({ fromX: 100, fromY: 200, toX: 400, toY: 200 });
    await desktop.scroll({ direction: "down", amount: 3 });
    expect(await desktop.typeText("hello from Leap0")).toBe(true);
    await desktop.typeText({ text: "x" });
    expect(await desktop.pressKey("Return")).toBe(true);
    expect(await desktop.hotkey(["ctrl", "l"])).toBe(true);
    await desktop.hotkey({ keys: ["ctrl", "c"] });
    await desktop.resizeScreen({ width: 1280, height: 800 });
    expect(rec.sent.map((s) => [s.method, s.path, s.body])).toEqual([
      ["POST", "/api/input/move", { x: 320, y: 240 }],
      ["POST", "/api/input/move", { x: 1, y: 2 }],
      ["POST", "/api/input/click", { x: 320, y: 240, button: 1 }],
      ["POST", "/api/input/click", { button: 3 }],
      ["POST", "/api/input/click", {}],
      ["POST", "/api/input/drag", { from_x: 100, from_y: 200, to_x: 400, to_y: 200 }],
      ["POST", "/api/input/scroll", { direction: "down", amount: 3 }],
      ["POST", "/api/input/type", { text: "hello from Leap0" }],
      ["POST", "/api/input/type", { text: "x" }],
      ["POST", "/api/input/press", { key: "Return" }],
      ["POST", "/api/input/hotkey", { keys: ["ctrl", "l"] }],
      ["POST", "/api/input/hotkey", { keys: ["ctrl", "c"] }],
      ["POST", "/api/display/screen", { width: 1280, height: 800 }],
    ]);
    expect(rec.sent.every((s) => s.status === 200)).toBe(true);
  });

  test("the contract's bounds are checked before sending, naming the field", async () => {
    const { desktop, rec } = onPrism();
    const cases: Array<[Promise<unknown>, string]> = [
      [desktop.resizeScreen({ width: 100, height: 800 }), "width"],
      [desktop.movePointer(-1, 0), "x"],
      [desktop.click({ button: 4 }), "button"],
      [desktop.scroll({ direction: "down", amount: 101 }), "amount"],
      [desktop.hotkey([]), "keys"],
      [desktop.hotkey(Array.from({ length: 11 }, () => "a")), "keys"],
      [desktop.typeText("x".repeat(50_001)), "text"],
      [desktop.screenshot({ quality: 0 }), "quality"],
      // @ts-expect-error not a documented format
      [desktop.screenshotRegion({ x: 0, y: 0, width: 10, height: 10, format: "gif" }), "format"],
    ];
    for (const [p, field] of cases) {
      const err = (await p.catch((e) => e)) as Leap0ValidationError;
      expect(err).toBeInstanceOf(Leap0ValidationError);
      expect(err.fieldErrors.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect(rec.sent).toHaveLength(0);
  });

  test("recordings: start, stop, delete; documented conflicts and 404s are typed", async () => {
    const { desktop, rec } = onPrism();
    await desktop.startRecording();
    await desktop.stopRecording();
    await desktop.deleteRecording({ id: "rec-1" });
    await desktop.restartProcess("xfce4");
    expect(rec.sent.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual([
      "POST /api/recording/start 201",
      "POST /api/recording/stop 200",
      "DELETE /api/recordings/rec-1 204",
      "POST /api/process/xfce4/restart 200",
    ]);
    const busy = onPrism({ Prefer: "code=409" });
    await expect(busy.desktop.startRecording()).rejects.toBeInstanceOf(Leap0ConflictError);
    await expect(busy.desktop.deleteRecording("rec-1")).rejects.toBeInstanceOf(Leap0ConflictError);
    const gone = onPrism({ Prefer: "code=404" });
    const err = await gone.desktop.getRecording("rec-x").catch((e) => e);
    expect(err).toBeInstanceOf(Leap0NotFoundError);
    expect(err.message).toContain("rec-x");
    await expect(gone.desktop.downloadRecording("rec-x")).rejects.toBeInstanceOf(Leap0NotFoundError);
    const bad = onPrism({ Prefer: "code=400" });
    await expect(bad.desktop.processLogs("novnc")).rejects.toBeInstanceOf(Leap0BadRequestError);
  });

  test("screenshot({ format, quality }) sends a query and answers bytes", async () => {
    const { desktop, rec } = onPrism();
    const bytes = await desktop.screenshot({ format: "jpeg", quality: 85 });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(rec.sent[0]?.path).toBe("/api/screenshot");
    expect(Object.fromEntries(rec.sent[0]?.query ?? [])).toEqual({ format: "jpeg", quality: "85" });
    const region = await desktop.screenshotRegion({ x: 0, y: 0, width: 800, height: 600, format: "jpg", quality: 85 });
    expect(region).toBeInstanceOf(Uint8Array);
    expect(rec.sent[1]?.body).toEqual({ x: 0, y: 0, width: 800, height: 600, format: "jpg", quality: 85 });
  });

  test("a wrong key is a Leap0AuthenticationError, and the key never appears in the message", async () => {
    const other = new Leap0Client({
      apiKey: API_KEY,
      baseUrl: inject("prismUrl"),
      sandboxUrl: inject("prismUrl"),
      fetch: (input, init) => {
        const r = new Request(input, init);
        r.headers.set("Authorization", "Basic nope");
        return fetch(r);
      },
    });
    const err = await other.sandboxes
      .connect("sbx-a1")
      .desktop.health()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Leap0AuthenticationError);
    expect(String(err.message)).not.toContain(API_KEY);
  });
});

describe("desktop over a real server (bytes, streams, readiness)", () => {
  let server: ScriptServer;
  let client: Leap0Client;
  beforeAll(async () => {
    server = await startScriptServer();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await client.close();
  });
  const desktop = (opts: { timeout?: number; maxResponseBytes?: number; maxRetries?: number } = {}) => {
    client = new Leap0Client({
      apiKey: API_KEY,
      fetch: transportFetch,
      sandboxUrl: server.url,
      maxRetries: 0,
      ...opts,
    });
    return client.sandboxes.connect("sbx-a1").desktop;
  };
  const status = (s: string, running: number, total = 4) => ({
    status: s,
    items: [{ name: "xvfb", running: true, pid: 7, stdout_log: "/l/o", stderr_log: "/l/e" }],
    running,
    total,
  });

  test("reads are retried like the control plane's (a 502 then the answer); a click after a 502 is not", async () => {
    let n = 0;
    server.handle((_req, res) => {
      n++;
      if (n === 1) res.writeHead(502).end();
      else res.writeHead(200, { "Content-Type": "application/json" }).end('{"display":":0","width":1440,"height":900}');
    });
    expect(await desktop({ maxRetries: 2 }).displayInfo()).toEqual({ display: ":0", width: 1440, height: 900 });
    expect(n).toBe(2);

    n = 0;
    const err = await desktop({ maxRetries: 2 })
      .click({ x: 1, y: 1 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Leap0ServerError);
    expect(err.mayHaveSucceeded).toBe(true);
    expect(n).toBe(1);
  });

  test("screenshot bytes arrive exactly, every byte value included", async () => {
    const png = Buffer.alloc(70_000);
    for (let i = 0; i < png.length; i++) png[i] = (i * 7 + 3) % 256;
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "image/png" }).end(png);
    });
    const bytes = await desktop().screenshot({ format: "png" });
    expect(Buffer.from(bytes).equals(png)).toBe(true);
    expect(server.requests.at(-1)?.headers.accept).toContain("image/png");
  });

  test("downloadRecording() as bytes is refused above maxResponseBytes instead of buffered", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "video/mp4" }).end(Buffer.alloc(256 * 1024, 1));
    });
    const err = await desktop({ maxResponseBytes: 64 * 1024 })
      .downloadRecording("rec-1")
      .catch((e) => e);
    expect(err).toBeInstanceOf(Leap0ResponseTooLargeError);
    const ok = await desktop({ maxResponseBytes: 1024 * 1024 }).downloadRecording("rec-1");
    expect(ok.byteLength).toBe(256 * 1024);
  });

  test("downloadRecording({ format: 'stream' }) streams a file larger than maxResponseBytes, byte-exact", async () => {
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
    const chunks = 64; // 4 MiB
    server.handle(async (req, res) => {
      expect(req.path).toBe("/api/recordings/rec-1/download");
      res.writeHead(200, { "Content-Type": "video/mp4" });
      for (let i = 0; i < chunks; i++) {
        if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
      }
      res.end();
    });
    const stream = await desktop({ maxResponseBytes: 1024 * 1024 }).downloadRecording(
      { id: "rec-1" },
      { format: "stream" },
    );
    let total = 0;
    let exact = true;
    const reader = stream.getReader();
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      for (let i = 0; i < part.length; i++) if (part[i] !== ((total + i) % (64 * 1024)) % 251) exact = false;
      total += part.length;
    }
    expect(total).toBe(chunks * chunk.length);
    expect(exact).toBe(true);
  });

  test("a recording stream that stalls fails with Leap0TimeoutError; cancel() releases the connection", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "video/mp4" });
      res.write(Buffer.alloc(1000));
    });
    const stream = await desktop({ timeout: 0.4 }).downloadRecording("rec-1", { format: "stream" });
    const reader = stream.getReader();
    expect((await reader.read()).value?.length).toBe(1000);
    await expect(reader.read()).rejects.toBeInstanceOf(Leap0TimeoutError);
    await server.requests.at(-1)?.closed;

    const again = await desktop().downloadRecording("rec-1", { format: "stream" });
    await again.cancel();
    await server.requests.at(-1)?.closed;
  });

  test("statusStream() yields camelCase statuses across split chunks until the caller stops", async () => {
    server.handle(async (_req, res) => {
      sseHead(res);
      const one = `data: ${JSON.stringify(status("degraded", 3))}\n\n`;
      const two = `event: status\ndata: ${JSON.stringify(status("running", 4))}\n\n`;
      const wire = Buffer.from(one + two);
      for (let i = 0; i < wire.length; i += 5) {
        res.write(wire.subarray(i, i + 5));
        await tick(0);
      }
      // A live stream: heartbeats until the client goes away.
      for (let i = 0; i < 500 && !res.destroyed; i++) {
        res.write(`data: ${JSON.stringify(status("running", 4))}\n\n`);
        await tick(20);
      }
      res.end();
    });
    const seen: ProcessStatusResponse[] = [];
    const started = Date.now();
    for await (const s of desktop().statusStream()) {
      seen.push(s);
      if (seen.length === 2) break;
    }
    expect(seen.map((s) => [s.status, s.running])).toEqual([
      ["degraded", 3],
      ["running", 4],
    ]);
    expect(seen[0]?.items[0]).toEqual({ name: "xvfb", running: true, pid: 7, stdoutLog: "/l/o", stderrLog: "/l/e" });
    expect(server.requests.at(-1)?.headers.accept).toContain("text/event-stream");
    await server.requests.at(-1)?.closed;
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("statusStream(): an `event: error` is thrown as Leap0ServerError; abort ends it with Leap0AbortError", async () => {
    server.handle((_req, res) => {
      sseHead(res);
      res.write("event: error\ndata: supervisor unavailable\n\n");
    });
    const err = await (async () => {
      for await (const _ of desktop().statusStream()) {
        // no status arrives
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Leap0ServerError);
    expect(err.message).toContain("supervisor unavailable");

    // A proxy that echoes the request's Authorization header into the error event.
    server.handle((req, res) => {
      sseHead(res);
      res.write(`event: error\ndata: denied for ${req.headers.authorization}\n\n`);
    });
    const echoed = await (async () => {
      for await (const _ of desktop().statusStream()) {
        // no status arrives
      }
    })().catch((e) => e);
    expect(echoed.message).toContain("denied for Bearer [redacted]");
    expect(echoed.message).not.toContain(API_KEY);

    server.handle(async (_req, res) => {
      sseHead(res);
      for (let i = 0; i < 500 && !res.destroyed; i++) {
        res.write(`data: ${JSON.stringify(status("running", 4))}\n\n`);
        await tick(10);
      }
      res.end();
    });
    const ctl = new AbortController();
    const aborted = await (async () => {
      let n = 0;
      for await (const _ of desktop().statusStream({ signal: ctl.signal })) if (++n === 2) ctl.abort();
    })().catch((e) => e);
    expect(aborted).toBeInstanceOf(Leap0AbortError);
    await server.requests.at(-1)?.closed;
  });

  test("waitUntilReady() waits out 503s, refused statuses and degraded states, then returns", async () => {
    let n = 0;
    server.handle((req, res) => {
      expect(req.path).toBe("/api/status");
      n++;
      if (n === 1) res.writeHead(503, { "Content-Type": "application/json" }).end('{"message":"starting"}');
      else if (n === 2)
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(status("degraded", 2)));
      else res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(status("running", 4)));
    });
    await desktop().waitUntilReady({ timeout: 10 });
    expect(n).toBe(3);
  });

  test("waitUntilReady() never outlives its timeout, and says what it last saw", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(status("degraded", 1)));
    });
    const started = Date.now();
    const err = await desktop()
      .waitUntilReady({ timeout: 1 })
      .catch((e) => e);
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(Leap0TimeoutError);
    expect(err.message).toContain("1 of 4");
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(1600);

    // A server that hangs is cut off at the deadline too, not at the client's timeout.
    server.handle(() => {
      /* never answers */
    });
    const t2 = Date.now();
    await expect(desktop({ timeout: 30 }).waitUntilReady(0.5)).rejects.toBeInstanceOf(Leap0TimeoutError);
    expect(Date.now() - t2).toBeLessThan(1500);
  });

  test("a last poll cut off by the wait's own deadline does not hide what the desktop last said", async () => {
    // The first poll answers; every later one hangs until the wait runs out, so the last poll
    // always ends by the wait's deadline. Its timeout says nothing about the desktop.
    let n = 0;
    server.handle((_req, res) => {
      if (++n === 1)
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(status("degraded", 1)));
    });
    const err = await desktop()
      .waitUntilReady({ timeout: 0.8 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Leap0TimeoutError);
    expect(err.message).toContain("1 of 4");
    expect(n).toBe(2);
  });

  test("waitUntilReady() ends at once when the client is closed, mid-pause", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(status("degraded", 1)));
    });
    const waiting = desktop().waitUntilReady({ timeout: 10 });
    await tick(400); // two polls in: now in a pause of up to 1 s
    const closed = Date.now();
    await client.close();
    await expect(waiting).rejects.toBeInstanceOf(Leap0ClientClosedError);
    expect(Date.now() - closed).toBeLessThan(200);
  });

  test("waitUntilReady() stops at once on a wrong key or an aborted signal", async () => {
    server.handle((_req, res) => {
      res.writeHead(401, { "Content-Type": "application/json" }).end('{"message":"bad key"}');
    });
    const before = server.requests.length;
    await expect(desktop().waitUntilReady({ timeout: 10 })).rejects.toBeInstanceOf(Leap0AuthenticationError);
    expect(server.requests.length - before).toBe(1);

    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(status("stopped", 0)));
    });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 300);
    const t = Date.now();
    await expect(desktop().waitUntilReady({ timeout: 30 }, { signal: ctl.signal })).rejects.toBeInstanceOf(
      Leap0AbortError,
    );
    expect(Date.now() - t).toBeLessThan(1500);
  });
});
