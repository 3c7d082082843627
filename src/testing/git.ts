/**
 * The 16 git operations, for real, over the sandbox's in-memory filesystem: a repository made by
 * `git init` in a command is the one `sandbox.git.status` reads, and what a commit writes is in
 * the sandbox's snapshot. Remotes are fixtures a test registers (`mock.git.remote(url, …)`):
 * clone, pull and push move history between them and the sandbox, with the credentials the
 * fixture asks for; any other URL fails as an unreachable host does.
 */
import { defineCommand, type InMemoryFs } from "just-bash";
import { json } from "./answers";
import { type Handler, runningSandbox } from "./control";
import { copyObjects, fail, fileDiff, GitFailure, gitDate, gitFs, loadGit, type Side } from "./git-repo";
import { freshFs, HOME } from "./world";

/** A remote repository a test serves to clone, pull and push (see `mock.git.remote`). */
export interface GitRemoteFixture {
  /** The default branch's files, by path relative to the repository root. */
  files?: Record<string, string | Uint8Array>;
  /**
   * More branches, each with the files it changes or adds over the default branch (one commit
   * on top of it).
   */
  branches?: Record<string, Record<string, string | Uint8Array>>;
  /** The default branch's name; default `main`. */
  defaultBranch?: string;
  /** Credentials clone, pull and push must give; none means the remote is public (push too). */
  credentials?: GitCredentials;
}

/** What a fixture remote asks of a caller. */
export interface GitCredentials {
  /** The user name it wants; any name passes when left out (tokens usually go with any name). */
  username?: string;
  /** The password or token it wants. */
  password: string;
}

/** A registered remote: its repository (built on first use) and what it asks of callers. */
export interface Remote {
  url: string;
  fixture: GitRemoteFixture;
  repo: Promise<InMemoryFs> | undefined;
}

const REMOTE_DIR = "/remote";
const FIXTURE_AUTHOR = { name: "Fixture", email: "fixture@leap0.test", timestamp: 1_767_225_600, timezoneOffset: 0 };

/** The remote's repository, made from its fixture the first time it is reached. */
function remoteRepo(remote: Remote): Promise<InMemoryFs> {
  remote.repo ??= (async () => {
    const git = await loadGit();
    const mem = freshFs();
    const fs = gitFs(mem);
    const dir = REMOTE_DIR;
    const main = remote.fixture.defaultBranch ?? "main";
    await mem.mkdir(dir, { recursive: true });
    await git.init({ fs, dir, defaultBranch: main });
    const commitFiles = async (files: Record<string, string | Uint8Array>, message: string) => {
      for (const [path, content] of Object.entries(files)) {
        const rel = path.replace(/^\/+/, "");
        const abs = `${dir}/${rel}`;
        await mem.mkdir(abs.slice(0, abs.lastIndexOf("/")), { recursive: true });
        await mem.writeFile(abs, content);
        await git.add({ fs, dir, filepath: rel });
      }
      await git.commit({ fs, dir, message, author: FIXTURE_AUTHOR });
    };
    await commitFiles(remote.fixture.files ?? { "README.md": "# fixture\n" }, "Initial commit");
    for (const [branch, files] of Object.entries(remote.fixture.branches ?? {})) {
      if (branch === main) continue;
      await git.branch({ fs, dir, ref: branch, checkout: true });
      await commitFiles(files, `Work on ${branch}`);
      await git.checkout({ fs, dir, ref: main, force: true });
    }
    return mem;
  })();
  return remote.repo;
}

/** The registered remote for `url`, or git's words for a host it cannot reach. */
function reach(remotes: ReadonlyMap<string, Remote>, url: string): Remote {
  const remote = remotes.get(normalizeUrl(url));
  if (!remote) {
    let host = url;
    try {
      host = new URL(url).hostname;
    } catch {}
    fail(128, `fatal: unable to access '${url}': Could not resolve host: ${host}`);
  }
  return remote;
}

/** One spelling per remote: no trailing slash or `.git`, no credentials in the URL. */
export function normalizeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.href.replace(/\/+$/, "").replace(/\.git$/, "");
  } catch {
    return url.replace(/\/+$/, "").replace(/\.git$/, "");
  }
}

/** Refuses as a git host does when the fixture's credentials are not the ones given. */
function authorize(remote: Remote, username: unknown, password: unknown): void {
  const need = remote.fixture.credentials;
  if (!need) return;
  const ok = password === need.password && (need.username === undefined || username === need.username);
  if (!ok) fail(128, `remote: Invalid username or password.\nfatal: Authentication failed for '${remote.url}'`);
}

interface Repo {
  git: Git;
  fs: ReturnType<typeof gitFs>;
  dir: string;
  mem: InMemoryFs;
}
type Git = Awaited<ReturnType<typeof loadGit>>;

