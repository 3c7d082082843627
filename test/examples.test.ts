/**
 * Every file in examples/ runs against the Prism mock: each exports `main(client, log)`, and
 * every request it makes must be valid against openapi.yaml. A new example is covered by
 * simply being in the folder.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, test } from "vitest";
import type { Leap0Client } from "../src";
import { mockClient, TRANSPORT } from "./support/helpers";

const DIR = join(__dirname, "..", "examples");
const files = readdirSync(DIR).filter((f) => f.endsWith(".ts"));

describe("examples/", () => {
  test("there is at least one example", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)("%s runs against the mock with every request valid", async (file) => {
    const mod = (await import(join(DIR, file))) as {
      main?: (client: Leap0Client, log: (line: string) => void) => Promise<void>;
    };
    expect(typeof mod.main).toBe("function");
    const { client, rec } = mockClient();
    const lines: string[] = [];
    await mod.main?.(client, (l) => lines.push(l));
    expect(rec.violations()).toEqual([]);
    expect(rec.sent.length).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(0);
  });

  test("snapshots.ts creates, snapshots, restores, lists and cleans up everything it made", async () => {
    const { main } = await import("../examples/snapshots");
    const { client, rec } = mockClient();
    await main(client, () => {});
    expect(rec.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      "POST /v1/sandbox/",
      "GET /v1/sandbox/sbx-7f3k2m9q4d/",
      "POST /v1/sandbox/sbx-7f3k2m9q4d/snapshot/create",
      "POST /v1/snapshot/restore", // its example answers "running": no wait needed
      "GET /v1/snapshots",
      "DELETE /v1/sandbox/sbx-2r6t8y1u5h/",
      "DELETE /v1/snapshot/snap-4n8w2c6x1p",
      "DELETE /v1/sandbox/sbx-7f3k2m9q4d/",
    ]);
  });

  // As a user runs one: `npx tsx examples/<file>`, the key and base URL from the environment.
  // The script picks its own transport, so once is enough (not again in the undici project).
  test.skipIf(TRANSPORT === "undici").each(files)("npx tsx examples/%s runs as a script and exits 0", async (file) => {
    const tsx = join(__dirname, "..", "node_modules", "tsx", "dist", "cli.mjs");
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, join("examples", file)], {
      cwd: join(__dirname, ".."),
      env: { ...process.env, LEAP0_API_KEY: "sk-example-run", LEAP0_BASE_URL: inject("prismUrl") },
    });
    expect(stderr).toBe("");
    expect(stdout.trim().split("\n").length).toBeGreaterThan(1);
  });
});
