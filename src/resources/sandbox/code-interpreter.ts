import {
  codeInterpreterHealth,
  createContext,
  deleteContext,
  execute,
  executeStream,
  getContext,
  listContexts,
} from "../../../generated/operations";
import type {
  ExecuteParams as CodeInterpreterExecuteParams,
  ExecuteStreamParams as CodeInterpreterExecuteStreamParams,
  Context,
  CreateContextParams,
  Execution,
  StreamEvent,
} from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import { Leap0ConnectionError, Leap0MalformedResponseError } from "../../core/errors";
import { type EventSchema, jsonEvents } from "../../core/event-stream";
import { invoke, invokeStream } from "../../core/invoke";
import type { Pipeline } from "../../core/pipeline";
import type { Ref } from "../../models";
import { refId } from "../refs";
import type { CodeLanguage } from "./defaults";

export type { CodeInterpreterExecuteParams, CodeInterpreterExecuteStreamParams };
/** @deprecated Renamed {@link CodeInterpreterExecuteParams}: `ExecuteParams` did not say which API it belongs to. */
export type ExecuteParams = CodeInterpreterExecuteParams;
/** @deprecated Renamed {@link CodeInterpreterExecuteStreamParams}. */
export type ExecuteStreamParams = CodeInterpreterExecuteStreamParams;

/**
 * What an event of {@link CodeInterpreterClient.executeStream} is: a line of `stdout` or
 * `stderr`, the `exit` (last event), or an interpreter-level `error` such as a timeout. A kind
 * this SDK does not know yet (a newer server's, such as `result`) passes through by its name.
 */
export type CodeStreamEventType = "stdout" | "stderr" | "exit" | "error" | (string & {});

/**
 * One event of a streamed run: the contract's `StreamEvent` (`data` the output line or error
 * text, `code` the exit code), with its kind as a name rather than the wire's number.
 */
export interface CodeStreamEvent extends Omit<StreamEvent, "type"> {
  /** What happened. */
  type: CodeStreamEventType;
}

// The wire numbers the contract gives each kind. The docs show the names themselves on the
// wire too; both are accepted.
const EVENT_TYPES: readonly CodeStreamEventType[] = ["stdout", "stderr", "exit", "error"];

/**
 * The spec's `StreamEvent` checks each event; a kind sent by name (as the docs show, and as a
 * newer server may send one this SDK does not know) is checked as the contract's number would be,
 * and a numeric `data` as its text.
 */
const STREAM_EVENT_CHECK: EventSchema = {
  schema: executeStream.result,
  forCheck: (e) => ({
    ...e,
    ...(typeof e.type === "string" && e.type ? { type: Math.max(0, EVENT_TYPES.indexOf(e.type)) } : {}),
    // A line of digits that a server sent as a number reads as that text.
    ...(typeof e.data === "number" ? { data: String(e.data) } : {}),
  }),
};

function toEvent(raw: unknown, operation: string): CodeStreamEvent {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const t = r.type;
  let type: CodeStreamEventType;
  if (typeof t === "number") type = EVENT_TYPES[t] ?? `type-${t}`;
  else if (typeof t === "string" && t) type = t;
  else {
    throw new Leap0MalformedResponseError(`${operation}: malformed event in the stream: it has no \`type\`.`, {
      operation,
    });
  }
  const event: CodeStreamEvent = { type };
  if (typeof r.data === "string") event.data = r.data;
  else if (typeof r.data === "number") event.data = String(r.data);
  if (typeof r.code === "number") event.code = r.code;
  return event;
}

/**
 * The code interpreter served inside the sandbox: run code, stream its output, keep contexts
 * (REPL sessions whose variables and imports survive between runs). Reached as
 * `sandbox.codeInterpreter`, created on first use. Needs a sandbox from
 * {@link DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME}.
 */