/** The repository at (or above) `path`, as git finds it. */
async function openRepo(mem: InMemoryFs, path: unknown): Promise<Repo> {
  const git = await loadGit();
  const fs = gitFs(mem);
  const start = mem.resolvePath(HOME, String(path ?? ""));
  try {
    const dir = await git.findRoot({ fs, filepath: start });
    return { git, fs, dir, mem };
  } catch {
    fail(128, "fatal: not a git repository (or any of the parent directories): .git");
  }
}

const short = (oid: string) => oid.slice(0, 7);

async function headOid(r: Repo): Promise<string | undefined> {
  try {
    return await r.git.resolveRef({ fs: r.fs, dir: r.dir, ref: "HEAD" });
  } catch {
    return undefined;
  }
}

/** A revision as git reads one: a ref, a (short) id, with `~N` and `^N` suffixes. */
async function revParse(r: Repo, rev: string): Promise<string> {
  const unknown = (): never =>
    fail(
      128,
      `fatal: ambiguous argument '${rev}': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n'git <command> [<revision>...] -- [<file>...]'`,
    );
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(rev);
  const base = m?.[1] || "HEAD";
  let oid = "";
  try {
    oid = await r.git.resolveRef({ fs: r.fs, dir: r.dir, ref: base });
  } catch {
    if (!/^[0-9a-f]{4,40}$/.test(base)) unknown();
    try {
      oid = await r.git.expandOid({ fs: r.fs, dir: r.dir, oid: base });
    } catch {
      unknown();
    }
  }
  // An annotated tag names a tag object: the commit is what it points at.
  const peeled = await r.git.readObject({ fs: r.fs, dir: r.dir, oid }).catch(() => unknown());
  if (peeled.type === "tag") oid = (peeled.object as { object: string }).object;
  for (const step of (m?.[2] ?? "").match(/[~^]\d*/g) ?? []) {
    const count = step.length > 1 ? Number(step.slice(1)) : 1;
    const commit = async (id: string) => (await r.git.readCommit({ fs: r.fs, dir: r.dir, oid: id })).commit;
    if (step[0] === "~") {
      for (let i = 0; i < count; i++) oid = (await commit(oid)).parent[0] ?? unknown();
    } else if (count > 0) oid = (await commit(oid)).parent[count - 1] ?? unknown();
  }
  return oid;
}

type WalkerName = "HEAD" | "STAGE" | "WORKDIR" | { commit: string };

/** Each path that differs between two of HEAD/a commit, the index and the working tree. */
async function changes(r: Repo, from: WalkerName, to: WalkerName): Promise<[string, Side?, Side?][]> {
  const walker = (w: WalkerName) =>
    w === "STAGE"
      ? r.git.STAGE()
      : w === "WORKDIR"
        ? r.git.WORKDIR()
        : r.git.TREE({ ref: w === "HEAD" ? "HEAD" : w.commit });
  const hasHead = (await headOid(r)) !== undefined;
  const empty = (w: WalkerName) => w === "HEAD" && !hasHead;
  const trees = [empty(from) ? r.git.STAGE() : walker(from), empty(to) ? r.git.STAGE() : walker(to), r.git.STAGE()];
  type Entry = Awaited<Parameters<Parameters<Git["walk"]>[0]["map"] & {}>[1]>[number];
  const side = async (e: Entry | null, missing: boolean): Promise<Side | undefined> => {
    if (!e || missing || (await e.type()) !== "blob") return undefined;
    const oid = await e.oid();
    const mode = await e.mode();
    // The index holds ids, not contents: its blobs are read from the object store.
    const bytes = (await e.content()) ?? (await r.git.readBlob({ fs: r.fs, dir: r.dir, oid: oid as string })).blob;
    return { oid: oid as string, mode: mode as number, bytes };
  };
  const out = (await r.git.walk({
    fs: r.fs,
    dir: r.dir,
    trees,
    map: async (path, entries) => {
      if (path === ".") return undefined;
      if (path === ".git" || path.startsWith(".git/")) return null;
      const [a, b, stage] = entries as (Entry | null)[];
      const types = await Promise.all([a?.type(), b?.type(), stage?.type()]);
      if (types.includes("tree")) return undefined;
      // The working tree counts only what git tracks (an untracked file is not a change).
      const tracked = (w: WalkerName, e: Entry | null) =>
        w === "WORKDIR" ? Boolean(stage) || (from !== "STAGE" && Boolean(a) && from !== "WORKDIR") : Boolean(e);
      const sa = await side(a ?? null, empty(from) || !tracked(from, a ?? null));
      const sb = await side(b ?? null, empty(to) || !tracked(to, b ?? null));
      if (!sa && !sb) return undefined;
      if (sa && sb && sa.oid === sb.oid && sa.mode === sb.mode) return undefined;
      return [path, sa, sb];
    },
  })) as [string, Side?, Side?][];
  return out.filter(Boolean);
}

