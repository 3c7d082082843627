/** What both benchmarks share: a loopback server in its own process, and the median. */
import { fork } from "node:child_process";
import { join } from "node:path";

/** Forks `script` (next to this file), which sends `{ port }` once listening on 127.0.0.1. */
export function startServer(script: string): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, script), [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (m: { port: number }) =>
      resolve({ url: `http://127.0.0.1:${m.port}`, stop: () => child.kill() }),
    );
    child.once("error", reject);
    process.once("exit", () => child.kill());
  });
}

/** The median of the samples (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The `q` quantile (0–1) of the samples, interpolated between neighbours. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (at - lo);
}

/** Round by round, `a[r] / b[r]`: two contenders measured in the same rounds, so drift cancels. */
export function pairedRatios(a: number[], b: number[]): number[] {
  return a.map((x, r) => x / (b[r] as number));
}

/**
 * The noise floor of a run, from a control: the baseline measured against a second copy of
 * itself, round by round ({@link pairedRatios}). Two identical contenders are 1.00× by
 * construction, so whatever the control's median ratio shows beyond that is noise; and since one
 * such miss may be small by luck, the floor is at least the standard error of that median
 * (≈ 1.25·σ/√rounds, σ estimated from the quartiles as IQR/1.35). A fraction: 0.03 = ±3%. It is
 * the smallest difference between two contenders' median ratios that the run can tell apart.
 */
export function noiseFloor(controlRatios: number[]): number {
  const off = Math.abs(median(controlRatios) - 1);
  const sigma = (quantile(controlRatios, 0.75) - quantile(controlRatios, 0.25)) / 1.349;
  const standardError = (1.2533 * sigma) / Math.sqrt(controlRatios.length);
  return Math.max(off, standardError);
}

/**
 * Whether `ratio` meets `target` (at most it when `lowerIsBetter`, at least it otherwise), with
 * the noise floor beside it: "too noisy to judge" when the floor is wider than the margin being
 * judged (how far the target is from 1.00×), and "within the noise" when the ratio is closer to
 * the target than the floor, so either side of it could be chance.
 */
export function verdict(ratio: number, target: number, floor: number, lowerIsBetter = true): string {
  const margin = Math.abs(target - 1);
  if (floor > margin) {
    return `too noisy to judge (noise floor ±${(floor * 100).toFixed(1)}% is wider than the ${(margin * 100).toFixed(0)}% being judged)`;
  }
  const meets = lowerIsBetter ? ratio <= target : ratio >= target;
  const close = Math.abs(ratio - target) <= floor;
  return `${meets ? "meets" : "misses"} the target${close ? ", but within the noise floor of it" : ""}`;
}

/** A repeatable pseudo-random source in [0, 1) (mulberry32), so a run's orders can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 0 … n-1 in a shuffled order (Fisher–Yates). */
export function shuffled(n: number, random: () => number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}