export class CodeInterpreterClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
  }

  /**
   * True when the interpreter answers that it runs; use it to wait for a fresh sandbox.
   *
   * @returns Whether the interpreter says it runs.
   */
  async health(options?: RequestOptions): Promise<boolean> {
    const r = await invoke(this.#pipeline, codeInterpreterHealth, { sandboxId: this.#sandboxId }, options);
    return r.status === "ok";
  }

  /**
   * Starts a context (a REPL session) with a fixed language and working directory, for later
   * `execute({ contextId })` calls. Accepts `(language, cwd)` as in the guide, or `{ language, cwd }`.
   *
   * @param language - the context's language (`python` when omitted)
   * @param cwd - its working directory (the service's default when omitted)
   * @returns The new context, with its id.
   * @throws {@link Leap0ValidationError} when the language or directory is unusable (nothing is sent).
   */
  createContext(language?: CodeLanguage, cwd?: string, options?: RequestOptions): Promise<Context>;
  /**
   * Starts a context (a REPL session): `createContext({ language, cwd })`.
   */
  createContext(params: CreateContextParams, options?: RequestOptions): Promise<Context>;
  createContext(
    first?: CodeLanguage | CreateContextParams,
    second?: string | RequestOptions,
    third?: RequestOptions,
  ): Promise<Context> {
    const objectForm = typeof first === "object" && first !== null;
    const given: CreateContextParams = objectForm ? first : { language: first, cwd: second as string | undefined };
    const options = objectForm ? (second as RequestOptions | undefined) : third;
    // The reference's default; the service would pick Python too, but says so only in prose.
    const params: CreateContextParams = { ...given, language: given.language ?? "python" };
    if (params.cwd === undefined) delete params.cwd;
    return invoke(this.#pipeline, createContext, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * Every live context in the sandbox.
   *
   * @returns The contexts.
   */
  async listContexts(options?: RequestOptions): Promise<Context[]> {
    const r = await invoke(this.#pipeline, listContexts, { sandboxId: this.#sandboxId }, options);
    return r.items ?? [];
  }

  /**
   * One context, by id (or the context itself).
   *
   * @param context - the context's id, or the context itself
   * @returns The context.
   * @throws {@link Leap0ValidationError} when `context` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the context does not exist.
   */
  getContext(context: Ref, options?: RequestOptions): Promise<Context> {
    return invoke(
      this.#pipeline,
      getContext,
      { sandboxId: this.#sandboxId, ids: { contextID: refId(context, "context id") } },
      options,
    );
  }

  /**
   * Ends a context and its REPL process; its variables are gone.
   *
   * @param context - the context's id, or the context itself
   * @returns Resolves once the context is ended.
   * @throws {@link Leap0ValidationError} when `context` is not a usable id (nothing is sent).
   */
  deleteContext(context: Ref, options?: RequestOptions): Promise<void> {
    return invoke(
      this.#pipeline,
      deleteContext,
      { sandboxId: this.#sandboxId, ids: { contextID: refId(context, "context id") } },
      options,
    );
  }

  /**
   * Runs code and waits for it to finish. Without `contextId` a new context is made; pass the
   * returned `contextId` to the next call to keep its variables. `timeoutMs` bounds the run in the
   * sandbox; the call's own `timeout` (seconds, in `options`) bounds the HTTP call, so give long
   * runs both. Not retried: code may have run.
   *
   * @param params - the `code`, and optionally `language`, `contextId`, `envVars` and `timeoutMs`
   * @returns The run's output, results, error (if the code raised) and `contextId`.
   * @throws {@link Leap0ServerError} when the interpreter fails (500).
   *
   * @example
   * const first = await sandbox.codeInterpreter.execute({ code: "x = 2", language: "python" });
   * const second = await sandbox.codeInterpreter.execute({ code: "x * 21", contextId: first.contextId });
   */
  execute(params: CodeInterpreterExecuteParams, options?: RequestOptions): Promise<Execution> {
    return invoke(this.#pipeline, execute, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * Runs code in a fresh process and yields its output as it happens: `stdout` and `stderr`
   * lines, then `exit` (with `code`), or `error`. Iteration ends after `exit`; leaving the loop
   * early, or aborting `options.signal`, stops reading and releases the connection. The call's
   * `timeout` applies to the wait for the headers and then to each silence between events.
   *
   * @param params - the `code`, and optionally `language`, `contextId` and `timeoutMs`
   * @returns An async generator of output events, ending after `exit` (a stream that stops before it, with no `error` event, throws `Leap0ConnectionError`).
   * @throws {@link Leap0ServerError} when the interpreter fails (500).
   * @throws {@link Leap0MalformedResponseError} when an event in the stream cannot be read.
   *
   * @example
   * for await (const event of sandbox.codeInterpreter.executeStream({ code: "print('hi')", language: "python" })) {
   *   if (event.type === "stdout") console.log(event.data);
   * }
   */
  async *executeStream(
    params: CodeInterpreterExecuteStreamParams,
    options?: RequestOptions,
  ): AsyncGenerator<CodeStreamEvent, void, undefined> {
    const response = await invokeStream(this.#pipeline, executeStream, { sandboxId: this.#sandboxId, params }, options);
    let failed = false;
    const events = jsonEvents(response, executeStream, STREAM_EVENT_CHECK, (t) => this.#pipeline.redact(t));
    for await (const raw of events) {
      const event = toEvent(raw, executeStream.name);
      yield event;
      if (event.type === "exit") return;
      if (event.type === "error") failed = true;
    }
    // A run ends with its exit event (or an error event). A body that simply stops before it
    // is a connection that dropped, not a run that finished with nothing more to say.
    if (!failed) {
      throw new Leap0ConnectionError(
        `${executeStream.name}: the event stream ended before the run's exit event: the connection dropped. The code may have run, in part or in full; it was not run again.`,
        { operation: executeStream.name, status: response.status, mayHaveSucceeded: true },
      );
    }
  }
}
