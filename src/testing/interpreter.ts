/**
 * The code interpreter a code-interpreter sandbox serves on its own host (7 operations).
 * Contexts are state (create, list, get, delete; each counts its runs); no Python or TypeScript
 * runs here: what a run prints and returns comes from a handler the test gives
 * ({@link codeInterpreter}), and the default handler says in its answer that nothing ran. The
 * same events answer `execute` (one `Execution`) and `executeStream` (Server-Sent Events framed
 * as the contract documents: `data: {"type":0,"data":"…"}`, with 0 stdout, 1 stderr, 2 exit,
 * 3 error).
 */
import type { ExecutionResult } from "../../generated/types";
import { json, refuse } from "./answers";
import { type Handler, runningSandbox } from "./control";
import { type CommandPolicy, handlerOf } from "./process";
import { HOME, newId, perSandbox, type SandboxRecord } from "./world";

/** The runtime a context runs: what the contract's language names come down to. */
export type CodeRuntime = "python" | "typescript";

/** One thing a run produced, as a handler states it (SDK names). */
export type CodeEvent = CodeOutputEvent | CodeResultEvent | CodeErrorEvent | CodeExitEvent;

/** A rich result (`execute` only; a stream has none): text, images as base64, … */
export interface CodeResultEvent extends CodeResultItem {
  /** Marks a result. */
  type: "result";
}

/** A line (or more) the code printed. */
export interface CodeOutputEvent {
  /** Which stream. */
  type: "stdout" | "stderr";
  /** What was printed; a stream sends one event per line. */
  data: string;
}

/** The code raised. */
export interface CodeErrorEvent {
  /** Marks an error. */
  type: "error";
  /** The error's name, e.g. `NameError`. */
  name: string;
  /** Its message. */
  value: string;
  /** Its traceback, if the test gives one. */
  traceback?: string;
}

/** The run's exit code (default 0, or 1 after an error). */
export interface CodeExitEvent {
  /** Marks the end. */
  type: "exit";
  /** The exit code. */
  code: number;
}

/** A rich output item, as `Execution.items` holds them (SDK names): the contract's own type. */
export interface CodeResultItem extends ExecutionResult {}

/** The context a run happens in. */
export interface CodeContext {
  /** The context's id (made for the run when the call named none). */
  id: string;
  /** Its runtime. */
  language: CodeRuntime;
  /** Its working directory. */
  cwd: string;
  /** How many runs it has had, this one included. */
  executionCount: number;
  /** The sandbox it belongs to. */
  sandboxId: string;
}

/** What a code-interpreter handler answers for one run. */
export type CodeRun = (code: string, language: CodeRuntime, context: CodeContext) => CodeEvent[] | Promise<CodeEvent[]>;

/** A code-interpreter handler: made by {@link codeInterpreter}, given to `createMockLeap0({ handlers })` or `mock.use()`. */
export interface CodeInterpreterHandler {
  /** What kind of handler this is. */
  readonly kind: "codeInterpreter";
  /** Its answer for a run. */
  readonly run: CodeRun;
}

/**
 * A handler that answers code runs (`execute`, `executeStream`) with the events `run` returns,
 * e.g. `codeInterpreter((code) => [{ type: "stdout", data: "4\n" }, { type: "result", text: "4" }])`.
 */
export function codeInterpreter(run: CodeRun): CodeInterpreterHandler {
  return { kind: "codeInterpreter", run };
}

/** What runs when no handler was given: nothing, and the answer says so. */
const NOTHING_RAN: CodeRun = (_code, language) => [
  {
    type: "stderr",
    data: `leap0/testing: no ${language} interpreter ran this code; answer runs with a codeInterpreter() handler\n`,
  },
];

interface ContextRecord {
  id: string;
  language: 1 | 2;
  cwd: string;
  count: number;
}

const contextsOf = perSandbox((): Map<string, ContextRecord> => new Map());

const runtimeOf = (language: unknown): CodeRuntime =>
  language === undefined || ["python", "py", "python3"].includes(String(language)) ? "python" : "typescript";
const wireContext = (c: ContextRecord) => ({ id: c.id, language: c.language, cwd: c.cwd });

