/**
 * The in-sandbox areas' constants and the one helper users call without an area. They live apart
 * from the areas' code, which loads on first use (see lazy.ts): importing a constant from
 * `leap0` must not load an area.
 */
import type { ExecuteParams } from "../../../generated/types";
import { refuseField } from "../../core/errors";

/** The template whose sandboxes run the code interpreter; pass it as `templateName` when creating a sandbox. */
export const DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME = "system/code-interpreter:v0.1.0";

/**
 * A language the interpreter runs. `python`, `py` and `python3` select Python; `typescript`,
 * `ts`, `javascript`, `js`, `bun` and `node` select TypeScript (Bun).
 */
export type CodeLanguage = NonNullable<ExecuteParams["language"]>;

/** The two runtimes by their canonical names, for code that prefers a constant to a string. */
export const CodeLanguage = {
  /** Python 3. */
  PYTHON: "python",
  /** TypeScript, run by Bun. */
  TYPESCRIPT: "typescript",
} as const satisfies Record<string, CodeLanguage>;

/** The template whose sandboxes run the desktop; pass it as `templateName` when creating a sandbox. */
export const DEFAULT_DESKTOP_TEMPLATE_NAME = "system/desktop:v0.1.0";

/**
 * Default call timeout, in seconds, of the calls that talk to a remote (clone, push, pull): a big
 * repository takes longer than the client's default allows. A `timeout` request option overrides it.
 */
export const GIT_REMOTE_TIMEOUT_SECONDS = 600;

/** Seconds `start` may take unless the call says otherwise: a language server indexing a large project is slow. */
export const LSP_START_TIMEOUT_SECONDS = 180;

/** The command's timeout when the caller gives none, in seconds (the service's default). */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 30;
/**
 * Seconds the call waits beyond the command's own timeout before giving up on an answer: room for
 * the service to stop the command, collect its output and reply.
 */
export const EXECUTE_GRACE_SECONDS = 30;

/** The service refuses a request body larger than this (10 MiB), so the SDK refuses it first. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/**
 * Reads of more than this many bytes are fetched range by range (`offset`/`limit`), each range
 * one response: the service's 10 MiB response cap (or the client's `maxResponseBytes`, when
 * smaller), so a file up to the cap still takes a single read.
 */
export const READ_RANGE_BYTES = 10 * 1024 * 1024;
/**
 * The most a buffered read (text, bytes, blob) holds unless its `maxBytes` says otherwise: a
 * file of any size can be read range by range, so without a bound a large file, or a server
 * that claims one, would take all the memory there is. 256 MiB also keeps decoded text under
 * the longest string V8 can make (about 512 Mi characters).
 */
export const MAX_BUFFERED_READ_BYTES = 256 * 1024 * 1024;

/**
 * The `file://` URI of an absolute path, each segment percent-encoded as LSP servers expect
 * (`/a b/#1/é.py` → `file:///a%20b/%231/%C3%A9.py`): a raw `#` or space would cut the URI short.
 */
export function toFileUri(path: string): string {
  if (typeof path !== "string" || !path.startsWith("/"))
    refuseField("path", "must be an absolute path (starting with /)");
  if (/\0/.test(path)) refuseField("path", "must not contain NUL");
  const encoded = path
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
  return `file://${encoded}`;
}
