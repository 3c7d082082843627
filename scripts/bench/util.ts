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
