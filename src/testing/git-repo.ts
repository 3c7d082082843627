/**
 * Git over a sandbox's in-memory filesystem, with isomorphic-git (a git written in JavaScript)
 * doing the object store, the index, refs, checkout and merge. This file adds what the service
 * adds on top of git: text output as the git CLI prints it (`status --porcelain=v2 --branch`,
 * `log`, `show`, unified diffs) and exit codes, so a failing command is reported as the service
 * reports it (`{ output, exitCode }`), never thrown. isomorphic-git is loaded on the first git
 * call, so a test that never touches git does not need it installed.
 */
import type { InMemoryFs } from "just-bash";

// The module's own type, without making it a load-time import.
type Git = typeof import("isomorphic-git");
let loaded: Promise<Git> | undefined;

/** isomorphic-git, loaded once; rejects with an install hint when the package is missing. */
export function loadGit(): Promise<Git> {
  loaded ??= import("isomorphic-git").then(
    (m) => ((m as unknown as { default?: Git }).default ?? m) as Git,
    (e: unknown) => {
      loaded = undefined;
      // Why the import failed is the user's first clue (not installed, or not loadable here).
      const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
      throw new GitFailure(
        127,
        `git: command not found (leap0/testing runs git with the isomorphic-git package: npm i -D isomorphic-git; loading it failed: ${why})\n`,
      );
    },
  );
  return loaded;
}

/** A git command that failed: its output and exit code, as the service reports them. */
export class GitFailure extends Error {
  constructor(
    readonly exitCode: number,
    readonly output: string,
  ) {
    super(output.trim());
  }
}

/** Fails the current git command with git's own words. */
export function fail(exitCode: number, output: string): never {
  throw new GitFailure(exitCode, output.endsWith("\n") ? output : `${output}\n`);
}

type Stat = Awaited<ReturnType<InMemoryFs["lstat"]>>;

/** The filesystem interface isomorphic-git asks for, over just-bash's in-memory tree. */
export function gitFs(mem: InMemoryFs) {
  const coded = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      // isomorphic-git tells "not there" from other failures by `code`, as Node's fs sets it.
      const code = /^(E[A-Z]+)/.exec((e as Error)?.message ?? "")?.[1];
      if (code && e && typeof e === "object" && !("code" in e)) Object.assign(e, { code });
      throw e;
    }
  };
  const stats = (st: Stat) => {
    const ms = st.mtime.getTime();
    return {
      ...st,
      isFile: () => st.isFile,
      isDirectory: () => st.isDirectory,
      isSymbolicLink: () => st.isSymbolicLink,
      mtimeMs: ms,
      ctimeMs: ms,
      uid: 1000,
      gid: 1000,
      dev: 1,
      ino: typeof st.ino === "number" ? st.ino : 1,
    };
  };
  return {
    promises: {
      readFile: (p: string, o?: { encoding?: string } | string) =>
        coded(async () => {
          const encoding = typeof o === "string" ? o : o?.encoding;
          return encoding ? mem.readFile(p, encoding as "utf8") : mem.readFileBuffer(p);
        }),
      writeFile: (p: string, d: string | Uint8Array) => coded(() => mem.writeFile(p, d)),
      unlink: (p: string) => coded(() => mem.rm(p)),
      readdir: (p: string) => coded(() => mem.readdir(p)),
      mkdir: (p: string) =>
        coded(async () => {
          if (await mem.exists(p)) throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${p}'`));
          await mem.mkdir(p);
        }),
      rmdir: (p: string) => coded(() => mem.rm(p)),
      stat: (p: string) => coded(async () => stats(await mem.stat(p))),
      lstat: (p: string) => coded(async () => stats(await mem.lstat(p))),
      readlink: (p: string) => coded(() => mem.readlink(p)),
      symlink: (t: string, p: string) => coded(() => mem.symlink(t, p)),
      chmod: (p: string, m: number) => coded(() => mem.chmod(p, m)),
    },
  };
}

/** Every file under `dir` (relative paths), for copying a repository's object store. */
export async function filesUnder(mem: InMemoryFs, dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  let names: string[];
  try {
    names = await mem.readdir(`${dir}${prefix}`);
  } catch {
    return out;
  }
  for (const name of names) {
    const rel = `${prefix}/${name}`;
    const st = await mem.lstat(`${dir}${rel}`);
    if (st.isDirectory) out.push(...(await filesUnder(mem, dir, rel)));
    else out.push(rel);
  }
  return out;
}

/** Copies the objects `from` has and `to` lacks: how a fetch or a push moves history here. */
export async function copyObjects(from: InMemoryFs, fromGitdir: string, to: InMemoryFs, toGitdir: string) {
  for (const rel of await filesUnder(from, `${fromGitdir}/objects`)) {
    const target = `${toGitdir}/objects${rel}`;
    if (await to.exists(target)) continue;
    await to.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await to.writeFile(target, await from.readFileBuffer(`${fromGitdir}/objects${rel}`));
  }
}