async function diffText(r: Repo, from: WalkerName, to: WalkerName, context: unknown): Promise<string> {
  const n = typeof context === "number" ? context : 3;
  return (await changes(r, from, to)).map(([path, a, b]) => fileDiff(path, a, b, n)).join("");
}

/** `git log` entries, newest first, as the CLI prints them. */
function logEntry(entry: { oid: string; commit: { author: Person; message: string; parent: string[] } }): string {
  const a = entry.commit.author;
  const merge = entry.commit.parent.length > 1 ? `Merge: ${entry.commit.parent.map(short).join(" ")}\n` : "";
  const body = entry.commit.message
    .replace(/\n+$/, "")
    .split("\n")
    .map((l) => (l ? `    ${l}` : ""))
    .join("\n");
  return `commit ${entry.oid}\n${merge}Author: ${a.name} <${a.email}>\nDate:   ${gitDate(a.timestamp, a.timezoneOffset)}\n\n${body}\n`;
}
interface Person {
  name: string;
  email: string;
  timestamp: number;
  timezoneOffset: number;
}

/** The current branch, or undefined on a detached HEAD. */
async function branchOf(r: Repo): Promise<string | undefined> {
  // Not `test`: a new repository's branch has no commit yet and is still the current branch.
  return (await r.git.currentBranch({ fs: r.fs, dir: r.dir })) || undefined;
}

