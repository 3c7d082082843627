/**
 * Client-side OpenTelemetry through the real `@opentelemetry/api`: a span per call with the
 * operation, status and attempts, and nothing at all when it is off.
 */
import { trace } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { Leap0Client, type Leap0ClientOptions } from "../src";
import { FaultServer, fail, ok, SANDBOX } from "./support/fault-server";
import { API_KEY } from "./support/helpers";

interface Recorded {
  name: string;
  attributes: Record<string, unknown>;
  status?: { code: number; message?: string };
  ended: boolean;
}

const spans: Recorded[] = [];
const tracer = {
  startSpan(name: string, options?: { attributes?: Record<string, unknown> }) {
    const span: Recorded = { name, attributes: { ...options?.attributes }, ended: false };
    spans.push(span);
    return {
      setAttribute(key: string, value: unknown) {
        span.attributes[key] = value;
        return this;
      },
      setStatus(status: { code: number; message?: string }) {
        span.status = status;
        return this;
      },
      end() {
        span.ended = true;
      },
    };
  },
};

const server = new FaultServer();
beforeAll(async () => {
  await server.start();
  trace.setGlobalTracerProvider({ getTracer: () => tracer as never });
});
afterEach(async () => {
  spans.length = 0;
  await server.reset();
});
afterAll(async () => {
  trace.disable();
  await server.stop();
});

function client(options: Leap0ClientOptions = {}) {
  return new Leap0Client({ apiKey: API_KEY, baseUrl: server.url, timeout: 5, ...options });
}

describe("OpenTelemetry spans", () => {
  test("sdkOtelEnabled: one span per call with the operation, the status and the attempts", async () => {
    server.next(fail(503, "busy", { "Retry-After": "0" }), ok(SANDBOX));
    await client({ sdkOtelEnabled: true }).sandboxes.get("sbx-a1");
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      name: "leap0.getSandbox",
      ended: true,
      attributes: {
        "leap0.operation": "getSandbox",
        "http.request.method": "GET",
        "url.template": "/v1/sandbox/{sandboxID}/",
        "http.response.status_code": 200,
        "leap0.attempts": 2,
      },
    });
    expect(spans[0]?.status).toBeUndefined();
  });

  test("a failed call ends its span with an error status and the error's class, never its text", async () => {
    server.next(fail(409, `name taken ${API_KEY}`));
    await client({ sdkOtelEnabled: true })
      .snapshots.create("sbx-a1", { name: "warm" })
      .catch(() => {});
    expect(spans[0]?.status).toEqual({ code: 2, message: "Leap0ConflictError" });
    expect(spans[0]?.attributes["error.type"]).toBe("Leap0ConflictError");
    expect(JSON.stringify(spans)).not.toContain(API_KEY);
  });

  test("off by default: no spans without the option or the environment", async () => {
    const saved = [process.env.OTEL_EXPORTER_OTLP_ENDPOINT, process.env.LEAP0_SDK_OTEL_ENABLED];
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.LEAP0_SDK_OTEL_ENABLED;
    try {
      server.next(ok(SANDBOX));
      await client().sandboxes.get("sbx-a1");
      expect(spans).toHaveLength(0);
    } finally {
      if (saved[0] !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved[0];
      if (saved[1] !== undefined) process.env.LEAP0_SDK_OTEL_ENABLED = saved[1];
    }
  });

  test("on when OTEL_EXPORTER_OTLP_ENDPOINT is set; LEAP0_SDK_OTEL_ENABLED=false turns it off", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:4318";
    try {
      server.next(ok(SANDBOX));
      await client().sandboxes.get("sbx-a1");
      expect(spans).toHaveLength(1);
      process.env.LEAP0_SDK_OTEL_ENABLED = "false";
      await client().sandboxes.get("sbx-a1");
      expect(spans).toHaveLength(1);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete process.env.LEAP0_SDK_OTEL_ENABLED;
    }
  });
});
