/**
 * `npm run bench`: what the SDK costs per call next to raw fetch, measured side by side in one
 * process against a keep-alive server in another (loopback only). Prints latency (mean, p50,
 * p99), calls/s at concurrency 32, client CPU per call, then ratios; then cold import time,
 * bundle size and the heap held by 10,000 Sandbox handles. Numbers, never assertions: the
 * machine is shared and noisy, so read the ratios, which are measured in the same run. Bare
 * openapi-fetch runs twice, as two contenders: how far it strays from itself is the run's noise
 * floor, printed beside each target's ratio, and a target whose margin is narrower than the floor
 * is reported as too noisy to judge. `BENCH_ONLY=calls` stops after the per-call figures.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
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
import { benchLazy } from "./lazy";
import { benchLoad } from "./load";
import { median, noiseFloor, pairedRatios, seededRandom, shuffled, startServer, verdict } from "./util";

const ROOT = resolve(__dirname, "..", "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SEQ_CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONCURRENCY = 32;
const CONC_CALLS = Number(process.env.BENCH_CONC_CALLS ?? 1600);
const KEY = "bench-key";
/** A second bare openapi-fetch: the control the noise floor is measured with. */
const CONTROL = "bare openapi-fetch (control)";
/** The per-call target: at most 5% over bare openapi-fetch, in mean latency and in client CPU. */
const PER_CALL_TARGET = 1.05;
/** leap0/node against the standard path, calls/s at 32 in flight: at least this. */
const NODE_TARGET = 1.5;

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
  const control = createClient<paths>({ baseUrl: url, headers: { Authorization: `Bearer ${KEY}` } });
  const standard = new Leap0Client({ apiKey: KEY, baseUrl: url });
  const fast = new Leap0Client({ apiKey: KEY, baseUrl: url, fetch: nodeFetch() });
  const sandbox = await standard.sandboxes.get("sbx-bench0001");
  const fastSandbox = await fast.sandboxes.get("sbx-bench0001");
  const restoreUrl = `${url}/v1/snapshot/restore`;
  return [
    ["raw fetch", () => fetch(restoreUrl, { method: "POST", headers, body: json }).then((r) => r.json())],
    ["bare openapi-fetch", () => bare.POST("/v1/snapshot/restore", { body })],
    // The same call again on its own client: what bare openapi-fetch measures against itself is
    // the run's noise floor (see noiseFloor()).
    [CONTROL, () => control.POST("/v1/snapshot/restore", { body })],
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
async function clientOverhead(): Promise<Map<string, number[]>> {
  const instant = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init); // what a real fetch does first
    await req.text();
    return new Response(SANDBOX, { status: 201, headers: { "content-type": "application/json" } });
  };
  const url = "http://127.0.0.1:9";
  const body = { snapshot_name: "warm", timeout: 1800 };
  const bare = createClient<paths>({ baseUrl: url, fetch: instant, headers: { Authorization: `Bearer ${KEY}` } });
  const control = createClient<paths>({ baseUrl: url, fetch: instant, headers: { Authorization: `Bearer ${KEY}` } });
  const facade = new Leap0Client({ apiKey: KEY, baseUrl: url, fetch: instant as typeof fetch });
  const cases: [string, Call][] = [
    ["bare openapi-fetch", () => bare.POST("/v1/snapshot/restore", { body })],
    [CONTROL, () => control.POST("/v1/snapshot/restore", { body })],
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
  return samples;
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
    const client = new Leap0Client({ apiKey: "bench-key-0123", baseUrl: "http://127.0.0.1:1", fetch });
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
  const random = seededRandom(24);
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh order each round (shuffled, from a fixed seed) and garbage collected before each
    // measurement, so no contender inherits another's GC debt, always runs first on a cold
    // machine, or always follows the same neighbour (under a rotation the control always ran
    // right after bare openapi-fetch, so any carry-over between neighbours skewed the floor).
    const order = shuffled(calls.length, random);
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
  // Every round's figures, for a closer look at a run (BENCH_DUMP=file.json).
  if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, JSON.stringify(rows, null, 1));

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

  const samples = await clientOverhead();
  const overhead = [...samples].map(([name, us]) => [name, median(us)] as [string, number]);
  console.log(
    "\nclient-side CPU per call with an instant in-process fetch (no network), median of 9 interleaved rounds",
  );
  for (const [name, us] of overhead) console.log(`  ${name.padEnd(30)}${us.toFixed(1).padStart(7)} µs`);

  const ratio = (a: number, b: number, w = 8) => `${(a / b).toFixed(2)}×`.padStart(w);
  console.log("\nratios to raw fetch (lower is better for latency/CPU, higher for calls/s)");
  console.log(`${"".padEnd(30)}${"mean".padStart(8)}${"p50".padStart(8)}${"CPU".padStart(8)}${"calls/s".padStart(9)}`);
  for (const r of m) {
    console.log(
      `${r.name.padEnd(30)}${ratio(r.mean, raw.mean)}${ratio(r.p50, raw.p50)}${ratio(r.cpu, raw.cpu)}${ratio(r.cps, raw.cps, 9)}`,
    );
  }

  // The targets, from ratios paired round by round (both sides measured in the same round, so a
  // machine that slows down between rounds slows both), each beside the run's noise floor: what
  // bare openapi-fetch measures against a second copy of itself in the same rounds.
  const row = (name: string) => rows.find((r) => r.name === name) as Row;
  const paired = (a: string, b: string, metric: "mean" | "cpu" | "cps") =>
    median(pairedRatios(row(a)[metric], row(b)[metric]));
  const floorOf = (metric: "mean" | "cpu" | "cps") =>
    noiseFloor(pairedRatios(row(CONTROL)[metric], row("bare openapi-fetch")[metric]));
  const floors = { mean: floorOf("mean"), cpu: floorOf("cpu"), cps: floorOf("cps") };
  const pm = (floor: number) => `±${(floor * 100).toFixed(1)}%`;
  const x2 = (n: number) => `${n.toFixed(2)}×`;
  console.log(
    `\ntargets (ratios paired round by round, medians of ${ROUNDS} rounds; noise floor = bare openapi-fetch against a second copy of itself)`,
  );
  console.log(
    `  noise floor: mean ${pm(floors.mean)}, CPU ${pm(floors.cpu)}, calls/s ${pm(floors.cps)}   (control/bare: mean ${x2(paired(CONTROL, "bare openapi-fetch", "mean"))}, CPU ${x2(paired(CONTROL, "bare openapi-fetch", "cpu"))})`,
  );
  for (const name of ["snapshots.restore()", "sandbox.createSnapshot()"]) {
    for (const metric of ["mean", "cpu"] as const) {
      const r = paired(name, "bare openapi-fetch", metric);
      console.log(
        `  ${name} / bare openapi-fetch, ${metric === "mean" ? "mean latency" : "client CPU  "}: ${x2(r)} (noise floor ${pm(floors[metric])})   target ≤ ${x2(PER_CALL_TARGET)}: ${verdict(r, PER_CALL_TARGET, floors[metric])}`,
      );
    }
  }
  const timedMean = paired("bare openapi-fetch + timeout", "bare openapi-fetch", "mean");
  const timedCpu = paired("bare openapi-fetch + timeout", "bare openapi-fetch", "cpu");
  console.log(`    for scale, bare + timeout signal / bare: mean ${x2(timedMean)}, CPU ${x2(timedCpu)}`);
  const nodeCps = paired("leap0/node restore()", "snapshots.restore()", "cps");
  console.log(
    `  leap0/node restore() / snapshots.restore(), calls/s@32: ${x2(nodeCps)} (noise floor ${pm(floors.cps)})   target ≥ ${x2(NODE_TARGET)}: ${verdict(nodeCps, NODE_TARGET, floors.cps, false)}`,
  );
  const oRatios = (name: string) => pairedRatios(samples.get(name) ?? [], samples.get("bare openapi-fetch") ?? []);
  const oFloor = noiseFloor(oRatios(CONTROL));
  const oBare = median(samples.get("bare openapi-fetch") ?? []);
  const oTimed = median(samples.get("bare openapi-fetch + timeout") ?? []);
  const oFacade = median(samples.get("snapshots.restore()") ?? []);
  console.log(
    `  client CPU, no network: facade ${oFacade.toFixed(1)} µs vs bare ${oBare.toFixed(1)} µs (+${(oFacade - oBare).toFixed(1)} µs, ${x2(median(oRatios("snapshots.restore()")))}, noise floor ${pm(oFloor)}; of which the timeout signal +${(oTimed - oBare).toFixed(1)} µs)`,
  );
  if (process.env.BENCH_ONLY === "calls") return;

  const coldSdk = coldImportMs('await import("leap0")');
  const coldEmpty = coldImportMs('await import("data:text/javascript,export default 1")');
  const coldDeps = coldImportMs('await import("openapi-fetch"); await import("zod/mini")');
  const size = await measureConsumer();
  const heap = heapOfHandles(10_000);
  console.log(`\ncold import("leap0"), in-process, median of 21 fresh processes: ${coldSdk.toFixed(1)} ms`);
  console.log(
    `  for scale on this machine: an empty module ${coldEmpty.toFixed(1)} ms; openapi-fetch + zod/mini as separate packages ${coldDeps.toFixed(1)} ms`,
  );
  console.log(
    `bundle, Leap0Client + snapshots.restore, first chunk (areas load later), deps included: ${(size.min / 1024).toFixed(1)} kB min, ${(size.gzip / 1024).toFixed(1)} kB min+gzip`,
  );
  console.log(
    `heap held by 10,000 Sandbox handles: ${(heap / 1024 / 1024).toFixed(2)} MB (${Math.round(heap / 10_000)} B each)`,
  );
  console.log(
    `  cold import: ${coldSdk.toFixed(1)} ms, ${(coldSdk - coldEmpty).toFixed(1)} ms above an empty module   (target ≤ 25 ms)`,
  );
  console.log(`  bundle, restore-only first chunk: ${(size.gzip / 1024).toFixed(1)} kB min+gzip   (target ≤ 30 kB)`);
  console.log(`  10,000 handles: ${(heap / 1024 / 1024).toFixed(2)} MB   (target ≤ 10 MB)`);
  benchLazy();
  await benchFiles();
  await benchLoad();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
