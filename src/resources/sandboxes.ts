import { createSandbox, getSandbox, listSandboxes } from "../../generated/operations";
import type { ListSandboxesParams } from "../../generated/types";
import type { RequestOptions } from "../core/config";
import { readEnv } from "../core/env";
import { Leap0ValidationError } from "../core/errors";
import { invoke } from "../core/invoke";
import { paginate } from "../core/pagination";
import type { Pipeline } from "../core/pipeline";
import { secretsOf } from "../core/secrets";
import { parseParams } from "../core/validate";
import { type CreateSandboxParams, DEFAULT_TEMPLATE_NAME, type Page, type Ref, type SandboxSummary } from "../models";
import { refId } from "./refs";
import { Sandbox } from "./sandbox/handle";
import { type LifecycleOptions, splitWait } from "./wait";

/** Local variables that `otelExport: true` copies into the new sandbox's env vars. */
const OTEL_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
const OTEL_HEADERS = "OTEL_EXPORTER_OTLP_HEADERS";

/** The OTLP variables `otelExport: true` adds to the sandbox's env vars (explicit ones win). */
function otelEnv(params: Record<string, unknown>): Record<string, string> {
  const endpoint = readEnv(OTEL_ENDPOINT);
  if (!endpoint) {
    throw new Leap0ValidationError(
      `Invalid sandbox parameters: otelExport needs ${OTEL_ENDPOINT} set in this process's environment (it is copied into the sandbox). Nothing was sent.`,
      { fieldErrors: [{ field: "otelExport", error: `needs ${OTEL_ENDPOINT} in the local environment` }] },
    );
  }
  const out: Record<string, string> = { [OTEL_ENDPOINT]: endpoint };
  const headers = readEnv(OTEL_HEADERS);
  if (headers) out[OTEL_HEADERS] = headers;
  const explicit = params.envVars;
  return explicit && typeof explicit === "object" ? { ...out, ...(explicit as Record<string, string>) } : out;
}

/**
 * With `otelExport`, the OTLP headers (usually a backend's key) the SDK copies into `envVars`,
 * whole and value by value: the spec marks the mounts' keys and the policy's headers itself.
 */
function otelSecrets(params: CreateSandboxParams): string[] {
  if (!params || typeof params !== "object" || !params.otelExport) return [];
  const headers = readEnv(OTEL_HEADERS);
  return secretsOf(headers, ...(headers ?? "").split(",").map((pair) => pair.slice(pair.indexOf("=") + 1).trim()));
}

/** The SDK's defaults for what the contract requires but users need not say. */
function withDefaults(params: CreateSandboxParams): unknown {
  if (!params || typeof params !== "object" || Array.isArray(params)) return params; // refused by the check
  const { otelExport, ...rest } = params;
  const out: Record<string, unknown> = { ...rest };
  if (otelExport !== undefined && typeof otelExport !== "boolean") {
    throw new Leap0ValidationError("Invalid sandbox parameters: otelExport must be true or false. Nothing was sent.", {
      fieldErrors: [{ field: "otelExport", error: "must be true or false" }],
    });
  }
  if (otelExport) out.envVars = otelEnv(out);
  if (params.templateName === undefined) out.templateName = DEFAULT_TEMPLATE_NAME;
  if (Array.isArray(params.mounts)) {
    out.mounts = params.mounts.map((m) =>
      m && typeof m === "object" && m.type === undefined ? { ...m, type: "object-storage" } : m,
    );
  }
  return out;
}

/**
 * `client.sandboxes`: create, look up, list and drive sandboxes. Methods that return a sandbox
 * return a live {@link Sandbox} handle.
 */
export class SandboxesClient {
  readonly #pipeline: Pipeline;

