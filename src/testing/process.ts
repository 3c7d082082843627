/**
 * `process.execute`: a command runs through just-bash (a bash emulator in JavaScript) over the
 * sandbox's in-memory filesystem, so `echo hi > a && cat a` works and what a command writes the
 * file API reads. Command handlers, in msw's style, answer for commands the emulator cannot run
 * (`npm ci`, `python3 …`) or that a test wants to script; strict mode refuses any other.
 */
import { Bash } from "just-bash";
import { json, refuse } from "./answers";
import { type Handler, runningSandbox } from "./control";
import { MAX_BODY_BYTES } from "./files";
import { gitCommand } from "./git";
import { HOME, type SandboxRecord } from "./world";

/** What a command handler answers: the command's output and exit code (defaults: empty, 0). */
export interface CommandResult {
  /** What the command printed (default empty). */
  stdout?: string;
  /** What it printed to stderr (default empty). */
  stderr?: string;
  /** Its exit code (default 0). */
  exitCode?: number;
}

/** The command a handler is asked about. */
export interface CommandCall {
  /** The command line, as sent. */
  command: string;
  /** Its working directory. */
  cwd: string;
  /** Its environment variables (the sandbox's and the call's). */
  env: Record<string, string>;
  /** The sandbox it runs in. */
  sandboxId: string;
}

/** A command handler: made by {@link command}, given to `createMockLeap0` or `mock.use()`. */
export interface CommandHandler {
  /** What kind of handler this is. */
  readonly kind: "command";
  /** Whether it answers for `line`. */
  matches(line: string): boolean;
  /** Its answer. */
  run(call: CommandCall): CommandResult | Promise<CommandResult>;
}

/**
 * A handler for commands equal to `match` (a string, the whole command line) or matching it
 * (a regular expression), answering with `result` or what `result(call)` returns.
 */
export function command(
  match: string | RegExp,
  result: CommandResult | ((call: CommandCall) => CommandResult | Promise<CommandResult>),
): CommandHandler {
  return {
    kind: "command",
    matches: (line) => (typeof match === "string" ? line.trim() === match.trim() : match.test(line)),
    run: (call) => (typeof result === "function" ? result(call) : result),
  };
}

/** The handlers a mock consults (of every kind, newest first), and whether an unhandled command is an error. */
export interface CommandPolicy {
  handlers(): readonly { readonly kind: string }[];
  strict: boolean;
}

/** The first handler of `kind` in the policy's order (the one added last wins). */
export function handlerOf<H extends { readonly kind: string }>(
  policy: CommandPolicy,
  kind: H["kind"],
  accepts: (h: H) => boolean = () => true,
): H | undefined {
  return policy.handlers().find((h): h is H => h.kind === kind && accepts(h as H));
}

const shells = new WeakMap<SandboxRecord, Bash>();

/** The sandbox's bash emulator, over its filesystem (one per sandbox). */
export function shellOf(s: SandboxRecord): Bash {
  let bash = shells.get(s);
  if (!bash) {
    // No defence in depth: it patches globals (process.env, timers) while a command runs, which
    // would break the test code around the mock, and it fails outright on Bun. Commands here
    // are the test's own, and neither Python nor JavaScript is enabled in the emulator.
    bash = new Bash({ fs: s.fs, cwd: HOME, defenseInDepth: false, customCommands: [gitCommand] });
    shells.set(s, bash);
  }
  return bash;
}

/** The process operation, given the mock's command handlers. */
export function processHandlers(policy: CommandPolicy): Record<string, Handler> {
  return {
    async processExecute(call, world) {
      const s = runningSandbox(call, world);
      const p = call.params;
      const line = String(p.command);
      const cwd = typeof p.cwd === "string" ? s.fs.resolvePath(HOME, p.cwd) : HOME;
      const env = {
        HOME,
        USER: "user",
        PATH: "/usr/local/bin:/usr/bin:/bin",
        ...s.envVars,
        ...((p.envs as Record<string, string>) ?? {}),
      };
      const handler = handlerOf<CommandHandler>(policy, "command", (h) => h.matches(line));
      let result: CommandResult;
      if (handler) {
        result = await handler.run({ command: line, cwd, env, sandboxId: s.id });
      } else if (policy.strict) {
        refuse(400, `leap0/testing: no command handler matches ${JSON.stringify(line)}, and the mock is strict`);
      } else {
        const seconds = typeof p.timeout === "number" ? p.timeout : 30;
        const signal = AbortSignal.timeout(seconds * 1000);
        const r = await shellOf(s).exec(line, { cwd, env, replaceEnv: true, signal });
        result = signal.aborted
          ? { stdout: r.stdout, stderr: `${r.stderr}command timed out after ${seconds}s\n`, exitCode: 124 }
          : { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
      }
      const out = { exit_code: result.exitCode ?? 0, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
      if (out.stdout.length + out.stderr.length > MAX_BODY_BYTES) {
        refuse(400, "the command's output is larger than the service's 10 MiB answer");
      }
      return json(200, out);
    },
  };
}
