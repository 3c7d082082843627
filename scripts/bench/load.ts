/**
 * The load run (part of `npm run bench`; `BENCH_ONLY=load` runs it alone): the SDK's promises
 * under many concurrent calls against a server that misbehaves on purpose (load-server.mjs, its
 * own process), on both transports. 12,000 calls: most answered, some that hang, reset, answer
 * 503 or trickle their body; every call must end by its timeout with a typed error, and memory
 * must come back. Then 600 terminals opened, used and closed, a third of them on sessions whose
 * server never answers the close frame; every one must end, and the server must be left with
 * no open socket. Figures, not assertions: it prints what it saw, and "FAIL" next to a promise
 * that did not hold.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { Leap0Client, Leap0Error } from "../../src";
import { nodeFetch, nodeWebSocket } from "../../src/node";

const CALLS = Number(process.env.BENCH_LOAD_CALLS ?? 12_000);
const TERMINALS = Number(process.env.BENCH_LOAD_TERMINALS ?? 600);
const CONCURRENCY = 200;
const TIMEOUT_S = 1;
const KINDS = ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "hang", "reset", "busy", "trickle"] as const;

const gc = (globalThis as { gc?: () => void }).gc;
const settle = async () => {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
};
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

interface Server {
  url: string;
  open(): Promise<number>;
  stop(): void;
}

function startLoadServer(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, "load-server.mjs"), [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (m: { port: number }) =>
      resolve({
        url: `http://127.0.0.1:${m.port}`,
        open: () =>
          new Promise((r) => {
            child.once("message", (a: { open: number }) => r(a.open));
            child.send("open");
          }),
        stop: () => child.kill(),
      }),
    );
    child.once("error", reject);
    process.once("exit", () => child.kill());
  });
}

/** Runs `count` tasks, at most `width` at a time. */
async function pool(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function calls(server: Server, transport: "fetch" | "leap0/node"): Promise<void> {
  const client = new Leap0Client({
    apiKey: "load-key",
    baseUrl: server.url,
    timeout: TIMEOUT_S,
    maxRetries: 1,
    ...(transport === "leap0/node" ? { fetch: nodeFetch({ connections: CONCURRENCY }) } : {}),
  });
  // A warm-up round first, so the heap figures compare like with like (JIT code, pools).
  const warm = new Leap0Client({ apiKey: "load-key", baseUrl: server.url, timeout: TIMEOUT_S, maxRetries: 1 });
  await pool(2_000, CONCURRENCY, (i) =>
    (i % 2 ? client : warm).sandboxes.get(`sbx-${KINDS[i % KINDS.length]}w${i}`).then(
      () => {},
      () => {},
    ),
  );
  await warm.close();
  await settle();
  const heapBefore = process.memoryUsage().heapUsed;
  const outcomes = new Map<string, number>();
  let untyped = 0;
  let longest = 0;
  const started = performance.now();
  await pool(CALLS, CONCURRENCY, async (i) => {
    const kind = KINDS[i % KINDS.length] as string;
    const t = performance.now();
    try {
      await client.sandboxes.get(`sbx-${kind}${i}`);
      outcomes.set("ok", (outcomes.get("ok") ?? 0) + 1);
    } catch (e) {
      if (!(e instanceof Leap0Error)) untyped++;
      const name = (e as Error).name;
      outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
    }
    longest = Math.max(longest, performance.now() - t);
  });
  const took = performance.now() - started;
  const closing = performance.now();
  await client.close();
  const closeMs = performance.now() - closing;
  await settle();
  const heapAfter = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 300));
  const open = await server.open();
  const bound = TIMEOUT_S * 1000 + 500;
  console.log(`  ${transport}: ${CALLS} calls at concurrency ${CONCURRENCY} in ${(took / 1000).toFixed(1)} s`);
  console.log(`    outcomes: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(", ")}`);
  console.log(
    `    longest call ${longest.toFixed(0)} ms (timeout ${TIMEOUT_S * 1000} ms + 500 ms slack)${longest > bound ? "  FAIL" : ""}`,
  );
  console.log(`    errors that are no Leap0Error: ${untyped}${untyped ? "  FAIL" : ""}`);
  console.log(`    close() ${closeMs.toFixed(0)} ms; server sockets left open: ${open} (keep-alive ones may stay)`);
  console.log(`    heap after GC: ${mib(heapBefore)} before, ${mib(heapAfter)} after`);
}

async function terminals(server: Server): Promise<void> {
  const client = new Leap0Client({ apiKey: "load-key", baseUrl: server.url, webSocket: nodeWebSocket });
  await settle();
  const heapBefore = process.memoryUsage().heapUsed;
  const kinds = new Map<string, number>();
  let failed = 0;
  let longestClose = 0;
  const started = performance.now();
  await pool(TERMINALS, 100, async (i) => {
    const session = i % 3 === 0 ? `deaf${i}` : `shell${i}`;
    const pty = client.sandboxes.connect("sbx-ok").pty.connect(session, { timeout: 5 });
    try {
      pty.send(`echo ${i}\n`);
      const echoed = new TextDecoder().decode(await pty.recv({ timeout: 5 }));
      if (echoed !== `echo ${i}\n`) failed++;
    } catch {
      failed++;
    }
    const t = performance.now();
    pty.close();
    const info = await pty.closed;
    longestClose = Math.max(longestClose, performance.now() - t);
    kinds.set(info.kind, (kinds.get(info.kind) ?? 0) + 1);
  });
  const took = performance.now() - started;
  // A deaf server's socket is destroyed 2 s after close(); then the server closes its end.
  await new Promise((r) => setTimeout(r, 2_500));
  const open = await server.open();
  await client.close();
  await settle();
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    `  ${TERMINALS} terminals (a third never answer the close frame), 100 at a time, in ${(took / 1000).toFixed(1)} s`,
  );
  console.log(
    `    round trips that failed: ${failed}${failed ? "  FAIL" : ""}; ended: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}`,
  );
  console.log(`    longest wait for closed: ${longestClose.toFixed(0)} ms`);
  console.log(`    server sockets still open 2.5 s later: ${open}${open ? "  FAIL" : ""}`);
  console.log(`    heap after GC: ${mib(heapBefore)} before, ${mib(heapAfter)} after`);
}

/** The load run; prints its figures. */
export async function benchLoad(): Promise<void> {
  if (!gc) console.log("(run with --expose-gc for the heap figures)");
  console.log(`\nload: the promises under load, against a misbehaving server in its own process`);
  for (const transport of ["fetch", "leap0/node"] as const) {
    const server = await startLoadServer();
    await calls(server, transport);
    server.stop();
  }
  const server = await startLoadServer();
  await terminals(server);
  server.stop();
}

if (require.main === module) void benchLoad();
