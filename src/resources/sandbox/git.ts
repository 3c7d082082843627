import {
  gitAdd,
  gitBranches,
  gitCheckoutBranch,
  gitClone,
  gitCommit,
  gitCreateBranch,
  gitDeleteBranch,
  gitDiff,
  gitDiffStaged,
  gitDiffUnstaged,
  gitLog,
  gitPull,
  gitPush,
  gitReset,
  gitShow,
  gitStatus,
} from "../../../generated/operations";
import type {
  GitAddParams,
  GitBranchesParams,
  GitCheckoutBranchParams,
  GitCloneParams,
  GitCommitParams,
  GitCommitResult,
  GitCreateBranchParams,
  GitDeleteBranchParams,
  GitDiffParams,
  GitDiffUnstagedParams,
  GitLogParams,
  GitPullParams,
  GitPushParams,
  GitResult,
  GitShowParams,
  GitStatusParams,
} from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import { invoke, type Op } from "../../core/invoke";
import type { Pipeline } from "../../core/pipeline";
import { GIT_REMOTE_TIMEOUT_SECONDS } from "./defaults";

type RemoteOp = typeof gitClone | typeof gitPush | typeof gitPull;
type GitOp = Op<
  | "gitStatus"
  | "gitBranches"
  | "gitDiffUnstaged"
  | "gitDiffStaged"
  | "gitDiff"
  | "gitReset"
  | "gitLog"
  | "gitShow"
  | "gitCreateBranch"
  | "gitCheckoutBranch"
  | "gitDeleteBranch"
  | "gitAdd"
>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/**
 * Drives git in a repository inside the sandbox. Reached as a property of a {@link Sandbox} handle,
 * created on first use. Each method answers with what git printed and its exit code
 * (`{ output, exitCode }`); a failing git command is reported there, not thrown.
 *
 * Credentials (`username`, `password` on clone, push and pull) go only into the request body:
 * they are scrubbed from errors and from the returned output, and never logged.
 */
