/**
 * `npm run bench`: what the SDK costs per call next to raw fetch, measured side by side in one
 * process against a keep-alive server in another (loopback only). Prints latency (mean, p50,
 * p99), calls/s at concurrency 32, client CPU per call, then ratios; then cold import time,
 * bundle size and the heap held by 10,000 Sandbox handles. Numbers, never assertions: the
 * machine is shared and noisy, so read the ratios, which are measured in the same run.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import createClient from "openapi-fetch";
import { Bench } from "tinybench";
import { request as undiciRequest } from "undici";
import type { paths } from "../../generated/schema";
import { Leap0Client } from "../../src";
import { nodeFetch } from "../../src/node";
import { measureConsumer } from "../size";
import { SANDBOX } from "./bodies.mjs";
import { benchFiles } from "./files";
import { benchLoad } from "./load";
import { median, startServer } from "./util";

const ROOT = resolve(__dirname, "..", "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SEQ_CALLS = Number(process.env.BENCH_CALLS ?? 800);
const CONCURRENCY = 32;
const CONC_CALLS = Number(process.env.BENCH_CONC_CALLS ?? 1600);
const KEY = "bench-key";

type Call = () => Promise<unknown>;
interface Row {
  name: string;
  mean: number[];
  p50: number[];
  p99: number[];
  cps: number[];
  cpu: number[];
}

async function cpuPerCall(call: Call): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < SEQ_CALLS; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / SEQ_CALLS; // µs
}

async function callsPerSecond(call: Call): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next++ < CONC_CALLS) await call();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return CONC_CALLS / ((performance.now() - started) / 1000);
}

/**
 * A call with the per-call AbortSignal + timer the SDK needs to bound a call by its timeout:
 * separates the cost of that guarantee from the cost of the facade.
 */
function withTimeoutSignal<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 300_000);
  return call(ctl.signal).finally(() => clearTimeout(timer));
}

async function contenders(url: string): Promise<[string, Call][]> {
  const body = { snapshot_name: "warm", timeout: 1800 };
  const json = JSON.stringify(body);
  const headers = { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json", Accept: "application/json" };
  const bare = createClient<paths>({ baseUrl: url, headers: { Authorization: `Bearer ${KEY}` } });
  const standard = new Leap0Client({ apiKey: KEY, baseUrl: url });
  const fast = new Leap0Client({ apiKey: KEY, baseUrl: url, fetch: nodeFetch() });
  const sandbox = await standard.sandboxes.get("sbx-bench0001");
  const fastSandbox = await fast.sandboxes.get("sbx-bench0001");
  const restoreUrl = `${url}/v1/snapshot/restore`;
  return [
    ["raw fetch", () => fetch(restoreUrl, { method: "POST", headers, body: json }).then((r) => r.json())],
    ["bare openapi-fetch", () => bare.POST("/v1/snapshot/restore", { body })],
    [
      "bare openapi-fetch + timeout",
      () => withTimeoutSignal((signal) => bare.POST("/v1/snapshot/restore", { body, signal })),
    ],
    ["snapshots.restore()", () => standard.snapshots.restore({ snapshotName: "warm", timeout: 1800 })],
    ["sandbox.createSnapshot()", () => sandbox.createSnapshot({ name: "warm" })],
    [
      "undici.request",
      () => undiciRequest(restoreUrl, { method: "POST", headers, body: json }).then((r) => r.body.json()),
    ],
    ["leap0/node restore()", () => fast.snapshots.restore({ snapshotName: "warm", timeout: 1800 })],
    ["leap0/node createSnapshot()", () => fastSandbox.createSnapshot({ name: "warm" })],
  ];
}

/**
 * Client-side cost alone: the same calls against an in-process fetch that answers at once, so
 * no network or server time hides (or adds noise to) what the SDK itself spends per call.
 */
async function clientOverhead(): Promise<[string, number][]> {
  const instant = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init); // what a real fetch does first
    await req.text();
    return new Response(SANDBOX, { status: 201, headers: { "content-type": "application/json" } });
  };
  const url = "http://127.0.0.1:9";
  const body = { snapshot_name: "warm", timeout: 1800 };
  const bare = createClient<paths>({ baseUrl: url, fetch: instant, headers: { Authorization: `Bearer ${KEY}` } });
  const facade = new Leap0Client({ apiKey: KEY, baseUrl: url, fetch: instant as typeof fetch });
  const cases: [string, Call][] = [
    ["bare openapi-fetch", () => bare.POST("/v1/snapshot/restore", { body })],
    [
      "bare openapi-fetch + timeout",
      () => withTimeoutSignal((signal) => bare.POST("/v1/snapshot/restore", { body, signal })),
    ],
    ["snapshots.restore()", () => facade.snapshots.restore({ snapshotName: "warm", timeout: 1800 })],
  ];
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const samples = new Map<string, number[]>(cases.map(([n]) => [n, []]));
  for (let round = 0; round < 9; round++) {
    for (const [name, call] of round % 2 ? [...cases].reverse() : cases) {
      for (let i = 0; i < 300; i++) await call();
      gc();
      const start = process.cpuUsage();
      for (let i = 0; i < 2000; i++) await call();
      const used = process.cpuUsage(start);
      samples.get(name)?.push((used.user + used.system) / 2000);
    }
  }
  return cases.map(([name]) => [name, median(samples.get(name) ?? [])]);
}