  /** @internal Created by {@link Leap0Client}. */
  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
  }

  /**
   * Boots a new sandbox. Never retried once the request may have reached the server, so a
   * failure cannot leave you with two sandboxes (check `error.mayHaveSucceeded`).
   * `otelExport: true` copies the local `OTEL_EXPORTER_OTLP_ENDPOINT`/`OTEL_EXPORTER_OTLP_HEADERS`
   * into the sandbox's `envVars`, so telemetry from inside it reaches your collector.
   *
   * @param params - the sandbox's template, size, lifetime, mounts and network policy (all optional)
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions; plus `waitUntilRunning` (true or `{ timeout, signal, onProgress }`) to resolve only once the sandbox is `running`
   * @returns A live handle to the new sandbox (once it is `running`, with `waitUntilRunning`).
   * @throws {@link Leap0ValidationError} when the params break the contract, or `otelExport` is set without `OTEL_EXPORTER_OTLP_ENDPOINT` (nothing is sent).
   * @throws {@link Leap0ConflictError} when the organisation already runs as many sandboxes as it may.
   * @throws {@link Leap0SandboxStateError} with `waitUntilRunning`, when the sandbox reaches a state it cannot leave for `running` by itself.
   *
   * @example
   * const sandbox = await client.sandboxes.create({ vcpu: 2, memory: 2048, timeout: 600 });
   */
  async create(params: CreateSandboxParams = {}, options?: LifecycleOptions): Promise<Sandbox> {
    const [call, wait] = splitWait(options);
    const wire = withDefaults(params);
    // The OTLP headers the SDK copies into envVars are credentials the spec cannot mark.
    const secrets = otelSecrets(params);
    const info = await invoke(
      this.#pipeline,
      createSandbox,
      { params: wire, what: "sandbox parameters", secrets },
      call,
    );
    const sandbox = new Sandbox(info, this.#pipeline);
    return wait ? sandbox.waitUntilRunning(wait) : sandbox;
  }

  /**
   * Looks a sandbox up by id and returns a handle over its current state.
   *
   * @param ref - the sandbox's id, or anything with an `id`
   * @returns A handle over the sandbox's current state.
   * @throws {@link Leap0ValidationError} when `ref` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   */
  async get(ref: Ref, options?: RequestOptions): Promise<Sandbox> {
    const info = await invoke(this.#pipeline, getSandbox, { ids: { sandboxID: refId(ref, "sandbox id") } }, options);
    return new Sandbox(info, this.#pipeline);
  }

  /**
   * A handle for a sandbox whose id you already know, without a request. Its state fields stay
   * unset until a method answers (or `refresh()`); everything inside the sandbox works at once.
   *
   * @param ref - the sandbox's id, or anything with an `id`
   * @returns A handle whose state fields are unset until the next answer.
   * @throws {@link Leap0ValidationError} when `ref` is not a usable id (nothing is sent).
   */
  connect(ref: Ref): Sandbox {
    return new Sandbox({ id: refId(ref, "sandbox id") }, this.#pipeline);
  }

  /**
   * One page of the organisation's sandboxes.
   *
   * @param params - filters and paging (all optional)
   * @returns One page of sandbox summaries and the total that matched; ask for the next with `page: n + 1`, or use `iterate()`.
   */
  list(params: ListSandboxesParams = {}, options?: RequestOptions): Promise<Page<SandboxSummary>> {
    return invoke(this.#pipeline, listSandboxes, { params, what: "list parameters" }, options);
  }

  /**
   * Every sandbox matching `params`, page after page, fetched as you consume them.
   *
   * @param params - filters and page size (all optional)
   * @returns An async generator of sandbox summaries; pages are fetched as it is read.
   * @throws {@link Leap0ValidationError} when the params break the contract (thrown at once, before any page is fetched; nothing is sent).
   *
   * @example
   * for await (const s of client.sandboxes.iterate({ state: "running" })) console.log(s.id);
   */
  iterate(params: ListSandboxesParams = {}, options?: RequestOptions): AsyncGenerator<SandboxSummary, void, undefined> {
    parseParams(listSandboxes.params(), params, "list parameters");
    return paginate((p) => this.list(p, options), params);
  }

  /**
   * Pauses a running sandbox (memory and disk are saved; no named snapshot is made).
   *
   * @param ref - the sandbox's id, or anything with an `id`
   * @returns A handle over the paused sandbox.
   * @throws {@link Leap0ValidationError} when `ref` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is not running.
   */
  pause(ref: Ref, options?: RequestOptions): Promise<Sandbox> {
    return this.connect(ref).pause(options);
  }

  /**
   * Stops a running sandbox, keeping its disk but not its memory.
   *
   * @param ref - the sandbox's id, or anything with an `id`
   * @returns A handle over the stopped sandbox.
   * @throws {@link Leap0ValidationError} when `ref` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is not running.
   */
  stop(ref: Ref, options?: RequestOptions): Promise<Sandbox> {
    return this.connect(ref).stop(options);
  }

  /**
   * Starts a stopped sandbox again.
   *
   * @param ref - the sandbox's id, or anything with an `id`
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions; plus `waitUntilRunning` (true or `{ timeout, signal, onProgress }`) to resolve only once the sandbox is `running`
   * @returns A handle over the started sandbox (once it is `running`, with `waitUntilRunning`).
   * @throws {@link Leap0ValidationError} when `ref` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is not stopped.
   * @throws {@link Leap0RateLimitError} when the organisation's limit is reached.
   * @throws {@link Leap0ServerError} when the service has no capacity (503).
   * @throws {@link Leap0SandboxStateError} with `waitUntilRunning`, when the sandbox reaches a state it cannot leave for `running` by itself.
   */
  start(ref: Ref, options?: LifecycleOptions): Promise<Sandbox> {
    return this.connect(ref).start(options);
  }

  /**
   * Deletes a sandbox (terminating it first when it runs).
   *
   * @param ref - the sandbox's id, or anything with an `id`
   * @returns Resolves once the service has accepted the deletion.
   * @throws {@link Leap0ValidationError} when `ref` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the sandbox does not exist.
   * @throws {@link Leap0ConflictError} when the sandbox is changing state (try again once it settles).
   */
  delete(ref: Ref, options?: RequestOptions): Promise<void> {
    return this.connect(ref).delete(options);
  }
}
