import { readEnv } from "./config";
import { Leap0Error } from "./errors";

/** Anything console-like; each method is optional so a partial logger works. */
export interface Logger {
  /** Receives `debug` lines. */
  debug?(message: string): void;
  /** Receives `info` lines: one per attempt. */
  info?(message: string): void;
  /** Receives `warn` lines: one per retry. */
  warn?(message: string): void;
  /** Receives `error` lines: one per failed call. */
  error?(message: string): void;
}

/** How much the SDK logs: `off` (default), `error`, `warn`, `info` (one line per attempt), `debug`. */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * Writes the pipeline's log lines. Lines name the operation, method, path, status, duration and
 * attempt; they never include headers, bodies or the key, so they are safe at every level.
 */
export class LogSink {
  readonly #logger: Logger | undefined;
  readonly #rank: number;

  constructor(logger: Logger | undefined, level: string | undefined) {
    const chosen = (level ?? readEnv("LEAP0_LOG") ?? (logger ? "warn" : "off")).toLowerCase();
    if (!(chosen in RANK)) {
      throw new Leap0Error(`logLevel must be one of ${Object.keys(RANK).join(", ")}, got ${JSON.stringify(level)}`);
    }
    this.#rank = RANK[chosen as LogLevel];
    this.#logger = logger ?? (this.#rank > 0 ? (globalThis.console as Logger) : undefined);
  }

  /** True when lines of this level are written; lets callers skip building a line. */
  enabled(level: Exclude<LogLevel, "off">): boolean {
    return this.#rank >= RANK[level];
  }

  /** Writes one line at `level` when enabled. */
  write(level: Exclude<LogLevel, "off">, message: string): void {
    if (this.#rank >= RANK[level]) this.#logger?.[level]?.(`[leap0] ${message}`);
  }
}