function newContext(s: SandboxRecord, language: unknown, cwd: unknown): ContextRecord {
  const c: ContextRecord = {
    id: newId("ctx", 16),
    language: runtimeOf(language) === "python" ? 1 : 2,
    cwd: typeof cwd === "string" && cwd ? cwd : HOME,
    count: 0,
  };
  contextsOf(s).set(c.id, c);
  return c;
}

/** A run's events, from the newest handler (or the default): the context it ran in too. */
async function run(
  call: Parameters<Handler>[0],
  s: SandboxRecord,
  policy: CommandPolicy,
): Promise<{ context: ContextRecord; events: CodeEvent[] }> {
  const p = call.params;
  let context: ContextRecord;
  if (typeof p.contextId === "string" && p.contextId) {
    const found = contextsOf(s).get(p.contextId);
    // No status for "no such context" is documented here: the contract's 400 says it.
    if (!found) refuse(400, `context ${JSON.stringify(p.contextId)} not found`);
    context = found;
  } else context = newContext(s, p.language, undefined);
  context.count++;
  const handler = handlerOf<CodeInterpreterHandler>(policy, "codeInterpreter");
  const language: CodeRuntime = context.language === 1 ? "python" : "typescript";
  const events = await (handler?.run ?? NOTHING_RAN)(String(p.code), language, {
    id: context.id,
    language,
    cwd: context.cwd,
    executionCount: context.count,
    sandboxId: s.id,
  });
  return { context, events };
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const lines = (data: string) => data.replace(/\n$/, "").split("\n");

/** The code-interpreter operations, by operationId, given the mock's handlers. */
export function interpreterHandlers(policy: CommandPolicy): Record<string, Handler> {
  return {
    codeInterpreterHealth(call, world) {
      runningSandbox(call, world);
      return json(200, { status: "ok" });
    },

    listContexts(call, world) {
      const s = runningSandbox(call, world);
      return json(200, { items: [...contextsOf(s).values()].map(wireContext) });
    },

    createContext(call, world) {
      const s = runningSandbox(call, world);
      return json(201, wireContext(newContext(s, call.params.language, call.params.cwd)));
    },

    getContext(call, world) {
      const s = runningSandbox(call, world);
      const c = contextsOf(s).get(call.path.contextID ?? "");
      if (!c) refuse(404, `context ${JSON.stringify(call.path.contextID)} not found`);
      return json(200, wireContext(c));
    },

    deleteContext(call, world) {
      const s = runningSandbox(call, world);
      // The contract documents only 204: deleting a context that is not there is not an error.
      contextsOf(s).delete(call.path.contextID ?? "");
      return new Response(null, { status: 204 });
    },

    async execute(call, world) {
      const s = runningSandbox(call, world);
      const { context, events } = await run(call, s, policy);
      const logs = { stdout: [] as string[], stderr: [] as string[] };
      const items: Record<string, unknown>[] = [];
      let error: Record<string, unknown> | undefined;
      for (const e of events) {
        if (e.type === "stdout" || e.type === "stderr") logs[e.type].push(...lines(e.data));
        else if (e.type === "result") {
          const { type: _, ...item } = e;
          items.push(Object.fromEntries(Object.entries(item).map(([k, v]) => [snake(k), v])));
        } else if (e.type === "error") {
          error = { name: e.name, value: e.value, ...(e.traceback !== undefined ? { traceback: e.traceback } : {}) };
        }
      }
      return json(200, {
        context_id: context.id,
        items,
        logs,
        ...(error ? { error } : {}),
        execution_count: context.count,
      });
    },

    async executeStream(call, world) {
      const s = runningSandbox(call, world);
      const { events } = await run(call, s, policy);
      const frames: string[] = [];
      const frame = (event: Record<string, unknown>) => frames.push(`data: ${JSON.stringify(event)}\n\n`);
      let exit: number | undefined;
      let failed = false;
      for (const e of events) {
        if (e.type === "stdout" || e.type === "stderr") {
          for (const line of lines(e.data)) frame({ type: e.type === "stdout" ? 0 : 1, data: line });
        } else if (e.type === "error") {
          failed = true;
          frame({ type: 3, data: `${e.name}: ${e.value}` });
        } else if (e.type === "exit") exit = e.code;
      }
      frame({ type: 2, code: exit ?? (failed ? 1 : 0) });
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = frames.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(encoder.encode(next));
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
    },
  };
}