/** user.name and user.email: the repository's, else the sandbox user's ~/.gitconfig. */
async function identity(r: Repo, name: unknown, email: unknown, now: number): Promise<Person> {
  const globalConfig = await r.mem.readFile(`${HOME}/.gitconfig`).catch(() => "");
  const fromGlobal = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(.+)$`, "m").exec(globalConfig)?.[1]?.trim();
  const who = {
    name: typeof name === "string" && name ? name : ((await config(r, "user.name")) ?? fromGlobal("name")),
    email: typeof email === "string" && email ? email : ((await config(r, "user.email")) ?? fromGlobal("email")),
  };
  if (!who.name || !who.email) {
    fail(
      128,
      'Author identity unknown\n\n*** Please tell me who you are.\n\nRun\n\n  git config --global user.email "you@example.com"\n  git config --global user.name "Your Name"\n\nto set your account\'s default identity.\nfatal: unable to auto-detect email address',
    );
  }
  return { name: who.name, email: who.email, timestamp: Math.floor(now / 1000), timezoneOffset: 0 };
}

async function config(r: Repo, path: string): Promise<string | undefined> {
  const v = await r.git.getConfig({ fs: r.fs, dir: r.dir, path });
  return typeof v === "string" ? v : undefined;
}

async function isAncestor(r: Repo, ancestor: string, oid: string): Promise<boolean> {
  if (ancestor === oid) return true;
  return r.git.isDescendent({ fs: r.fs, dir: r.dir, oid, ancestor, depth: -1 }).catch(() => false);
}

/** What one git operation needs beyond its params. */
export interface GitContext {
  remotes: ReadonlyMap<string, Remote>;
  now: () => number;
}

type Params = Record<string, unknown>;
type Outcome = { output: string; exitCode?: number; sha?: string };

const OPERATIONS: Record<string, (mem: InMemoryFs, p: Params, ctx: GitContext) => Promise<Outcome>> = {
  async gitClone(mem, p, ctx) {
    const git = await loadGit();
    const url = String(p.url);
    const remote = reach(ctx.remotes, url);
    authorize(remote, p.username, p.password);
    const source = await remoteRepo(remote);
    const sgit = { fs: gitFs(source), dir: REMOTE_DIR };
    const dir = mem.resolvePath(HOME, String(p.path));
    if ((await mem.exists(dir)) && (await mem.readdir(dir)).length) {
      fail(128, `fatal: destination path '${p.path}' already exists and is not an empty directory.`);
    }
    const branches = await git.listBranches(sgit);
    const main = remote.fixture.defaultBranch ?? "main";
    const branch = typeof p.branch === "string" && p.branch ? p.branch : main;
    if (!branches.includes(branch)) fail(128, `fatal: Remote branch ${branch} not found in upstream origin`);
    const fs = gitFs(mem);
    await mem.mkdir(dir, { recursive: true });
    await git.init({ fs, dir, defaultBranch: branch });
    await copyObjects(source, `${REMOTE_DIR}/.git`, mem, `${dir}/.git`);
    await git.addRemote({ fs, dir, remote: "origin", url });
    for (const b of branches) {
      const oid = await git.resolveRef({ ...sgit, ref: b });
      await git.writeRef({ fs, dir, ref: `refs/remotes/origin/${b}`, value: oid, force: true });
    }
    const tip = await git.resolveRef({ fs, dir, ref: `refs/remotes/origin/${branch}` });
    await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: tip, force: true });
    await track({ git, fs, dir, mem }, branch, "origin", branch);
    await git.checkout({ fs, dir, ref: branch, force: true });
    if (typeof p.commitId === "string" && p.commitId) {
      const r = { git, fs, dir, mem };
      const oid = await revParse(r, p.commitId);
      await git.checkout({ fs, dir, ref: oid, force: true });
    }
    return { output: `Cloning into '${p.path}'...\n` };
  },

  async gitStatus(mem, p) {
    const r = await openRepo(mem, p.path);
    const head = await headOid(r);
    const branch = await branchOf(r);
    let out = `# branch.oid ${head ?? "(initial)"}\n# branch.head ${branch ?? "(detached)"}\n`;
    if (branch) {
      const remote = await config(r, `branch.${branch}.remote`);
      const merge = await config(r, `branch.${branch}.merge`);
      const upstream = remote && merge ? `${remote}/${merge.replace(/^refs\/heads\//, "")}` : undefined;
      const up = upstream
        ? await r.git.resolveRef({ fs: r.fs, dir: r.dir, ref: `refs/remotes/${upstream}` }).catch(() => undefined)
        : undefined;
      if (upstream && up) {
        const ahead = head ? await count(r, head, up) : 0;
        const behind = head ? await count(r, up, head) : 0;
        out += `# branch.upstream ${upstream}\n# branch.ab +${ahead} -${behind}\n`;
      }
    }
    const staged = new Map((await changes(r, "HEAD", "STAGE")).map(([path, a, b]) => [path, [a, b]] as const));
    const unstaged = new Map((await changes(r, "STAGE", "WORKDIR")).map(([path, a, b]) => [path, [a, b]] as const));
    const paths = [...new Set([...staged.keys(), ...unstaged.keys()])].sort();
    const code = (pair: readonly [Side?, Side?] | undefined) => (!pair ? "." : !pair[0] ? "A" : !pair[1] ? "D" : "M");
    for (const path of paths) {
      const s = staged.get(path);
      const u = unstaged.get(path);
      const headSide = s ? s[0] : u?.[0];
      const indexSide = s ? s[1] : u?.[0];
      const workSide = u ? u[1] : indexSide;
      const mode = (x?: Side) => (x ? x.mode.toString(8) : "000000");
      const oid = (x?: Side) => x?.oid ?? "0".repeat(40);
      out += `1 ${code(s)}${code(u)} N... ${mode(headSide)} ${mode(indexSide)} ${mode(workSide)} ${oid(headSide)} ${oid(indexSide)} ${path}\n`;
    }
    for (const [path, head2, stage] of await untracked(r)) if (!head2 && !stage) out += `? ${path}\n`;
    return { output: out };
  },

  async gitBranches(mem, p) {
    const r = await openRepo(mem, p.path);
    const type = typeof p.branchType === "string" ? p.branchType : "local";
    const current = await branchOf(r);
    const head = await headOid(r);
    const rows: [string, string, boolean][] = [];
    if (type !== "remote") {
      if (!current && head) rows.push([`(HEAD detached at ${short(head)})`, head, true]);
      for (const b of (await r.git.listBranches({ fs: r.fs, dir: r.dir })).sort()) {
        const oid = await r.git.resolveRef({ fs: r.fs, dir: r.dir, ref: `refs/heads/${b}` }).catch(() => "");
        if (oid) rows.push([b, oid, b === current]);
      }
    }
    if (type !== "local") {
      for (const remote of await r.git.listRemotes({ fs: r.fs, dir: r.dir })) {
        for (const b of (await r.git.listBranches({ fs: r.fs, dir: r.dir, remote: remote.remote })).sort()) {
          if (b === "HEAD") continue;
          const oid = await r.git.resolveRef({ fs: r.fs, dir: r.dir, ref: `refs/remotes/${remote.remote}/${b}` });
          rows.push([`${type === "all" ? "remotes/" : ""}${remote.remote}/${b}`, oid, false]);
        }
      }
    }
    const keep = async (oid: string) => {
      if (typeof p.contains === "string" && p.contains && !(await isAncestor(r, await revParse(r, p.contains), oid))) {
        return false;
      }
      if (typeof p.notContains === "string" && p.notContains) {
        return !(await isAncestor(r, await revParse(r, p.notContains), oid));
      }
      return true;
    };
    let out = "";
    for (const [name, oid, isCurrent] of rows) if (await keep(oid)) out += `${isCurrent ? "*" : " "} ${name}\n`;
    return { output: out };
  },

  async gitDiffUnstaged(mem, p) {
    const r = await openRepo(mem, p.path);
    return { output: await diffText(r, "STAGE", "WORKDIR", p.contextLines) };
  },

  async gitDiffStaged(mem, p) {
    const r = await openRepo(mem, p.path);
    return { output: await diffText(r, "HEAD", "STAGE", p.contextLines) };
  },

  async gitDiff(mem, p) {
    const r = await openRepo(mem, p.path);
    const oid = await revParse(r, String(p.target));
    return { output: await diffText(r, { commit: oid }, "WORKDIR", p.contextLines) };
  },

  async gitReset(mem, p) {
    const r = await openRepo(mem, p.path);
    const staged = await changes(r, "HEAD", "STAGE");
    for (const [path] of staged) await r.git.resetIndex({ fs: r.fs, dir: r.dir, filepath: path });
    const left = await changes(r, "STAGE", "WORKDIR");
    if (!left.length) return { output: "" };
    return {
      output: `Unstaged changes after reset:\n${left.map(([path, , b]) => `${b ? "M" : "D"}\t${path}\n`).join("")}`,
    };
  },

  async gitLog(mem, p) {
    const r = await openRepo(mem, p.path);
    const head = await headOid(r);
    const branch = (await branchOf(r)) ?? "HEAD";
    if (!head) fail(128, `fatal: your current branch '${branch}' does not have any commits yet`);
    const max = typeof p.maxCount === "number" ? p.maxCount : 10;
    const since = typeof p.startTimestamp === "string" ? Date.parse(p.startTimestamp) / 1000 : undefined;
    const until = typeof p.endTimestamp === "string" ? Date.parse(p.endTimestamp) / 1000 : undefined;
    const entries = (await r.git.log({ fs: r.fs, dir: r.dir, ref: "HEAD" })).filter(
      (e) =>
        (since === undefined || e.commit.committer.timestamp >= since) &&
        (until === undefined || e.commit.committer.timestamp <= until),
    );
    return { output: entries.slice(0, max).map(logEntry).join("\n") };
  },

  async gitShow(mem, p) {
    const r = await openRepo(mem, p.path);
    const oid = await revParse(r, String(p.revision));
    const { commit } = await r.git.readCommit({ fs: r.fs, dir: r.dir, oid });
    const parent = commit.parent[0];
    let diff = "";
    if (parent) diff = await diffText(r, { commit: parent }, { commit: oid }, 3);
    else {
      // A root commit shows every file as added.
      const files = await r.git.listFiles({ fs: r.fs, dir: r.dir, ref: oid });
      for (const path of files.sort()) {
        const blob = await r.git.readBlob({ fs: r.fs, dir: r.dir, oid, filepath: path });
        diff += fileDiff(path, undefined, { oid: blob.oid, mode: 0o100644, bytes: blob.blob }, 3);
      }
    }
    return { output: `${logEntry({ oid, commit })}${diff ? `\n${diff}` : ""}` };
  },

  async gitCreateBranch(mem, p) {
    const r = await openRepo(mem, p.path);
    const name = String(p.name);
    if ((await r.git.listBranches({ fs: r.fs, dir: r.dir })).includes(name)) {
      fail(128, `fatal: a branch named '${name}' already exists`);
    }
    const base = typeof p.baseBranch === "string" && p.baseBranch ? p.baseBranch : "HEAD";
    const oid = await revParse(r, base);
    await r.git.writeRef({ fs: r.fs, dir: r.dir, ref: `refs/heads/${name}`, value: oid });
    if (p.checkout === true) {
      await checkout(r, name);
      return { output: `Switched to a new branch '${name}'\n` };
    }
    return { output: "" };
  },

  async gitCheckoutBranch(mem, p) {
    const r = await openRepo(mem, p.path);
    const name = String(p.branch);
    const local = await r.git.listBranches({ fs: r.fs, dir: r.dir });
    if (p.create === true) {
      if (local.includes(name)) fail(128, `fatal: a branch named '${name}' already exists`);
      const head = await headOid(r);
      if (head) await r.git.writeRef({ fs: r.fs, dir: r.dir, ref: `refs/heads/${name}`, value: head });
      await checkout(r, name);
      return { output: `Switched to a new branch '${name}'\n` };
    }
    if (!local.includes(name)) {
      // As git does: a branch only the remote has becomes a local branch tracking it.
      const tracked = await r.git
        .resolveRef({ fs: r.fs, dir: r.dir, ref: `refs/remotes/origin/${name}` })
        .catch(() => undefined);
      if (!tracked) fail(1, `error: pathspec '${name}' did not match any file(s) known to git`);
      await r.git.writeRef({ fs: r.fs, dir: r.dir, ref: `refs/heads/${name}`, value: tracked });
      await track(r, name, "origin", name);
      await checkout(r, name);
      return {
        output: `branch '${name}' set up to track 'origin/${name}'.\nSwitched to a new branch '${name}'\n`,
      };
    }
    if ((await branchOf(r)) === name) return { output: `Already on '${name}'\n` };
    await checkout(r, name);
    return { output: `Switched to branch '${name}'\n` };
  },

  async gitDeleteBranch(mem, p) {
    const r = await openRepo(mem, p.path);
    const name = String(p.name);
    const oid = await r.git.resolveRef({ fs: r.fs, dir: r.dir, ref: `refs/heads/${name}` }).catch(() => undefined);
    if (!oid) fail(1, `error: branch '${name}' not found`);
    if ((await branchOf(r)) === name) fail(1, `error: cannot delete branch '${name}' used by worktree at '${r.dir}'`);
    const head = await headOid(r);
    if (p.force !== true && (!head || !(await isAncestor(r, oid, head)))) {
      fail(
        1,
        `error: the branch '${name}' is not fully merged\nhint: If you are sure you want to delete it, run 'git branch -D ${name}'`,
      );
    }
    await r.git.deleteBranch({ fs: r.fs, dir: r.dir, ref: name });
    return { output: `Deleted branch ${name} (was ${short(oid)}).\n` };
  },

  async gitAdd(mem, p) {
    const r = await openRepo(mem, p.path);
    const matrix = await r.git.statusMatrix({ fs: r.fs, dir: r.dir });
    for (const spec of p.files as string[]) {
      const abs = mem.resolvePath(mem.resolvePath(HOME, String(p.path)), spec);
      const rel = abs === r.dir ? "." : abs.startsWith(`${r.dir}/`) ? abs.slice(r.dir.length + 1) : undefined;
      if (rel === undefined) fail(128, `fatal: ${spec}: '${abs}' is outside repository at '${r.dir}'`);
      const under = (f: string) => rel === "." || f === rel || f.startsWith(`${rel}/`);
      const gone = matrix.filter(([f, , work]) => work === 0 && under(f));
      const exists = await mem.exists(abs);
      if (!exists && !gone.length) fail(128, `fatal: pathspec '${spec}' did not match any files`);
      for (const [f] of gone) await r.git.remove({ fs: r.fs, dir: r.dir, filepath: f });
      if (exists) await r.git.add({ fs: r.fs, dir: r.dir, filepath: rel });
    }
    return { output: "" };
  },

  async gitCommit(mem, p, ctx) {
    const r = await openRepo(mem, p.path);
    const staged = await changes(r, "HEAD", "STAGE");
    const branch = (await branchOf(r)) ?? "HEAD";
    if (!staged.length && p.allowEmpty !== true) {
      const dirty = (await changes(r, "STAGE", "WORKDIR")).length || (await untracked(r)).length;
      fail(
        1,
        `On branch ${branch}\n${dirty ? 'no changes added to commit (use "git add" and/or "git commit -a")' : "nothing to commit, working tree clean"}`,
      );
    }
    const author = await identity(r, p.author, p.email, ctx.now());
    const root = (await headOid(r)) === undefined;
    const sha = await r.git.commit({ fs: r.fs, dir: r.dir, message: String(p.message), author });
    const files = staged.length;
    const summary = `${files} file${files === 1 ? "" : "s"} changed`;
    const subject = String(p.message).split("\n")[0];
    return { sha, output: `[${branch}${root ? " (root-commit)" : ""} ${short(sha)}] ${subject}\n ${summary}\n` };
  },

  async gitPush(mem, p, ctx) {
    const r = await openRepo(mem, p.path);
    const name = typeof p.remote === "string" && p.remote ? p.remote : "origin";
    const { url, remote } = await remoteNamed(r, name, ctx, p);
    const branch = typeof p.branch === "string" && p.branch ? p.branch : await branchOf(r);
    const local = branch
      ? await r.git.resolveRef({ fs: r.fs, dir: r.dir, ref: `refs/heads/${branch}` }).catch(() => undefined)
      : undefined;
    if (!branch || !local) fail(1, `error: src refspec ${branch ?? "HEAD"} does not match any`);
    const target = await remoteRepo(remote);
    const t = { fs: gitFs(target), dir: REMOTE_DIR };
    const theirs = await r.git.resolveRef({ ...t, ref: `refs/heads/${branch}` }).catch(() => undefined);
    let line: string;
    if (theirs === local) return { output: "Everything up-to-date\n" };
    if (theirs) {
      const known = await r.git.readObject({ fs: r.fs, dir: r.dir, oid: theirs }).then(
        () => true,
        () => false,
      );
      if (!known || !(await isAncestor(r, theirs, local))) {
        fail(
          1,
          `To ${url}\n ! [rejected]        ${branch} -> ${branch} (fetch first)\nerror: failed to push some refs to '${url}'\nhint: Updates were rejected because the remote contains work that you do not\nhint: have locally. Integrate the remote changes (e.g. 'git pull ...') before pushing again.`,
        );
      }
      line = `   ${short(theirs)}..${short(local)}  ${branch} -> ${branch}`;
    } else line = ` * [new branch]      ${branch} -> ${branch}`;
    await copyObjects(mem, `${r.dir}/.git`, target, `${REMOTE_DIR}/.git`);
    await r.git.writeRef({ ...t, ref: `refs/heads/${branch}`, value: local, force: true });
    await r.git.writeRef({ fs: r.fs, dir: r.dir, ref: `refs/remotes/${name}/${branch}`, value: local, force: true });
    if (p.setUpstream === true) await track(r, branch, name, branch);
    return { output: `To ${url}\n${line}\n` };
  },

  async gitPull(mem, p, ctx) {
    const r = await openRepo(mem, p.path);
    const current = await branchOf(r);
    if (!current) fail(128, "fatal: You are not currently on a branch.");
    const name =
      typeof p.remote === "string" && p.remote ? p.remote : ((await config(r, `branch.${current}.remote`)) ?? "origin");
    const { url, remote } = await remoteNamed(r, name, ctx, p);
    const merge = await config(r, `branch.${current}.merge`);
    const branch =
      typeof p.branch === "string" && p.branch ? p.branch : (merge?.replace(/^refs\/heads\//, "") ?? current);
    const source = await remoteRepo(remote);
    const theirs = await r.git
      .resolveRef({ fs: gitFs(source), dir: REMOTE_DIR, ref: `refs/heads/${branch}` })
      .catch(() => undefined);
    if (!theirs) fail(1, `fatal: couldn't find remote ref ${branch}`);
    await copyObjects(source, `${REMOTE_DIR}/.git`, mem, `${r.dir}/.git`);
    await r.git.writeRef({ fs: r.fs, dir: r.dir, ref: `refs/remotes/${name}/${branch}`, value: theirs, force: true });
    if (p.setUpstream === true) await track(r, current, name, branch);
    const ours = await headOid(r);
    const from = `From ${url}\n * branch            ${branch}     -> FETCH_HEAD\n`;
    if (ours && (await isAncestor(r, theirs, ours))) return { output: `${from}Already up to date.\n` };
    if (!ours || (await isAncestor(r, ours, theirs))) {
      await r.git.writeRef({ fs: r.fs, dir: r.dir, ref: `refs/heads/${current}`, value: theirs, force: true });
      await checkout(r, current);
      return { output: `${from}Updating ${ours ? short(ours) : ZERO}..${short(theirs)}\nFast-forward\n` };
    }
    if (p.rebase === true) {
      fail(1, "leap0/testing: pull --rebase of diverged histories is not emulated; pull without rebase merges");
    }
    const author = await identity(r, undefined, undefined, ctx.now());
    try {
      await r.git.merge({
        fs: r.fs,
        dir: r.dir,
        ours: current,
        theirs,
        author,
        message: `Merge branch '${branch}' of ${url}`,
        abortOnConflict: true,
      });
    } catch (e) {
      const paths = (e as { data?: { filepaths?: string[] } }).data?.filepaths ?? [];
      fail(
        1,
        `${from}${paths.map((f) => `CONFLICT (content): Merge conflict in ${f}\n`).join("")}Automatic merge failed; fix conflicts and then commit the result.`,
      );
    }
    await checkout(r, current);
    return { output: `${from}Merge made by the 'ort' strategy.\n` };
  },
};

const ZERO = "0000000";

/** The remote a push or pull names, reached with the call's credentials. */
async function remoteNamed(
  r: Repo,
  name: string,
  ctx: GitContext,
  p: Params,
): Promise<{ url: string; remote: Remote }> {
  const url = await config(r, `remote.${name}.url`);
  if (!url) {
    fail(128, `fatal: '${name}' does not appear to be a git repository\nfatal: Could not read from remote repository.`);
  }
  const remote = reach(ctx.remotes, url);
  authorize(remote, p.username, p.password);
  return { url, remote };
}

/** Makes `branch` track `remote`'s `upstream` (what `--set-upstream` and a clone set). */
async function track(r: Repo, branch: string, remote: string, upstream: string): Promise<void> {
  await r.git.setConfig({ fs: r.fs, dir: r.dir, path: `branch.${branch}.remote`, value: remote });
  await r.git.setConfig({ fs: r.fs, dir: r.dir, path: `branch.${branch}.merge`, value: `refs/heads/${upstream}` });
}

/** Commits reachable from `from` and not from `not`. */
async function count(r: Repo, from: string, not: string): Promise<number> {
  const theirs = new Set((await r.git.log({ fs: r.fs, dir: r.dir, ref: not })).map((e) => e.oid));
  return (await r.git.log({ fs: r.fs, dir: r.dir, ref: from })).filter((e) => !theirs.has(e.oid)).length;
}

/** Untracked, not ignored files: rows of isomorphic-git's status matrix. */
async function untracked(r: Repo): Promise<[string, number, number][]> {
  const matrix = await r.git.statusMatrix({ fs: r.fs, dir: r.dir });
  return matrix.filter(([, head, , stage]) => head === 0 && stage === 0).map(([f, h, , s]) => [f, h, s]);
}

/** Switches branch as git does: refused when it would overwrite uncommitted changes. */
async function checkout(r: Repo, ref: string): Promise<void> {
  try {
    await r.git.checkout({ fs: r.fs, dir: r.dir, ref });
  } catch (e) {
    const files = (e as { data?: { filepaths?: string[] } }).data?.filepaths;
    if (!files) throw e;
    fail(
      1,
      `error: Your local changes to the following files would be overwritten by checkout:\n${files.map((f) => `\t${f}\n`).join("")}Please commit your changes or stash them before you switch branches.\nAborting`,
    );
  }
}

/** The git operations, by operationId, given the mock's remotes. */
export function gitHandlers(ctx: GitContext): Record<string, Handler> {
  return Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, run]): [string, Handler] => [
      name,
      async (call, world) => {
        const s = runningSandbox(call, world);
        let outcome: Outcome;
        try {
          outcome = await run(s.fs, call.params, ctx);
        } catch (e) {
          if (!(e instanceof GitFailure)) throw e;
          outcome = { output: e.output, exitCode: e.exitCode, sha: "" };
        }
        const result = { output: outcome.output, exit_code: outcome.exitCode ?? 0 };
        return json(200, name === "gitCommit" ? { sha: outcome.sha ?? "", result } : result);
      },
    ]),
  );
}

