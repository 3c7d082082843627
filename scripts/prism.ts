/**
 * Starts a Prism mock (or proxy) of openapi.yaml on 127.0.0.1 for tests and the demo.
 * Prism runs as `node <prism-cli entry>` directly, not through npx, so stopping it cannot
 * orphan the real server; an exit hook kills it even when the parent is interrupted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const PRISM_ENTRY = join(dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");

export interface PrismOptions {
  /** Spec to serve; defaults to the project's openapi.yaml. */
  spec?: string;
  /** `-d`: random data from the schemas instead of the examples. */
  dynamic?: boolean;
  /** With `dynamic`, a fixed seed makes the random data repeatable. */
  seed?: number;
  /** Proxy mode: forward to this upstream and validate both directions against the spec. */
  proxyTo?: string;
  /** `--errors`: a request or response that breaks the spec becomes an error answer. */
  errors?: boolean;
  /** How long to wait for Prism to answer, in ms. */
  startTimeoutMs?: number;
}

export interface RunningPrism {
  url: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function killOnExit(child: ChildProcess): () => void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", kill);
  return () => process.removeListener("exit", kill);
}

/** Starts Prism and resolves once it answers HTTP; rejects with its output if it does not. */
export async function startPrism(options: PrismOptions = {}): Promise<RunningPrism> {
  const port = await freePort();
  const spec = options.spec ?? join(ROOT, "openapi.yaml");
  const args = options.proxyTo
    ? [PRISM_ENTRY, "proxy", spec, options.proxyTo, "-h", "127.0.0.1", "-p", String(port)]
    : [PRISM_ENTRY, "mock", spec, "-h", "127.0.0.1", "-p", String(port)];
  if (options.errors) args.push("--errors");
  if (options.dynamic) args.push("-d");
  if (options.seed !== undefined) args.push("--seed", String(options.seed));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const unhook = killOnExit(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    unhook();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const force = setTimeout(() => child.kill("SIGKILL"), 2000);
    force.unref();
    await exited;
    clearTimeout(force);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      // Any HTTP answer (401 without a key) means Prism is listening.
      await fetch(`${url}/v1/sandboxes`, { signal: AbortSignal.timeout(1000) });
      return { url, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  await stop();
  throw new Error(`Prism did not start on ${url}:\n${output}`);
}
