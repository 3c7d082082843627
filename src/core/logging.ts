/** Anything console-like; each method is optional so a partial logger works. */
export interface Logger {
  /** Receives `debug` lines: each attempt as it starts, each retry decision, body sizes. */
  debug?(message: string): void;
  /** Receives `info` lines: one per attempt. */
  info?(message: string): void;
  /** Receives `warn` lines: one per retry. */
  warn?(message: string): void;
  /** Receives `error` lines: one per failed call. */
  error?(message: string): void;
}

/**
 * How much the SDK logs: `off` (default), `error`, `warn`, `info` (one line per attempt),
 * `debug` (also each attempt's start, retry decisions and response sizes).
 */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** Every {@link LogLevel}, quietest first. */
export const LOG_LEVELS: readonly LogLevel[] = ["off", "error", "warn", "info", "debug"];

/**
 * Writes the pipeline's log lines. Lines name the operation, method, path template, status,
 * duration, attempt and sizes; they never include headers, bodies, ids or the key, so they are
 * safe at every level.
 */
export class LogSink {
  readonly #logger: Logger | undefined;
  readonly #rank: number;

  constructor(logger: Logger | undefined, level: LogLevel) {
    this.#rank = LOG_LEVELS.indexOf(level);
    this.#logger = logger ?? (this.#rank > 0 ? (globalThis.console as Logger) : undefined);
  }

  /** True when lines of this level are written; lets callers skip building a line. */
  enabled(level: Exclude<LogLevel, "off">): boolean {
    return this.#rank >= LOG_LEVELS.indexOf(level);
  }

  /** Writes one line at `level` when enabled. */
  write(level: Exclude<LogLevel, "off">, message: string): void {
    if (this.enabled(level)) this.#logger?.[level]?.(`[leap0] ${message}`);
  }
}