// ── Unified diffs ──

const MAX_DIFF_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (!text) return [];
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  return all;
}

/** The edit script from `a` to `b` (longest common subsequence), as `' '`, `-`, `+` lines. */
function script(a: string[], b: string[]): [string, string][] {
  if (a.length * b.length > MAX_DIFF_CELLS) {
    return [...a.map((l): [string, string] => ["-", l]), ...b.map((l): [string, string] => ["+", l])];
  }
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array;
    const next = table[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const out: [string, string][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push([" ", a[i] as string]);
      i++;
      j++;
    } else if (j < m && (i >= n || (table[i]?.[j + 1] as number) > (table[i + 1]?.[j] as number))) {
      out.push(["+", b[j++] as string]);
    } else out.push(["-", a[i++] as string]);
  }
  return out;
}

/** The hunks of a unified diff from `a` to `b` with `context` lines around each change. */
export function hunks(a: string, b: string, context: number): string {
  const ops = script(lines(a), lines(b));
  const changed = ops.map((op, k) => (op[0] !== " " ? k : -1)).filter((k) => k >= 0);
  if (!changed.length) return "";
  let out = "";
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && (changed[end + 1] as number) - (changed[end] as number) <= 2 * context + 1)
      end++;
    const from = Math.max(0, (changed[start] as number) - context);
    const to = Math.min(ops.length - 1, (changed[end] as number) + context);
    let aLine = 1;
    let bLine = 1;
    for (let k = 0; k < from; k++) {
      if (ops[k]?.[0] !== "+") aLine++;
      if (ops[k]?.[0] !== "-") bLine++;
    }
    const body = ops.slice(from, to + 1);
    const aCount = body.filter((o) => o[0] !== "+").length;
    const bCount = body.filter((o) => o[0] !== "-").length;
    const range = (line: number, count: number) => `${count ? line : line - 1}${count === 1 ? "" : `,${count}`}`;
    out += `@@ -${range(aLine, aCount)} +${range(bLine, bCount)} @@\n`;
    for (const [sign, text] of body) out += `${sign}${text}\n`;
    start = end + 1;
  }
  return out;
}

/** One side of a changed path: its blob id, mode and bytes; `undefined` when the path is absent. */
export interface Side {
  oid: string;
  mode: number;
  bytes: Uint8Array;
}

const ZERO = "0000000";
const isBinary = (bytes: Uint8Array) => bytes.subarray(0, 8000).includes(0);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `git diff` output for one path, from `a` to `b`. */
export function fileDiff(path: string, a: Side | undefined, b: Side | undefined, context: number): string {
  if (a && b && a.oid === b.oid && a.mode === b.mode) return "";
  let out = `diff --git a/${path} b/${path}\n`;
  const mode = (s: Side) => s.mode.toString(8);
  if (!a && b) out += `new file mode ${mode(b)}\nindex ${ZERO}..${b.oid.slice(0, 7)}\n`;
  else if (a && !b) out += `deleted file mode ${mode(a)}\nindex ${a.oid.slice(0, 7)}..${ZERO}\n`;
  else if (a && b) {
    if (a.mode !== b.mode) out += `old mode ${mode(a)}\nnew mode ${mode(b)}\n`;
    if (a.oid !== b.oid)
      out += `index ${a.oid.slice(0, 7)}..${b.oid.slice(0, 7)}${a.mode === b.mode ? ` ${mode(a)}` : ""}\n`;
  }
  if (a?.oid === b?.oid) return out;
  if ((a && isBinary(a.bytes)) || (b && isBinary(b.bytes))) {
    return `${out}Binary files ${a ? `a/${path}` : "/dev/null"} and ${b ? `b/${path}` : "/dev/null"} differ\n`;
  }
  out += `--- ${a ? `a/${path}` : "/dev/null"}\n+++ ${b ? `b/${path}` : "/dev/null"}\n`;
  return out + hunks(a ? text(a.bytes) : "", b ? text(b.bytes) : "", context);
}

/** A date as git's default format prints it: `Thu Dec 3 10:00:00 2026 +0000`. */
export function gitDate(seconds: number, offsetMinutes: number): string {
  // isomorphic-git stores the offset with JavaScript's sign (minutes behind UTC).
  const east = -offsetMinutes;
  const d = new Date((seconds + east * 60) * 1000);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const pad = (v: number) => String(v).padStart(2, "0");
  const zone = `${east < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(east) / 60))}${pad(Math.abs(east) % 60)}`;
  return `${day} ${month} ${d.getUTCDate()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()} ${zone}`;
}
