/**
 * The 17 filesystem operations over a sandbox's in-memory tree, byte for byte: ranges, head and
 * tail, multipart both ways, glob, grep, edits, moves and copies, permissions, trees. The same
 * tree is the one commands see, so what `process.execute` writes is here and the other way
 * round. Requests and answers are capped at the service's 10 MiB.
 */
import type { InMemoryFs } from "just-bash";
import { encodeMultipart, unescapedFormName } from "../core/multipart";
import { empty, json, refuse } from "./answers";
import { type Handler, runningSandbox, statusFor } from "./control";
import type { Routed } from "./router";
import { HOME } from "./world";

/** The service's cap on a request or response body. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

type Params = Record<string, unknown>;

function pathOf(fs: InMemoryFs, value: unknown): string {
  return fs.resolvePath(HOME, String(value ?? ""));
}

/** 404 where the operation documents it, else 400: a path that is not there. */
function missing(call: Routed, path: string): never {
  refuse(statusFor(call.op, [404]), `no such file or directory: ${path}`);
}

async function statOr404(call: Routed, fs: InMemoryFs, path: string) {
  try {
    return await fs.lstat(path);
  } catch {
    missing(call, path);
  }
}

function modeString(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(3, "0");
}

/** A `FileInfo`, as stat and ls answer. */
async function fileInfo(fs: InMemoryFs, path: string): Promise<Record<string, unknown>> {
  const st = await fs.lstat(path);
  const info: Params = {
    name: path === "/" ? "/" : (path.split("/").pop() ?? path),
    path,
    is_dir: st.isDirectory,
    size: st.isDirectory ? 4096 : st.size,
    mode: modeString(st.mode),
    mtime: Math.floor(st.mtime.getTime() / 1000),
    owner: "user",
    group: "user",
    is_symlink: st.isSymbolicLink,
  };
  if (st.isSymbolicLink) info.link_target = await fs.readlink(path);
  return info;
}

const join = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);

