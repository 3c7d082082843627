/**
 * Client-side OpenTelemetry, as Leap0 documents it: when enabled, a span per call (operation,
 * status, attempts) through `@opentelemetry/api`, an optional peer dependency. The SDK bundles
 * no exporter and imports nothing: it finds the tracer provider the application registered
 * through the API's own process-wide registry (`Symbol.for("opentelemetry.js.api.1")`, the slot
 * every copy of `@opentelemetry/api` 1.x shares by design). So a bundle carries no telemetry
 * code beyond this file, no runtime (Workers included) meets a dynamic import, and when
 * telemetry is disabled a call pays nothing.
 *
 * Enabled by `sdkOtelEnabled`, else `LEAP0_SDK_OTEL_ENABLED`, else whenever
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the application exports traces somewhere).
 */
import { readEnv } from "./env";

/** The part of `@opentelemetry/api`'s span the SDK uses. */
interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The part of `@opentelemetry/api`'s tracer the SDK uses. */
interface TracerLike {
  startSpan(name: string, options?: { kind?: number; attributes?: Record<string, string | number> }): SpanLike;
}

/** The part of the API's global registry entry the SDK uses. */
interface OtelGlobal {
  version?: string;
  trace?: { getTracer(name: string, version?: string): TracerLike };
}

const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;
// The key under which @opentelemetry/api 1.x keeps its globals (its GLOBAL_OPENTELEMETRY_API_KEY).
const REGISTRY = Symbol.for("opentelemetry.js.api.1");

/** Whether telemetry is on: the option, else the environment. */
export function otelEnabled(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  const env = readEnv("LEAP0_SDK_OTEL_ENABLED");
  if (env !== undefined) return /^(1|true|yes|on)$/i.test(env);
  return readEnv("OTEL_EXPORTER_OTLP_ENDPOINT") !== undefined;
}

/** What a finished call reports to its span. */
export interface CallReport {
  status?: number;
  attempts: number;
  error?: Error;
}

/** Finds the application's tracer on each call (a provider may be registered after the client). */
export class Telemetry {
  readonly #version: string;
  readonly #warn: (line: string) => void;
  #warned = false;

  constructor(version: string, warn: (line: string) => void) {
    this.#version = version;
    this.#warn = warn;
  }

  #tracer(): TracerLike | undefined {
    const api = (globalThis as Record<symbol, OtelGlobal | undefined>)[REGISTRY];
    const tracer = api?.trace?.getTracer("leap0", this.#version);
    if (!tracer && !this.#warned) {
      this.#warned = true;
      this.#warn(
        "[leap0] OpenTelemetry is enabled but no tracer provider is registered through @opentelemetry/api; no spans will be made until one is.",
      );
    }
    return tracer;
  }

  /** Starts the span of one call; the returned function ends it with what happened. */
  start(operation: string, method: string, path: string): ((report: CallReport) => void) | undefined {
    const tracer = this.#tracer();
    if (!tracer) return undefined;
    const span = tracer.startSpan(`leap0.${operation}`, {
      kind: SPAN_KIND_CLIENT,
      attributes: { "leap0.operation": operation, "http.request.method": method, "url.template": path },
    });
    return (report) => {
      if (report.status !== undefined) span.setAttribute("http.response.status_code", report.status);
      span.setAttribute("leap0.attempts", report.attempts);
      if (report.error) {
        span.setAttribute("error.type", report.error.name);
        span.setStatus({ code: STATUS_ERROR, message: report.error.name });
      }
      span.end();
    };
  }
}
