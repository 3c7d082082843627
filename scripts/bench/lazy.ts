/**
 * What loading the in-sandbox areas on first use costs and saves, from the built package in
 * fresh Node processes: the whole process's wall time for `import("leap0")` against an empty
 * module (the cold-import target is ≤ 1.2×), and the first call into an area (its stand-in loads
 * the area's chunk) against the same call once the area is loaded, with an instant in-process
 * fetch so only client work is timed. Medians; numbers, never assertions.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { median } from "./util";

const ROOT = resolve(__dirname, "..", "..");

/** The wall time of a fresh `node` that runs `code` as a module, in ms. */
function processMs(code: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, stdio: "ignore" });
  if (run.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} exited with ${run.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Whole-process cold import of leap0 and of an empty module, interleaved so drift hits both. */
export function coldProcess(runs = 21): { sdk: number; empty: number; ratio: number } {
  const sdk: number[] = [];
  const empty: number[] = [];
  processMs('await import("leap0")'); // fills the OS file cache
  for (let i = 0; i < runs; i++) {
    sdk.push(processMs('await import("leap0")'));
    empty.push(processMs('await import("data:text/javascript,export default 1")'));
  }
  const [s, e] = [median(sdk), median(empty)];
  return { sdk: s, empty: e, ratio: s / e };
}

const FIRST_CALL = `
  import { Leap0Client } from "leap0";
  const info = JSON.stringify({ id: "sbx-1", template_id: "tpl", vcpu: 1, memory: 1024, disk: 2048, timeout: 300,
    state: "running", auto_pause: false, created_at: "2026-11-25T10:00:00Z" });
  const ran = JSON.stringify({ exit_code: 0, stdout: "", stderr: "" });
  const fetch = async (input) => new Response(String(input.url ?? input).includes("/process/") ? ran : info,
    { status: 200, headers: { "content-type": "application/json" } });
  const client = new Leap0Client({ apiKey: "sk-bench-0123456789", baseUrl: "http://127.0.0.1:1", fetch });
  const sandbox = await client.sandboxes.get("sbx-1");
  await client.sandboxes.get("sbx-1"); // the control plane's path is warm: only the area is new
  const time = async (f) => { const t = performance.now(); await f(); return performance.now() - t; };
  const first = await time(() => sandbox.process.execute({ command: "true" }));
  const second = await time(() => sandbox.process.execute({ command: "true" }));
  const other = await client.sandboxes.get("sbx-1");
  const fresh = await time(() => other.process.execute({ command: "true" }));
  process.stdout.write(JSON.stringify({ first, second, fresh }));
`;

/**
 * The first call into an area (`process.execute`) in a fresh process, the call after it, and the
 * first call on another handle once the area is loaded (its stand-in finds the chunk loaded).
 */
export function firstAreaCall(runs = 11): { first: number; second: number; fresh: number } {
  const samples = { first: [] as number[], second: [] as number[], fresh: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", FIRST_CALL], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const r = JSON.parse(out) as { first: number; second: number; fresh: number };
    samples.first.push(r.first);
    samples.second.push(r.second);
    samples.fresh.push(r.fresh);
  }
  return { first: median(samples.first), second: median(samples.second), fresh: median(samples.fresh) };
}

/** Prints both measurements (`npm run bench` calls it; `tsx scripts/bench/lazy.ts` runs it alone). */
export function benchLazy(): void {
  const cold = coldProcess();
  console.log(
    `\ncold import, whole process, median of 21 fresh processes: leap0 ${cold.sdk.toFixed(1)} ms, an empty module ${cold.empty.toFixed(1)} ms: ${cold.ratio.toFixed(2)}×   (target ≤ 1.20×)`,
  );
  const call = firstAreaCall();
  console.log(
    `first call into an area (process.execute, instant fetch), median of 11 fresh processes: ${call.first.toFixed(2)} ms; the next call ${call.second.toFixed(2)} ms; the first call on another handle ${call.fresh.toFixed(2)} ms`,
  );
}

if (require.main === module) benchLazy();
