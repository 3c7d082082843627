/**
 * sandbox.filesystem against the Prism mock of openapi.yaml: every operation's exact wire
 * request (path, query, body), both documented argument forms where there are two, and no
 * contract violation reported by Prism. Bytes and multipart answers are proven against a local
 * server in filesystem-bytes.test.ts (Prism reads bodies as text and cannot answer multipart).
 */
import { describe, expect, test } from "vitest";
import { Leap0NotFoundError, Leap0ValidationError } from "../src";
import { mockClient } from "./support/helpers";

const ID = "sbx-fs-1";

function setup(headers?: Record<string, string>) {
  const { client, rec } = mockClient(headers ? { headers } : {});
  const fs = client.sandboxes.connect(ID).filesystem;
  const wire = () =>
    rec.sent.map((s) => ({
      op: s.path.replace(`/v1/sandbox/${ID}/filesystem/`, ""),
      query: Object.fromEntries(s.query),
      body: s.body,
    }));
  return { fs, rec, wire };
}

describe("filesystem on the contract", () => {
  test("every JSON operation sends exactly the documented body, and answers are mapped to camelCase", async () => {
    const { fs, rec, wire } = setup();
    const listing = await fs.ls("/app", { recursive: true, exclude: ["node_modules"] });
    expect(listing.items[0]).toMatchObject({ name: "src", isDir: true, isSymlink: false });
    expect((await fs.stat("/app/package.json")).size).toBe(612);
    await fs.mkdir("/app/dist", { recursive: true, permissions: 0o750 });
    await fs.delete("/app/dist", true);
    await fs.delete({ path: "/app/tmp", recursive: false });
    await fs.delete("/app/file");
    await fs.setPermissions("/app/run.sh", { mode: 0o755, owner: "user" });
    expect(await fs.glob("/app", "**/*.ts", { exclude: ["node_modules"] })).toEqual([
      "/home/user/app/src/index.ts",
      "/home/user/app/src/util.ts",
    ]);
    expect((await fs.grep("/app", "TODO", { include: "*.ts" }))[0]).toMatchObject({ line: 42 });
    expect((await fs.editFile("/app/a.ini", [{ find: "a", replace: "b" }])).replacements).toBe(1);
    expect((await fs.editFiles({ files: ["/app/a.ts"], find: "x" })).items).toHaveLength(2);
    await fs.move("/app/old", "/app/new");
    await fs.move({ srcPath: "/app/a", dstPath: "/app/b", overwrite: true });
    await fs.copy("/app/src", "/backup/src", { recursive: true });
    expect(await fs.exists("/app/.env")).toBe(false);
    expect((await fs.tree("/app", 2)).items[0]?.name).toBe("src");
    await fs.tree("/app", { maxDepth: 1, exclude: [".git"] });
    await fs.tree("/app");
    expect(rec.violations()).toEqual([]);
    expect(wire().map((w) => [w.op, w.body])).toEqual([
      ["ls", { path: "/app", recursive: true, exclude: ["node_modules"] }],
      ["stat", { path: "/app/package.json" }],
      ["mkdir", { path: "/app/dist", recursive: true, permissions: "750" }],
      ["delete", { path: "/app/dist", recursive: true }],
      ["delete", { path: "/app/tmp", recursive: false }],
      ["delete", { path: "/app/file" }],
      ["set-permissions", { path: "/app/run.sh", mode: "755", owner: "user" }],
      ["glob", { path: "/app", pattern: "**/*.ts", exclude: ["node_modules"] }],
      ["grep", { path: "/app", pattern: "TODO", include: "*.ts" }],
      ["edit-file", { path: "/app/a.ini", edits: [{ find: "a", replace: "b" }] }],
      ["edit-files", { files: ["/app/a.ts"], find: "x" }],
      ["move", { src_path: "/app/old", dst_path: "/app/new" }],
      ["move", { src_path: "/app/a", dst_path: "/app/b", overwrite: true }],
      ["copy", { src_path: "/app/src", dst_path: "/backup/src", recursive: true }],
      ["exists", { path: "/app/.env" }],
      ["tree", { path: "/app", max_depth: 2 }],
      ["tree", { path: "/app", max_depth: 1, exclude: [".git"] }],
      ["tree", { path: "/app" }],
    ]);
  });

  test("write-file sends the raw bytes with path and permissions in the query", async () => {
    const { fs, rec, wire } = setup();
    await fs.writeFile("/app/notes.txt", "héllo", { permissions: "0644" });
    await fs.writeBytes("/app/raw.bin", new Uint8Array([104, 105]), { permissions: 0o600 });
    // (An empty file is written in filesystem-bytes.test.ts: Prism takes a required body to mean non-empty.)
    expect(rec.violations()).toEqual([]);
    expect(wire()).toEqual([
      { op: "write-file", query: { path: "/app/notes.txt", permissions: "0644" }, body: "héllo" },
      { op: "write-file", query: { path: "/app/raw.bin", permissions: "600" }, body: "hi" },
    ]);
    expect(rec.sent[0]?.headers.get("content-type")).toBe("application/octet-stream");
  });

  test("write-files sends one multipart part per path, named by the path", async () => {
    const { fs, rec } = setup();
    await fs.writeFiles({ "/app/a.txt": "A", "/app/b.bin": new Uint8Array([66]) });
    await fs.writeFilesBytes({ "/app/c.txt": new Blob(["C"]) });
    expect(rec.violations()).toEqual([]);
    const first = rec.sent[0];
    expect(first?.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    expect(first?.body).toMatch(
      /name="\/app\/a\.txt"[\s\S]*\r\n\r\nA\r\n[\s\S]*name="\/app\/b\.bin"[\s\S]*\r\n\r\nB\r\n/,
    );
  });

  test("read-file: the range or lines asked for, in the JSON body; head and tail together are refused", async () => {
    const { fs, rec, wire } = setup();
    expect(typeof (await fs.readFile("/var/log/app.log"))).toBe("string");
    expect(await fs.readFile("/var/log/app.log", { tail: 50, format: "bytes" })).toBeInstanceOf(Uint8Array);
    expect(await fs.readBytes("/var/log/app.log", { offset: 10, limit: 20 })).toBeInstanceOf(Uint8Array);
    expect(await fs.readFile("/var/log/app.log", { head: 5, format: "blob" })).toBeInstanceOf(Blob);
    await (await fs.readFile("/var/log/app.log", { format: "stream" })).cancel();
    const error = await fs.readFile("/x", { head: 1, tail: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Leap0ValidationError);
    expect((error as Leap0ValidationError).fieldErrors[0]?.field).toBe("tail");
    await expect(fs.readFile("/x", { offset: -1 })).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(rec.violations()).toEqual([]);
    expect(wire().map((w) => w.body)).toEqual([
      // A whole-file read asks for its first range; a file that fills it is read on range by range.
      { path: "/var/log/app.log", limit: 10 * 1024 * 1024 },
      { path: "/var/log/app.log", tail: 50 },
      { path: "/var/log/app.log", offset: 10, limit: 20 },
      { path: "/var/log/app.log", head: 5 },
      { path: "/var/log/app.log", limit: 10 * 1024 * 1024 },
    ]);
    expect(rec.sent[0]?.headers.get("accept")).toMatch(/^application\/octet-stream/);
  });

  test("read-files sends the paths; Prism's multipart answer cannot be mocked, so only the request is checked here", async () => {
    const { fs, rec, wire } = setup();
    await fs.readFilesBytes(["/app/a", "/app/b"], {}, { maxRetries: 0 }).catch(() => {});
    // Prism flags its own answer (it has no multipart serializer); nothing about our request.
    expect(rec.violations().filter((v) => !v.includes('"location":["response"]'))).toEqual([]);
    expect(wire()).toEqual([{ op: "read-files", query: {}, body: { paths: ["/app/a", "/app/b"] } }]);
  });

  test("a documented 404 arrives as Leap0NotFoundError", async () => {
    const { fs } = setup({ Prefer: "code=404" });
    await expect(fs.stat("/missing")).rejects.toBeInstanceOf(Leap0NotFoundError);
    await expect(fs.readFile("/missing")).rejects.toBeInstanceOf(Leap0NotFoundError);
    await expect(fs.readFile("/missing", { format: "stream" })).rejects.toBeInstanceOf(Leap0NotFoundError);
  });

  test("bad arguments are refused before anything is sent", async () => {
    const { fs, rec } = setup();
    await expect(fs.writeFile("/a", 42 as unknown as string)).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(fs.mkdir("/a", { permissions: "999" })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(fs.editFiles({ files: [], find: "x" })).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(fs.readFile("/a", { format: "json" as "text" })).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(rec.sent).toHaveLength(0);
  });
});
