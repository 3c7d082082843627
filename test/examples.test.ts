import { expect, test } from "vitest";
import { main } from "../examples/snapshots";
import { mockClient } from "./support/helpers";

test("examples/snapshots.ts runs against the mock, every request valid, and cleans up", async () => {
  const { client, rec } = mockClient();
  const lines: string[] = [];
  await main(client, (l) => lines.push(l));
  expect(rec.violations()).toEqual([]);
  expect(rec.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
    "POST /v1/sandbox/",
    "POST /v1/sandbox/sbx-7f3k2m9q4d/snapshot/create",
    "POST /v1/snapshot/restore",
    "GET /v1/snapshots",
    "DELETE /v1/sandbox/sbx-2r6t8y1u5h/",
    "DELETE /v1/snapshot/snap-4n8w2c6x1p",
    "DELETE /v1/sandbox/sbx-7f3k2m9q4d/",
  ]);
  expect(lines[0]).toMatch(/created sandbox\s+sbx-7f3k2m9q4d/);
});