export class GitClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
  }

  #call(op: GitOp, params: unknown, options: RequestOptions | undefined): Promise<GitResult> {
    return invoke(
      this.#pipeline,
      op as Op<"gitStatus">,
      { ids: { sandboxID: this.#sandboxId }, params, what: `${op.name} parameters` },
      options,
    );
  }

  /** Clone, push and pull: a long default timeout, and the credentials kept out of what comes back. */
  async #remote(op: RemoteOp, params: unknown, options: RequestOptions | undefined): Promise<GitResult> {
    return invoke(
      this.#pipeline,
      op as typeof gitClone,
      { ids: { sandboxID: this.#sandboxId }, params, what: `${op.name} parameters` },
      options?.timeout === undefined ? { ...options, timeout: GIT_REMOTE_TIMEOUT_SECONDS } : options,
    );
  }

  /**
   * Clones a repository into `path`. Give `username` and `password` (or a token) for a private
   * remote. Default call timeout {@link GIT_REMOTE_TIMEOUT_SECONDS}; never retried.
   *
   * @param params - `url`, `path`, and optionally `branch`, `commitId`, `depth`, `username`, `password`
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions (`timeout` defaults to {@link GIT_REMOTE_TIMEOUT_SECONDS} here)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   *
   * @example
   * await sandbox.git.clone({ url: "https://github.com/org/repo.git", path: "/workspace/repo", branch: "main" });
   * await sandbox.git.clone("https://github.com/org/repo.git", "/workspace/repo");
   */
  clone(params: GitCloneParams, options?: RequestOptions): Promise<GitResult>;
  /**
   * Clones a public repository into `path`: `clone(url, path)`. Never retried.
   */
  clone(url: string, path: string, options?: RequestOptions): Promise<GitResult>;
  clone(a: GitCloneParams | string, b?: string | RequestOptions, c?: RequestOptions): Promise<GitResult> {
    if (typeof a === "string") return this.#remote(gitClone, { url: a, path: b }, c);
    return this.#remote(gitClone, a, b as RequestOptions | undefined);
  }

  /**
   * `git status --porcelain=v2 --branch` of the repository at `path`.
   *
   * @param path - the repository's directory in the sandbox
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  status(path: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * `git status --porcelain=v2 --branch` of the repository: `status({ path })`.
   */
  status(params: GitStatusParams, options?: RequestOptions): Promise<GitResult>;
  status(a: string | GitStatusParams, options?: RequestOptions): Promise<GitResult> {
    return this.#call(gitStatus, typeof a === "string" ? { path: a } : a, options);
  }

  /**
   * The repository's branches (local unless `branchType` says otherwise), as `git branch` prints them.
   *
   * @param params - `path`, and optionally `branchType`, `contains`, `notContains`
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  branches(params: GitBranchesParams, options?: RequestOptions): Promise<GitResult>;
  /**
   * The repository's local branches, as `git branch` prints them.
   */
  branches(path: string, options?: RequestOptions): Promise<GitResult>;
  branches(a: GitBranchesParams | string, options?: RequestOptions): Promise<GitResult> {
    return this.#call(gitBranches, typeof a === "string" ? { path: a } : a, options);
  }

  /**
   * Changes in the working tree not staged yet, with `contextLines` of context (3 when omitted).
   *
   * @param path - the repository's directory in the sandbox
   * @param contextLines - lines of context around each change (3 when omitted)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  diffUnstaged(path: string, contextLines?: number, options?: RequestOptions): Promise<GitResult>;
  /**
   * Changes in the working tree not staged yet, with 3 lines of context.
   */
  diffUnstaged(path: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * Changes in the working tree not staged yet: `diffUnstaged({ path, contextLines })`.
   */
  diffUnstaged(params: GitDiffUnstagedParams, options?: RequestOptions): Promise<GitResult>;
  diffUnstaged(a: string | GitDiffUnstagedParams, b?: number | RequestOptions, c?: RequestOptions): Promise<GitResult> {
    return this.#call(gitDiffUnstaged, ...contextArgs(a, b, c));
  }

  /**
   * Changes staged for the next commit, with `contextLines` of context (3 when omitted).
   *
   * @param path - the repository's directory in the sandbox
   * @param contextLines - lines of context around each change (3 when omitted)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  diffStaged(path: string, contextLines?: number, options?: RequestOptions): Promise<GitResult>;
  /**
   * Changes staged for the next commit, with 3 lines of context.
   */
  diffStaged(path: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * Changes staged for the next commit: `diffStaged({ path, contextLines })`.
   */
  diffStaged(params: GitDiffUnstagedParams, options?: RequestOptions): Promise<GitResult>;
  diffStaged(a: string | GitDiffUnstagedParams, b?: number | RequestOptions, c?: RequestOptions): Promise<GitResult> {
    return this.#call(gitDiffStaged, ...contextArgs(a, b, c));
  }

  /**
   * How the repository differs from `target` (a branch, tag or commit).
   *
   * @param path - the repository's directory in the sandbox
   * @param target - the branch, tag or commit to compare with
   * @param contextLines - lines of context around each change (3 when omitted)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  diff(path: string, target: string, contextLines?: number, options?: RequestOptions): Promise<GitResult>;
  /**
   * How the repository differs from `target` (a branch, tag or commit), with 3 lines of context.
   */
  diff(path: string, target: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * How the repository differs from a target: `diff({ path, target, contextLines })`.
   */
  diff(params: GitDiffParams, options?: RequestOptions): Promise<GitResult>;
  diff(
    a: string | GitDiffParams,
    target?: string | RequestOptions,
    contextLines?: number | RequestOptions,
    options?: RequestOptions,
  ): Promise<GitResult> {
    if (typeof a !== "string") return this.#call(gitDiff, a, target as RequestOptions | undefined);
    if (isObject(contextLines)) return this.#call(gitDiff, { path: a, target }, contextLines);
    return this.#call(gitDiff, defined({ path: a, target, contextLines }), options);
  }

  /**
   * Unstages every staged change; the working tree is left alone.
   *
   * @param path - the repository's directory in the sandbox
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  reset(path: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * Unstages every staged change: `reset({ path })`; the working tree is left alone.
   */
  reset(params: GitStatusParams, options?: RequestOptions): Promise<GitResult>;
  reset(a: string | GitStatusParams, options?: RequestOptions): Promise<GitResult> {
    return this.#call(gitReset, typeof a === "string" ? { path: a } : a, options);
  }

  /**
   * Recent commits: at most `maxCount` (10 when omitted), optionally within a time window.
   *
   * @param params - `path`, and optionally `maxCount`, `startTimestamp`, `endTimestamp`
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  log(params: GitLogParams, options?: RequestOptions): Promise<GitResult>;
  /**
   * The 10 most recent commits of the repository at `path`.
   */
  log(path: string, options?: RequestOptions): Promise<GitResult>;
  log(a: GitLogParams | string, options?: RequestOptions): Promise<GitResult> {
    return this.#call(gitLog, typeof a === "string" ? { path: a } : a, options);
  }

  /**
   * What `git show` prints for `revision` (a commit, branch or tag; `HEAD` when omitted).
   *
   * @param path - the repository's directory in the sandbox
   * @param revision - the commit, branch or tag (`HEAD` when omitted)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  show(path: string, revision?: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * What `git show` prints for `HEAD`.
   */
  show(path: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * What `git show` prints for a revision: `show({ path, revision })`.
   */
  show(params: GitShowParams, options?: RequestOptions): Promise<GitResult>;
  show(a: string | GitShowParams, b?: string | RequestOptions, c?: RequestOptions): Promise<GitResult> {
    if (typeof a !== "string") return this.#call(gitShow, a, b as RequestOptions | undefined);
    if (isObject(b)) return this.#call(gitShow, { path: a, revision: "HEAD" }, b);
    return this.#call(gitShow, { path: a, revision: b ?? "HEAD" }, c);
  }

  /**
   * Creates a branch (from `baseBranch` or the current one) and switches to it when `checkout` is set.
   *
   * @param params - `path`, `name`, and optionally `checkout` and `baseBranch`
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  createBranch(params: GitCreateBranchParams, options?: RequestOptions): Promise<GitResult> {
    return this.#call(gitCreateBranch, params, options);
  }

  /**
   * Switches to a branch, creating it first when `create` is set and it does not exist.
   *
   * @param params - `path`, `branch`, and optionally `create`
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  checkoutBranch(params: GitCheckoutBranchParams, options?: RequestOptions): Promise<GitResult> {
    return this.#call(gitCheckoutBranch, params, options);
  }

  /**
   * Deletes a local branch; `force` deletes it even when it is not merged.
   *
   * @param path - the repository's directory in the sandbox
   * @param name - the branch to delete
   * @param force - delete it even when it is not merged (false when omitted)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  deleteBranch(path: string, name: string, force?: boolean, options?: RequestOptions): Promise<GitResult>;
  /**
   * Deletes a local branch that is merged.
   */
  deleteBranch(path: string, name: string, options?: RequestOptions): Promise<GitResult>;
  /**
   * Deletes a local branch: `deleteBranch({ path, name, force })`.
   */
  deleteBranch(params: GitDeleteBranchParams, options?: RequestOptions): Promise<GitResult>;
  deleteBranch(
    a: string | GitDeleteBranchParams,
    name?: string | RequestOptions,
    force?: boolean | RequestOptions,
    options?: RequestOptions,
  ): Promise<GitResult> {
    if (typeof a !== "string") return this.#call(gitDeleteBranch, a, name as RequestOptions | undefined);
    if (isObject(force)) return this.#call(gitDeleteBranch, { path: a, name, force: false }, force);
    return this.#call(gitDeleteBranch, { path: a, name, force: force ?? false }, options);
  }

  /**
   * Stages `files` (paths relative to the repository), like `git add`.
   *
   * @param path - the repository's directory in the sandbox
   * @param files - the paths to stage, relative to the repository
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  add(path: string, files: string[], options?: RequestOptions): Promise<GitResult>;
  /**
   * Stages files, like `git add`: `add({ path, files })`.
   */
  add(params: GitAddParams, options?: RequestOptions): Promise<GitResult>;
  add(a: string | GitAddParams, b?: string[] | RequestOptions, c?: RequestOptions): Promise<GitResult> {
    if (typeof a === "string") return this.#call(gitAdd, { path: a, files: b }, c);
    return this.#call(gitAdd, a, b as RequestOptions | undefined);
  }

  /**
   * Commits the staged changes, optionally as `author` <`email`>; answers with the new commit's `sha`.
   *
   * @param params - `path`, `message`, and optionally `author`, `email`, `allowEmpty`
   * @returns The new commit's `sha`, and what git printed (`result`).
   */
  commit(params: GitCommitParams, options?: RequestOptions): Promise<GitCommitResult> {
    return invoke(
      this.#pipeline,
      gitCommit,
      { ids: { sandboxID: this.#sandboxId }, params, what: "gitCommit parameters" },
      options,
    );
  }

  /**
   * Pushes local commits (to `origin` unless `remote` says otherwise). Default call timeout
   * {@link GIT_REMOTE_TIMEOUT_SECONDS}; never retried.
   *
   * @param params - `path`, and optionally `remote`, `branch`, `setUpstream`, `username`, `password`
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions (`timeout` defaults to {@link GIT_REMOTE_TIMEOUT_SECONDS} here)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  push(params: GitPushParams, options?: RequestOptions): Promise<GitResult> {
    return this.#remote(gitPush, params, options);
  }

  /**
   * Fetches and merges (or with `rebase`, rebases onto) the remote branch. Default call timeout
   * {@link GIT_REMOTE_TIMEOUT_SECONDS}; never retried.
   *
   * @param params - `path`, and optionally `remote`, `branch`, `rebase`, `username`, `password`
   * @param options - per-call options: timeout (seconds), signal, maxRetries, headers, fetchOptions (`timeout` defaults to {@link GIT_REMOTE_TIMEOUT_SECONDS} here)
   * @returns What git printed and its exit code (`{ output, exitCode }`); a failing git command is reported there, not thrown.
   */
  pull(params: GitPullParams, options?: RequestOptions): Promise<GitResult> {
    return this.#remote(gitPull, params, options);
  }
}

/** `{ path, contextLines }` and the options from `(path, contextLines?, options?)` or `(params, options?)`. */
function contextArgs(
  a: string | GitDiffUnstagedParams,
  b: number | RequestOptions | undefined,
  c: RequestOptions | undefined,
): [unknown, RequestOptions | undefined] {
  if (typeof a !== "string") return [a, b as RequestOptions | undefined];
  if (isObject(b)) return [{ path: a }, b];
  return [defined({ path: a, contextLines: b }), c];
}

/** The object without its `undefined` fields, so a left-out argument is left out on the wire. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
