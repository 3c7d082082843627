/**
 * Client-side OpenTelemetry, as Leap0 documents it: when enabled, a span per call (operation,
 * status, attempts) through `@opentelemetry/api`, an optional peer dependency. The SDK bundles
 * no exporter: spans go to whatever tracer provider the application registered. When disabled
 * nothing is loaded and a call pays nothing.
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

interface OtelApi {
  trace: { getTracer(name: string, version?: string): TracerLike };
}

const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;
// Not a literal in import(): bundlers must not pull the optional dependency into every bundle.
const OTEL_API = ["@opentelemetry", "api"].join("/");

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

/** Loads the tracer once, on the first call; a missing `@opentelemetry/api` turns telemetry off. */
export class Telemetry {
  #tracer: Promise<TracerLike | undefined> | undefined;
  readonly #version: string;
  readonly #warn: (line: string) => void;

  constructor(version: string, warn: (line: string) => void) {
    this.#version = version;
    this.#warn = warn;
  }

  #load(): Promise<TracerLike | undefined> {
    this.#tracer ??= (import(/* @vite-ignore */ /* webpackIgnore: true */ OTEL_API) as Promise<OtelApi>).then(
      (api) => api.trace.getTracer("leap0", this.#version),
      () => {
        this.#warn(
          "[leap0] OpenTelemetry is enabled but @opentelemetry/api is not installed; no spans will be made (npm install @opentelemetry/api).",
        );
        return undefined;
      },
    );
    return this.#tracer;
  }

  /** Starts the span of one call; the returned function ends it with what happened. */
  async start(operation: string, method: string, path: string): Promise<(report: CallReport) => void> {
    const tracer = await this.#load();
    if (!tracer) return () => {};
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