/**
 * `git` as a command in the sandbox's shell, for what the API has no operation for: `init` and
 * `config`. Everything else is the API's (`sandbox.git`) or a command handler's to answer.
 */
export const gitCommand = defineCommand("git", async (args, ctx) => {
  const mem = ctx.fs as InMemoryFs;
  const [sub, ...rest] = args;
  try {
    const git = await loadGit();
    const fs = gitFs(mem);
    if (sub === "init") {
      let branch = "master";
      const dirs: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i] as string;
        if (a === "-b" || a === "--initial-branch") branch = rest[++i] ?? branch;
        else if (a.startsWith("--initial-branch=")) branch = a.slice(17);
        else if (a === "-q" || a === "--quiet") continue;
        else dirs.push(a);
      }
      const dir = mem.resolvePath(ctx.cwd, dirs[0] ?? ".");
      const again = await mem.exists(`${dir}/.git`);
      await mem.mkdir(dir, { recursive: true });
      await git.init({ fs, dir, defaultBranch: branch });
      const stdout = `${again ? "Reinitialized existing" : "Initialized empty"} Git repository in ${dir}/.git/\n`;
      return { stdout: rest.includes("-q") || rest.includes("--quiet") ? "" : stdout, stderr: "", exitCode: 0 };
    }
    if (sub === "config") {
      const global = rest[0] === "--global";
      const [key, ...value] = global ? rest.slice(1) : rest;
      if (!key || !/^[a-z]+\.[a-z.]+$/i.test(key))
        return { stdout: "", stderr: "error: key does not contain a section\n", exitCode: 2 };
      if (global) {
        const path = `${HOME}/.gitconfig`;
        const [section, name] = [key.slice(0, key.lastIndexOf(".")), key.slice(key.lastIndexOf(".") + 1)];
        const text = await mem.readFile(path).catch(() => "");
        const line = new RegExp(`^\\s*${name}\\s*=\\s*(.*)$`, "m");
        if (!value.length) {
          const found = text.includes(`[${section}]`) ? line.exec(text)?.[1] : undefined;
          return found === undefined
            ? { stdout: "", stderr: "", exitCode: 1 }
            : { stdout: `${found}\n`, stderr: "", exitCode: 0 };
        }
        const entry = `\t${name} = ${value.join(" ")}`;
        const next = !text.includes(`[${section}]`)
          ? `${text}[${section}]\n${entry}\n`
          : line.test(text)
            ? text.replace(line, entry)
            : text.replace(`[${section}]`, `[${section}]\n${entry}`);
        await mem.writeFile(path, next);
        return { stdout: "", stderr: "", exitCode: 0 };
      }
      const dir = await git.findRoot({ fs, filepath: ctx.cwd }).catch(() => undefined);
      if (!dir) return { stdout: "", stderr: "fatal: not in a git directory\n", exitCode: 128 };
      if (!value.length) {
        const v = await git.getConfig({ fs, dir, path: key });
        return v === undefined
          ? { stdout: "", stderr: "", exitCode: 1 }
          : { stdout: `${v}\n`, stderr: "", exitCode: 0 };
      }
      await git.setConfig({ fs, dir, path: key, value: value.join(" ") });
      return { stdout: "", stderr: "", exitCode: 0 };
    }
    return {
      stdout: "",
      stderr: `leap0/testing: \`git ${sub ?? ""}\` is not run in commands here; use sandbox.git (or a command handler)\n`,
      exitCode: 1,
    };
  } catch (e) {
    if (e instanceof GitFailure) return { stdout: "", stderr: e.output, exitCode: e.exitCode };
    throw e;
  }
});
