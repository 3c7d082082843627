import { inspect } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import {
  Leap0APIError,
  Leap0AuthenticationError,
  Leap0BadRequestError,
  Leap0ConflictError,
  Leap0Error,
  Leap0NotFoundError,
  Leap0RateLimitError,
  Leap0ServerError,
} from "../src";
import { API_KEY, mockClient, type Recorder } from "./support/helpers";

let rec: Recorder;
afterEach(() => {
  expect(rec.violations()).toEqual([]);
});

function expectNoKey(error: unknown): void {
  const e = error as Error;
  for (const text of [e.message, e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 10 }), String(e)]) {
    expect(text).not.toContain(API_KEY);
  }
}

async function failure(p: Promise<unknown>): Promise<Leap0Error> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Leap0Error);
  expectNoKey(error);
  return error as Leap0Error;
}

describe("HTTP status → error class (Prism answers each documented status on request)", () => {
  test("400 on create → Leap0BadRequestError with the API's field errors", async () => {
    const m = mockClient({ headers: { Prefer: "code=400" } });
    rec = m.rec;
    const e = await failure(m.client.snapshots.create("sbx-7f3k2m9q4d", { name: "x" }));
    expect(e).toBeInstanceOf(Leap0BadRequestError);
    expect(e).toMatchObject({ status: 400, operation: "createSnapshot" });
    expect(e.fieldErrors).toEqual([{ field: "name", error: "must be at most 64 characters" }]);
    expect(e.message).toContain("createSnapshot: HTTP 400: Invalid request (name: must be at most 64 characters)");
    expect(rec.sent).toHaveLength(1);
  });

  test("401 → Leap0AuthenticationError, not retried", async () => {
    const m = mockClient({ headers: { Prefer: "code=401" } });
    rec = m.rec;
    const e = await failure(m.client.sandboxes.list());
    expect(e).toBeInstanceOf(Leap0AuthenticationError);
    expect(e).toBeInstanceOf(Leap0APIError);
    expect(e.message).toBe("listSandboxes: HTTP 401: invalid API key");
    expect(rec.sent).toHaveLength(1);
  });

  test("404 → Leap0NotFoundError, not retried", async () => {
    const m = mockClient({ headers: { Prefer: "code=404" } });
    rec = m.rec;
    const e = await failure(m.client.sandboxes.get("sbx-missing"));
    expect(e).toBeInstanceOf(Leap0NotFoundError);
    expect(e).toMatchObject({ status: 404, operation: "getSandbox", mayHaveSucceeded: false });
    expect(rec.sent).toHaveLength(1);
  });

  test("409 → Leap0ConflictError, never retried (it cannot succeed as sent)", async () => {
    const m = mockClient({ headers: { Prefer: "code=409" } });
    rec = m.rec;
    const e = await failure(m.client.sandboxes.create());
    expect(e).toBeInstanceOf(Leap0ConflictError);
    expect(e.message).toBe("createSandbox: HTTP 409: sandbox limit reached for this organization");
    const d = await failure(m.client.snapshots.delete("snap-4n8w2c6x1p"));
    expect(d).toBeInstanceOf(Leap0ConflictError);
    expect(rec.sent).toHaveLength(2);
  });

  test("429 on restore → Leap0RateLimitError after the allowed retries (a refusal is safe to retry)", async () => {
    const m = mockClient({ headers: { Prefer: "code=429" }, maxRetries: 1 });
    rec = m.rec;
    const e = await failure(m.client.snapshots.restore({ snapshotName: "workspace-warm" }));
    expect(e).toBeInstanceOf(Leap0RateLimitError);
    expect(e).toMatchObject({ status: 429, mayHaveSucceeded: false });
    expect(rec.sent).toHaveLength(2);
  });

  test("503 on start → Leap0ServerError; maxRetries: 0 per call disables retries", async () => {
    const m = mockClient({ headers: { Prefer: "code=503" } });
    rec = m.rec;
    const e = await failure(m.client.sandboxes.start("sbx-7f3k2m9q4d", { maxRetries: 0 }));
    expect(e).toBeInstanceOf(Leap0ServerError);
    expect(e.message).toBe("startSandbox: HTTP 503: no runner capacity available");
    expect(rec.sent).toHaveLength(1);
  });
});