/** A glob (`*`, `**`, `?`, `{a,b}`, `[…]`) as a regular expression over a relative path. */
export function globRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      if (end < 0) re += "\\{";
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(",")
          .map((a) => a.replace(/[.+^$()|[\]\\]/g, "\\$&"))
          .join("|")})`;
        i = end;
      }
    } else if (c === "[") {
      const end = glob.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += glob.slice(i, end + 1);
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Whether `rel` (or any of its parts) is excluded by one of the globs. */
function excluded(rel: string, globs: unknown): boolean {
  if (!Array.isArray(globs) || !globs.length) return false;
  const res = globs.map((g) => globRegExp(String(g)));
  const parts = rel.split("/");
  return res.some((re) => re.test(rel) || parts.some((p) => re.test(p)));
}

/** Every path under `dir` (not `dir` itself), depth first, skipping excluded ones and their contents. */
async function walk(
  fs: InMemoryFs,
  dir: string,
  exclude: unknown,
  maxDepth = Number.POSITIVE_INFINITY,
): Promise<string[]> {
  const out: string[] = [];
  const visit = async (at: string, depth: number) => {
    if (depth > maxDepth) return;
    for (const name of (await fs.readdir(at)).sort()) {
      const path = join(at, name);
      const rel = path.slice(dir === "/" ? 1 : dir.length + 1);
      if (excluded(rel, exclude)) continue;
      out.push(path);
      const st = await fs.lstat(path);
      if (st.isDirectory) await visit(path, depth + 1);
    }
  };
  await visit(dir, 1);
  return out;
}

/** `count` whole lines from the start (head) or the end (tail) of `bytes`. */
function lines(bytes: Uint8Array, head: number | undefined, tail: number | undefined): Uint8Array {
  if (head === undefined && tail === undefined) return bytes;
  const ends: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) ends.push(i);
  if (head !== undefined) {
    const end = head === 0 ? 0 : head <= ends.length ? (ends[head - 1] as number) + 1 : bytes.length;
    return bytes.subarray(0, end);
  }
  const count = tail as number;
  if (count === 0) return bytes.subarray(bytes.length);
  const lineEnds = bytes.length && bytes[bytes.length - 1] !== 0x0a ? [...ends, bytes.length - 1] : ends;
  if (count >= lineEnds.length) return bytes;
  return bytes.subarray((lineEnds[lineEnds.length - count - 1] as number) + 1);
}

/** A small unified diff of a whole-file edit. */
function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return "";
  const a = before.split("\n");
  const b = after.split("\n");
  const out = [`--- a${path}`, `+++ b${path}`, `@@ -1,${a.length} +1,${b.length} @@`];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) out.push(` ${a[i]}`);
    else {
      if (i < a.length) out.push(`-${a[i]}`);
      if (i < b.length) out.push(`+${b[i]}`);
    }
  }
  return `${out.join("\n")}\n`;
}

function countOf(text: string, find: string): number {
  if (!find) return 0;
  return text.split(find).length - 1;
}

async function writeBytes(fs: InMemoryFs, path: string, bytes: Uint8Array, permissions?: unknown): Promise<void> {
  const parent = path.slice(0, path.lastIndexOf("/")) || "/";
  await fs.mkdir(parent, { recursive: true });
  await fs.writeFile(path, bytes);
  if (typeof permissions === "string" && /^[0-7]{3,4}$/.test(permissions))
    await fs.chmod(path, Number.parseInt(permissions, 8));
}

/** The filesystem operations, by operationId. */
export const fileHandlers: Record<string, Handler> = {
  async filesystemLS(call, world) {
    const { fs } = runningSandbox(call, world);
    const p = call.params;
    const dir = pathOf(fs, p.path);
    const st = await statOr404(call, fs, dir);
    if (!st.isDirectory) refuse(400, `not a directory: ${dir}`);
    const paths = p.recursive === true ? await walk(fs, dir, p.exclude) : await walk(fs, dir, p.exclude, 1);
    return json(200, { items: await Promise.all(paths.map((x) => fileInfo(fs, x))) });
  },

  async filesystemStat(call, world) {
    const { fs } = runningSandbox(call, world);
    const path = pathOf(fs, call.params.path);
    await statOr404(call, fs, path);
    return json(200, await fileInfo(fs, path));
  },

  async filesystemMkdir(call, world) {
    const { fs } = runningSandbox(call, world);
    const p = call.params;
    const path = pathOf(fs, p.path);
    if (await fs.exists(path)) refuse(400, `already exists: ${path}`);
    try {
      await fs.mkdir(path, { recursive: p.recursive === true });
    } catch {
      refuse(400, `the parent of ${path} does not exist (use recursive)`);
    }
    const perm = typeof p.permissions === "string" ? p.permissions : "755";
    if (/^[0-7]{3,4}$/.test(perm)) await fs.chmod(path, Number.parseInt(perm, 8));
    return empty();
  },

  async filesystemWriteFile(call, world) {
    const { fs } = runningSandbox(call, world);
    const bytes = call.bytes ?? new Uint8Array(0);
    if (bytes.byteLength > MAX_BODY_BYTES) refuse(400, "the request body is larger than 10 MiB");
    const path = pathOf(fs, call.params.path);
    if ((await fs.exists(path)) && (await fs.lstat(path)).isDirectory) refuse(400, `is a directory: ${path}`);
    await writeBytes(fs, path, bytes, call.params.permissions);
    return empty();
  },

  async filesystemWriteFiles(call, world) {
    const { fs } = runningSandbox(call, world);
    const parts = call.parts ?? [];
    if (parts.reduce((n, part) => n + part.body.byteLength, 0) > MAX_BODY_BYTES) {
      refuse(400, "the request body is larger than 10 MiB");
    }
    for (const part of parts) await writeBytes(fs, pathOf(fs, unescapedFormName(part.name)), part.body);
    return empty();
  },

  async filesystemReadFile(call, world) {
    const { fs } = runningSandbox(call, world);
    const p = call.params;
    const path = pathOf(fs, p.path);
    const st = await statOr404(call, fs, path);
    if (st.isDirectory) refuse(400, `is a directory: ${path}`);
    let bytes = lines(await fs.readFileBuffer(path), p.head as number | undefined, p.tail as number | undefined);
    const offset = typeof p.offset === "number" ? p.offset : 0;
    bytes = bytes.subarray(Math.min(offset, bytes.length));
    const limit = typeof p.limit === "number" ? Math.min(p.limit, MAX_BODY_BYTES) : MAX_BODY_BYTES;
    bytes = bytes.subarray(0, limit);
    return new Response(bytes.slice() as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) },
    });
  },

  async filesystemReadFiles(call, world) {
    const { fs } = runningSandbox(call, world);
    const entries: [string, Uint8Array][] = [];
    let size = 0;
    for (const raw of (call.params.paths as unknown[]) ?? []) {
      const path = pathOf(fs, raw);
      if (!(await fs.exists(path)) || (await fs.lstat(path)).isDirectory) continue;
      const bytes = await fs.readFileBuffer(path);
      size += bytes.byteLength;
      if (size > MAX_BODY_BYTES) refuse(400, "the files are larger than 10 MiB together");
      entries.push([String(raw), bytes]);
    }
    const { body, contentType } = encodeMultipart(entries);
    return new Response(body, { status: 200, headers: { "content-type": contentType } });
  },

  async filesystemDelete(call, world) {
    const { fs } = runningSandbox(call, world);
    const path = pathOf(fs, call.params.path);
    const st = await statOr404(call, fs, path);
    if (st.isDirectory && call.params.recursive !== true && (await fs.readdir(path)).length) {
      refuse(400, `directory not empty: ${path} (use recursive)`);
    }
    await fs.rm(path, { recursive: true, force: true });
    return empty();
  },

  async filesystemSetPermissions(call, world) {
    const { fs } = runningSandbox(call, world);
    const path = pathOf(fs, call.params.path);
    await statOr404(call, fs, path);
    const mode = call.params.mode;
    if (typeof mode === "string") {
      if (!/^[0-7]{3,4}$/.test(mode)) refuse(400, "mode must be octal digits such as 644");
      await fs.chmod(path, Number.parseInt(mode, 8));
    }
    return empty();
  },

  async filesystemGlob(call, world) {
    const { fs } = runningSandbox(call, world);
    const p = call.params;
    const dir = pathOf(fs, p.path);
    if (!(await fs.exists(dir))) return json(200, { items: [] });
    const re = globRegExp(typeof p.pattern === "string" ? p.pattern : "**/*");
    const items = (await walk(fs, dir, p.exclude)).filter((x) => re.test(x.slice(dir === "/" ? 1 : dir.length + 1)));
    return json(200, { items });
  },

  async filesystemGrep(call, world) {
    const { fs } = runningSandbox(call, world);
    const p = call.params;
    const dir = pathOf(fs, p.path);
    if (!(await fs.exists(dir))) return json(200, { items: [] });
    const needle = typeof p.pattern === "string" ? p.pattern : "";
    const include = typeof p.include === "string" ? globRegExp(p.include) : undefined;
    const items: Record<string, unknown>[] = [];
    const files = (await fs.lstat(dir)).isDirectory ? await walk(fs, dir, p.exclude) : [dir];
    for (const path of files) {
      const st = await fs.lstat(path);
      if (st.isDirectory || st.isSymbolicLink) continue;
      if (include && !include.test(path.split("/").pop() ?? "")) continue;
      const text = await fs.readFile(path);
      text.split("\n").forEach((content, i) => {
        if (needle && content.includes(needle)) items.push({ path, line: i + 1, content });
      });
    }
    return json(200, { items });
  },

  async filesystemEditFile(call, world) {
    const { fs } = runningSandbox(call, world);
    const path = pathOf(fs, call.params.path);
    const st = await statOr404(call, fs, path);
    if (st.isDirectory) refuse(400, `is a directory: ${path}`);
    const before = await fs.readFile(path);
    let text = before;
    let replacements = 0;
    for (const edit of (call.params.edits as Params[]) ?? []) {
      const find = String(edit.find);
      const n = countOf(text, find);
      if (!n) refuse(400, `text to find was not found in ${path}`);
      replacements += n;
      text = text.split(find).join(typeof edit.replace === "string" ? edit.replace : "");
    }
    await fs.writeFile(path, text);
    return json(200, { diff: unifiedDiff(path, before, text), replacements });
  },

  async filesystemEditFiles(call, world) {
    const { fs } = runningSandbox(call, world);
    const find = String(call.params.find);
    const replace = typeof call.params.replace === "string" ? call.params.replace : "";
    const items: Record<string, unknown>[] = [];
    for (const raw of (call.params.files as unknown[]) ?? []) {
      const path = pathOf(fs, raw);
      if (!(await fs.exists(path)) || (await fs.lstat(path)).isDirectory) {
        items.push({ file: String(raw), success: false, error: "no such file" });
        continue;
      }
      const text = await fs.readFile(path);
      if (!countOf(text, find)) {
        items.push({ file: String(raw), success: false, error: "text to find was not found" });
        continue;
      }
      await fs.writeFile(path, text.split(find).join(replace));
      items.push({ file: String(raw), success: true });
    }
    return json(200, { items });
  },

  async filesystemMove(call, world) {
    const { fs } = runningSandbox(call, world);
    const src = pathOf(fs, call.params.srcPath);
    const dst = pathOf(fs, call.params.dstPath);
    await statOr404(call, fs, src);
    if ((await fs.exists(dst)) && call.params.overwrite !== true) refuse(400, `destination exists: ${dst}`);
    if (await fs.exists(dst)) await fs.rm(dst, { recursive: true, force: true });
    await fs.mv(src, dst);
    return empty();
  },

  async filesystemCopy(call, world) {
    const { fs } = runningSandbox(call, world);
    const src = pathOf(fs, call.params.srcPath);
    const dst = pathOf(fs, call.params.dstPath);
    const st = await statOr404(call, fs, src);
    if ((await fs.exists(dst)) && call.params.overwrite !== true) refuse(409, `destination exists: ${dst}`);
    if (st.isDirectory && call.params.recursive !== true) refuse(400, `${src} is a directory (use recursive)`);
    await fs.cp(src, dst, { recursive: call.params.recursive === true });
    return empty();
  },

  async filesystemExists(call, world) {
    const { fs } = runningSandbox(call, world);
    return json(200, { exists: await fs.exists(pathOf(fs, call.params.path)) });
  },

  async filesystemTree(call, world) {
    const { fs } = runningSandbox(call, world);
    const p = call.params;
    const root = pathOf(fs, p.path);
    const st = await statOr404(call, fs, root);
    if (!st.isDirectory) refuse(400, `not a directory: ${root}`);
    const maxDepth = typeof p.maxDepth === "number" ? p.maxDepth : Number.POSITIVE_INFINITY;
    const build = async (dir: string, depth: number): Promise<Record<string, unknown>[]> => {
      const out: Record<string, unknown>[] = [];
      for (const name of (await fs.readdir(dir)).sort()) {
        const path = join(dir, name);
        if (excluded(path.slice(root === "/" ? 1 : root.length + 1), p.exclude)) continue;
        const isDir = (await fs.lstat(path)).isDirectory;
        const entry: Params = { name, type: isDir ? "directory" : "file" };
        if (isDir && depth < maxDepth) entry.children = await build(path, depth + 1);
        out.push(entry);
      }
      return out;
    };
    return json(200, { items: await build(root, 1) });
  },
};