function coldImportMs(code: string, runs = 21): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const t=performance.now();${code};process.stdout.write(String(performance.now()-t))`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    times.push(Number(out));
  }
  return median(times);
}

function heapOfHandles(count: number): number {
  const script = `
    import { Leap0Client } from "leap0";
    const body = JSON.stringify({ id: "sbx-x", template_id: "tpl", vcpu: 1, memory: 1024, disk: 2048, timeout: 300,
      state: "running", auto_pause: false, network_policy: { mode: "allow-all" }, created_at: "2026-11-25T10:00:00Z" });
    const fetch = async () => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
    const client = new Leap0Client({ apiKey: "k", baseUrl: "http://127.0.0.1:1", fetch });
    // Warm up so JIT code is not counted; settle lets FinalizationRegistry callbacks (which
    // release each Request's signal bookkeeping) run, so only what the handles hold remains.
    for (let i = 0; i < ${count}; i++) await client.sandboxes.get("warm-" + i);
    const settle = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); } };
    await settle();
    const before = process.memoryUsage().heapUsed;
    const handles = [];
    for (let i = 0; i < ${count}; i++) handles.push(await client.sandboxes.get("sbx-" + i));
    await settle();
    const after = process.memoryUsage().heapUsed;
    process.stdout.write(String(after - before) + " " + handles.length);
  `;
  const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return Number(out.split(" ")[0]);
}

const f = (n: number, digits = 0) => n.toFixed(digits).padStart(8);

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === "files") return benchFiles();
  if (process.env.BENCH_ONLY === "load") return benchLoad();
  const server = await startServer("server.mjs");
  console.log(`leap0 benchmark: Node ${process.version}, server in a separate process on ${server.url}`);
  console.log(
    `${ROUNDS} rounds; per round: tinybench latency, ${SEQ_CALLS} sequential calls for CPU, ${CONC_CALLS} calls at concurrency ${CONCURRENCY}; medians of the rounds\n`,
  );
  const calls = await contenders(server.url);
  const rows: Row[] = calls.map(([name]) => ({ name, mean: [], p50: [], p99: [], cps: [], cpu: [] }));

  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round and collect garbage before each measurement, so no
    // contender inherits another's GC debt or always runs first on a cold machine.
    const order = calls.map((_, i) => (i + round) % calls.length);
    for (const i of order) {
      const [, call] = calls[i] as [string, Call];
      const row = rows[i] as Row;
      gc();
      const bench = new Bench({ time: 400, warmupTime: 100 });
      bench.add(row.name, call);
      await bench.run();
      const result = bench.tasks[0]?.result;
      if (!result || !("latency" in result)) throw new Error(`no result for ${row.name}`);
      row.mean.push(result.latency.mean * 1000);
      row.p50.push(result.latency.p50 * 1000);
      row.p99.push(result.latency.p99 * 1000);
      gc();
      row.cpu.push(await cpuPerCall(call));
      gc();
      row.cps.push(await callsPerSecond(call));
    }
    process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  server.stop();

  const m = rows.map((r) => ({
    name: r.name,
    mean: median(r.mean),
    p50: median(r.p50),
    p99: median(r.p99),
    cps: median(r.cps),
    cpu: median(r.cpu),
  }));
  const by = (name: string) => m.find((r) => r.name === name) as (typeof m)[number];
  const raw = by("raw fetch");

  console.log(
    `\n${"".padEnd(30)}${"mean µs".padStart(8)}${"p50 µs".padStart(8)}${"p99 µs".padStart(8)}${"calls/s@32".padStart(12)}${"CPU µs/call".padStart(13)}`,
  );
  for (const r of m) {
    console.log(
      `${r.name.padEnd(30)}${f(r.mean)}${f(r.p50)}${f(r.p99)}${f(r.cps).padStart(12)}${f(r.cpu, 1).padStart(13)}`,
    );
  }

  const overhead = await clientOverhead();
  const coldSdk = coldImportMs('await import("leap0")');
  const coldEmpty = coldImportMs('await import("data:text/javascript,export default 1")');
  const coldDeps = coldImportMs('await import("openapi-fetch"); await import("zod/mini")');
  const size = await measureConsumer();
  const heap = heapOfHandles(10_000);

  console.log(
    "\nclient-side CPU per call with an instant in-process fetch (no network), median of 9 interleaved rounds",
  );
  for (const [name, us] of overhead) console.log(`  ${name.padEnd(30)}${us.toFixed(1).padStart(7)} µs`);
  console.log(`\ncold import("leap0"), in-process, median of 21 fresh processes: ${coldSdk.toFixed(1)} ms`);
  console.log(
    `  for scale on this machine: an empty module ${coldEmpty.toFixed(1)} ms; openapi-fetch + zod/mini as separate packages ${coldDeps.toFixed(1)} ms`,
  );

  console.log(
    `bundle, Leap0Client + snapshots.restore, deps included: ${(size.min / 1024).toFixed(1)} kB min, ${(size.gzip / 1024).toFixed(1)} kB min+gzip`,
  );
  console.log(
    `heap held by 10,000 Sandbox handles: ${(heap / 1024 / 1024).toFixed(2)} MB (${Math.round(heap / 10_000)} B each)`,
  );

  console.log("\nratios to raw fetch (lower is better for latency/CPU, higher for calls/s)");
  console.log(`${"".padEnd(30)}${"mean".padStart(8)}${"p50".padStart(8)}${"CPU".padStart(8)}${"calls/s".padStart(9)}`);
  const x = (a: number, b: number, w = 8) => `${(a / b).toFixed(2)}×`.padStart(w);
  for (const r of m) {
    console.log(
      `${r.name.padEnd(30)}${x(r.mean, raw.mean)}${x(r.p50, raw.p50)}${x(r.cpu, raw.cpu)}${x(r.cps, raw.cps, 9)}`,
    );
  }
  const bare = by("bare openapi-fetch");
  const bareTimed = by("bare openapi-fetch + timeout");
  const facade = by("snapshots.restore()");
  const fast = by("leap0/node restore()");
  const pct = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)}%`;
  console.log("\ntargets");
  console.log(
    `  facade over bare openapi-fetch (restore): mean ${pct(facade.mean, bare.mean)}, p50 ${pct(facade.p50, bare.p50)}, CPU ${pct(facade.cpu, bare.cpu)}   (target ≤ 5%)`,
  );
  console.log(
    `    of which the timeout signal (bare + timeout vs bare): mean ${pct(bareTimed.mean, bare.mean)}, p50 ${pct(bareTimed.p50, bare.p50)}, CPU ${pct(bareTimed.cpu, bare.cpu)}`,
  );
  console.log(
    `    the facade itself (vs bare + timeout): mean ${pct(facade.mean, bareTimed.mean)}, p50 ${pct(facade.p50, bareTimed.p50)}, CPU ${pct(facade.cpu, bareTimed.cpu)}`,
  );
  console.log(`  leap0/node vs standard path, calls/s@32: ${(fast.cps / facade.cps).toFixed(2)}×   (target ≥ 1.5×)`);
  const [, oBare] = overhead[0] as [string, number];
  const [, oTimed] = overhead[1] as [string, number];
  const [, oFacade] = overhead[2] as [string, number];
  console.log(
    `  client CPU, no network: facade ${oFacade.toFixed(1)} µs vs bare ${oBare.toFixed(1)} µs (+${(oFacade - oBare).toFixed(1)} µs, of which the timeout signal +${(oTimed - oBare).toFixed(1)} µs)`,
  );
  console.log(
    `  cold import: ${coldSdk.toFixed(1)} ms, ${(coldSdk - coldEmpty).toFixed(1)} ms above an empty module   (target ≤ 25 ms)`,
  );
  console.log(`  bundle: ${(size.gzip / 1024).toFixed(1)} kB min+gzip   (target ≤ 20 kB)`);
  console.log(`  10,000 handles: ${(heap / 1024 / 1024).toFixed(2)} MB   (target ≤ 10 MB)`);
  await benchFiles();
  await benchLoad();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
