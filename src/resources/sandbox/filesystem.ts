import {
  filesystemCopy,
  filesystemDelete,
  filesystemEditFile,
  filesystemEditFiles,
  filesystemExists,
  filesystemGlob,
  filesystemGrep,
  filesystemLS,
  filesystemMkdir,
  filesystemMove,
  filesystemReadFile,
  filesystemReadFiles,
  filesystemSetPermissions,
  filesystemStat,
  filesystemTree,
  filesystemWriteFile,
  filesystemWriteFiles,
} from "../../../generated/operations";
import type {
  CopyRequestParams,
  EditFileResponse,
  EditFilesResponse,
  FileEditParams,
  FileInfo,
  FilesystemReadFileParams,
  GlobRequestParams,
  GrepRequestParams,
  LSRequestParams,
  LSResponse,
  MkdirRequestParams,
  SearchMatch,
  SetPermissionsRequestParams,
  TreeRequestParams,
  TreeResponse,
} from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import {
  Leap0ConnectionError,
  Leap0Error,
  type Leap0ErrorDetails,
  Leap0MalformedResponseError,
  Leap0ResponseTooLargeError,
  Leap0ValidationError,
} from "../../core/errors";
import { invoke, invokeStream } from "../../core/invoke";
import {
  ambiguousFormName,
  backslashedFormName,
  boundaryOf,
  encodeMultipart,
  escapedFormName,
  MultipartError,
  parseMultipart,
  unescapedFormName,
} from "../../core/multipart";
import type { Pipeline, StreamedResponse } from "../../core/pipeline";
import { followSignal } from "../../core/signals";

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
// V8's longest string, in UTF-16 code units: a text read is held to it whatever maxBytes says.
const MAX_STRING_LENGTH = 2 ** 29 - 24;

/** How far a transfer has got; `total` is undefined while the size is not known. */
export interface TransferProgress {
  /** Bytes moved so far. */
  loaded: number;
  /** Bytes in all, when known. */
  total: number | undefined;
}

/** Called as a transfer moves; see README for how often. Exceptions it throws are ignored. */
export type ProgressListener = (progress: TransferProgress) => void;

/** Bytes that can be sent again as they are: a buffered write may be retried. */
export type BufferedContent = string | Uint8Array | ArrayBuffer | Blob;
/** What a file can be written from. A stream is read once, so a write from one is never retried. */
export type FileContent = BufferedContent | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** File permission bits: `"644"`, `"0644"` or `0o644`. */
export type FileMode = string | number;

/** Options of a single-file write. */
export interface WriteFileOptions {
  /** The file's mode, e.g. `"644"` or `0o644`; the service's default otherwise. */
  permissions?: FileMode;
  /** Progress of the upload. */
  onProgress?: ProgressListener;
}

/** Options of a multi-file write. */
export interface WriteFilesOptions {
  /** Progress of the upload, over all files. */
  onProgress?: ProgressListener;
}

/** What a read returns; `"text"` unless asked otherwise. */
export type ReadFormat = "text" | "bytes" | "blob" | "stream";

/** Options of a single-file read: the contract's range or lines, plus how to hand the bytes over. */
export interface ReadFileOptions extends Omit<FilesystemReadFileParams, "path"> {
  /** What to return: a string (default), a `Uint8Array`, a `Blob` or a `ReadableStream`. */
  format?: ReadFormat;
  /** Text encoding for `format: "text"` (any label `TextDecoder` knows); UTF-8 by default. */
  encoding?: string;
  /** Progress of the download. */
  onProgress?: ProgressListener;
  /**
   * The most bytes a buffered read (text, bytes, blob) will hold: a larger read is refused with
   * {@link Leap0FileTooLargeError} once the first range's `stat` gives its size (or its bytes
   * pass the bound), and no further range is fetched. {@link MAX_BUFFERED_READ_BYTES} (256 MiB)
   * by default; `Infinity` for no bound; text is also held to JavaScript's longest string. A
   * stream holds nothing, so it ignores this.
   */
  maxBytes?: number;
}

/** Options of a multi-file read. */
export interface ReadFilesOptions {
  /** Text encoding for `readFiles` (any label `TextDecoder` knows); UTF-8 by default. */
  encoding?: string;
  /** Progress of the download. */
  onProgress?: ProgressListener;
}

/** Options of `mkdir`: the contract's, with the mode also accepted as a number. */
export interface MkdirOptions extends Omit<MkdirRequestParams, "path" | "permissions"> {
  /** The directory's mode, e.g. `"755"` or `0o755`. */
  permissions?: FileMode | null;
}

/** Options of `setPermissions`: the contract's, with the mode also accepted as a number. */
export interface SetPermissionsOptions extends Omit<SetPermissionsRequestParams, "path" | "mode"> {
  /** The new mode, e.g. `"755"` or `0o755`. */
  mode?: FileMode | null;
}

/** `delete` in object form. */
export interface DeleteOptions {
  /** The file or directory. */
  path: string;
  /** Also delete a directory's contents. */
  recursive?: boolean;
}

/** `move` in object form. */
export interface MoveOptions {
  /** The current path. */
  srcPath: string;
  /** The new path. */
  dstPath: string;
  /** Replace the destination if it exists. */
  overwrite?: boolean;
}

/** What `editFiles` replaces, and with what. */
export interface EditFilesReplace {
  /** The text to find. */
  find: string;
  /** What to put in its place (nothing: delete it). */
  replace?: string | null;
}

/** `editFiles` with the files as `paths`, the docs' name. */
export interface EditFilesByPaths extends EditFilesReplace {
  /** The files to edit. */
  paths: string[];
  /** Not with `paths`. */
  files?: never;
}

/** `editFiles` with the files as `files`, the wire's name. */
export interface EditFilesByFiles extends EditFilesReplace {
  /** The files to edit. */
  files: string[];
  /** Not with `files`. */
  paths?: never;
}

/** `editFiles` params: the files as `paths` (the docs' name) or `files` (the wire's). */
export type EditFilesOptions = EditFilesByPaths | EditFilesByFiles;

/**
 * A ranged read saw the file change between two ranges (its size or modification time, from
 * `stat`, moved), so the bytes read so far do not belong to one version of the file.
 */
export class Leap0FileChangedError extends Leap0Error {
  override name = "Leap0FileChangedError";
  /** The file. */
  readonly path: string;
  /** @internal */
  constructor(message: string, path: string, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.path = path;
  }
}

/**
 * A buffered read (text, bytes, blob) that would hold more than its `maxBytes`: nothing past
 * the range that showed it was fetched. Read it as a stream (`format: "stream"`), or raise
 * `maxBytes`. A limit the caller chose, not a fault of the server, so not a
 * `Leap0MalformedResponseError`.
 */
export class Leap0FileTooLargeError extends Leap0Error {
  override name = "Leap0FileTooLargeError";
  /** The file. */
  readonly path: string;
  /** The bound that was passed, in bytes. */
  readonly limit: number;
  /**
   * The bytes the read would bring (the file's size from `stat`, or the part of it that
   * `offset`/`limit` ask for), when known before the bound was passed.
   */
  readonly size: number | undefined;
  /** @internal */
  constructor(message: string, path: string, limit: number, size: number | undefined, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.path = path;
    this.limit = limit;
    this.size = size;
  }
}

/**
 * `readFiles`/`readFilesBytes`: some requested paths did not come back. `files` holds the ones
 * that did, `missing` the ones that did not.
 */
export class Leap0FilesMissingError extends Leap0Error {
  override name = "Leap0FilesMissingError";
  /** Requested paths absent from the answer. */
  readonly missing: string[];
  /** What did come back, keyed by path (bytes). */
  readonly files: Record<string, Uint8Array>;
  /** @internal */
  constructor(message: string, missing: string[], files: Record<string, Uint8Array>, details: Leap0ErrorDetails = {}) {
    super(message, details);
    this.missing = missing;
    this.files = files;
  }
}

const utf8 = new TextEncoder();

function report(listener: ProgressListener | undefined, loaded: number, total: number | undefined): void {
  if (!listener) return;
  try {
    listener({ loaded, total });
  } catch {
    // A progress callback must not break the transfer.
  }
}

function invalid(field: string, problem: string): Leap0ValidationError {
  return new Leap0ValidationError(`Invalid ${field}: ${field} ${problem}. Nothing was sent.`, {
    fieldErrors: [{ field, error: problem }],
  });
}

/** `"644"`, `"0644"` or `0o644` → the octal digits the service takes. */
function modeString(mode: FileMode | null | undefined, field: string): string | null | undefined {
  if (mode === undefined || mode === null) return mode;
  if (typeof mode === "number") {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw invalid(field, "must be a mode from 0 to 0o7777");
    return mode.toString(8).padStart(3, "0");
  }
  if (typeof mode !== "string" || !/^[0-7]{3,4}$/.test(mode)) {
    throw invalid(field, 'must be octal digits such as "644" or "0755", or a number such as 0o644');
  }
  return mode;
}

function isStreamContent(c: unknown): c is ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> {
  return (
    (typeof ReadableStream !== "undefined" && c instanceof ReadableStream) ||
    (typeof c === "object" && c !== null && Symbol.asyncIterator in c)
  );
}

/** Buffered content as bytes or a Blob, with its size. */
function buffered(content: BufferedContent, field: string): { body: Uint8Array | Blob; size: number } {
  if (typeof content === "string") {
    const body = utf8.encode(content);
    return { body, size: body.byteLength };
  }
  if (content instanceof Uint8Array) return { body: content, size: content.byteLength };
  if (content instanceof ArrayBuffer) return { body: new Uint8Array(content), size: content.byteLength };
  if (typeof Blob !== "undefined" && content instanceof Blob) return { body: content, size: content.size };
  throw invalid(
    field,
    "must be a string, Uint8Array, ArrayBuffer, Blob, ReadableStream or AsyncIterable of Uint8Array",
  );
}

function tooBig(field: string, size: number): Leap0ValidationError {
  return invalid(
    field,
    `is ${size} bytes, over the service's 10 MiB (${MAX_UPLOAD_BYTES} bytes) request limit; split it into files of at most that size`,
  );
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * A stream body that counts what fetch pulls from it and stops past the upload limit.
 * `release()` lets go of the caller's source (cancels it, or returns its iterator), whether or
 * not fetch got to read it: a failed call must not leave a file stream open.
 */
function countedUpload(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  onProgress: ProgressListener | undefined,
  field: string,
): {
  stream: ReadableStream<Uint8Array>;
  overflow: () => Leap0ValidationError | undefined;
  release: () => Promise<void>;
  /** Bytes fetch has taken from the source so far. */
  loaded: () => number;
} {
  let taken: AsyncIterator<Uint8Array> | undefined;
  const take = (): AsyncIterator<Uint8Array> => {
    taken ??= source instanceof ReadableStream ? readerIterator(source) : source[Symbol.asyncIterator]();
    return taken;
  };
  let loaded = 0;
  let overflow: Leap0ValidationError | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const iterator = take();
        const { done, value } = await iterator.next();
        if (done) {
          controller.close();
          return;
        }
        if (!(value instanceof Uint8Array)) {
          overflow = invalid(field, "must yield Uint8Array chunks");
          await iterator.return?.();
          controller.error(overflow);
          return;
        }
        loaded += value.byteLength;
        if (loaded > MAX_UPLOAD_BYTES) {
          overflow = tooBig(field, loaded);
          await iterator.return?.();
          controller.error(overflow);
          return;
        }
        controller.enqueue(value);
        report(onProgress, loaded, undefined);
      },
      async cancel() {
        await taken?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  const release = async () => {
    try {
      await take().return?.();
    } catch {
      // The source's own cleanup failed: nothing more can be done with it.
    }
  };
  return { stream, overflow: () => overflow, release, loaded: () => loaded };
}

/**
 * A streamed upload that failed after part of it was handed to fetch: the service may have
 * written what arrived (it has no rename-into-place), so the error says so and counts as one
 * that may have taken effect, instead of claiming that nothing was sent.
 */
function partialWrite(error: unknown, path: string, sent: number, failure: unknown): unknown {
  // A transport that reads the whole body before sending (leap0/node) says it sent nothing.
  const reached = failure instanceof Leap0Error && failure.mayHaveSucceeded;
  if (sent === 0 || !reached || !(error instanceof Leap0Error)) return error;
  error.message = `${error.message.replace(/ Nothing was sent\.$/, "")} ${sent} bytes of the stream had been sent before the upload failed, so a partial file may remain at ${JSON.stringify(path)}: write it again, or delete it.`;
  Object.defineProperty(error, "mayHaveSucceeded", { value: true, enumerable: true, configurable: true });
  return error;
}

function readerIterator(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    return: async () => {
      await reader.cancel().catch(() => {});
      return { done: true, value: undefined };
    },
  };
}

/** Files in the sandbox: read, write, list, search, edit, move, copy; binary-safe and streaming. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class FilesystemClient {
  readonly #p: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#p = pipeline;
    this.#sandboxId = sandboxId;
  }

  get #path(): { sandboxID: string } {
    return { sandboxID: this.#sandboxId };
  }

  /**
   * Lists a directory (with `recursive`, its whole subtree).
   *
   * @param path - the directory
   * @param params - optionally `recursive` (everything below it, not just its direct entries) and `exclude` (glob patterns of entries to leave out)
   * @returns The directory's entries (`{ items }`), each with its name, path, kind, size, mode, modification time, owner and group.
   * @throws {@link Leap0NotFoundError} when the directory (or the sandbox) does not exist.
   */
  ls(path: string, params?: Omit<LSRequestParams, "path">, options?: RequestOptions): Promise<LSResponse> {
    return invoke(this.#p, filesystemLS, { path: this.#path, params: { ...params, path } }, options);
  }

  /**
   * Size, mode, owner, modification time and link target of one path.
   *
   * @param path - the file or directory
   * @returns What the path is: name, path, whether it is a directory or a link (and where it points), size, mode, modification time (Unix seconds), owner and group.
   * @throws {@link Leap0NotFoundError} when the path (or the sandbox) does not exist.
   */
  stat(path: string, options?: RequestOptions): Promise<FileInfo> {
    return invoke(this.#p, filesystemStat, { path: this.#path, params: { path } }, options);
  }

  /**
   * Creates a directory; with `recursive`, missing parents too.
   *
   * @param path - the directory to create
   * @param params - optionally `recursive` (create missing parents as well) and `permissions` (the mode, e.g. `"755"` or `0o755`)
   * @returns Resolves once the directory exists.
   * @throws {@link Leap0ValidationError} when `permissions` is not a mode or the arguments break the contract (nothing is sent).
   */
  async mkdir(path: string, params?: MkdirOptions, options?: RequestOptions): Promise<void> {
    const { permissions, ...rest } = params ?? {};
    const mode = modeString(permissions, "permissions");
    await invoke(
      this.#p,
      filesystemMkdir,
      { path: this.#path, params: { ...rest, path, ...(mode === undefined ? {} : { permissions: mode }) } },
      options,
    );
  }

  /**
   * Writes one file, byte for byte, replacing what was there. A string is written as UTF-8.
   * Buffered content over 10 MiB is refused before anything is sent; a stream is aborted as
   * soon as it passes 10 MiB (whether the service keeps what arrived before an abort, the
   * contract does not say). A stream is never retried.
   *
   * @param path - the file to write
   * @param content - the bytes: a string (written as UTF-8), `Uint8Array`, `ArrayBuffer`, `Blob`, or a `ReadableStream` / `AsyncIterable` of `Uint8Array`
   * @param params - optionally `permissions` (the file's mode, e.g. `"644"` or `0o644`) and `onProgress` (progress of the upload)
   * @returns Resolves once the file is written.
   * @throws {@link Leap0ValidationError} when `permissions` is not a mode, `content` is not one of the types above, buffered content is over 10 MiB ({@link MAX_UPLOAD_BYTES}) or the arguments break the contract (nothing is sent); also when a stream passes 10 MiB or yields something other than `Uint8Array` (the upload is aborted).
   */
  async writeFile(
    path: string,
    content: FileContent,
    params?: WriteFileOptions,
    options?: RequestOptions,
  ): Promise<void> {
    const onProgress = params?.onProgress;
    const callFor = () => {
      const permissions = modeString(params?.permissions, "permissions") ?? undefined;
      return { path: this.#path, params: permissions === undefined ? { path } : { path, permissions } };
    };
    if (isStreamContent(content)) {
      // A stream handed to writeFile is read to its end or let go, whatever fails (a refused
      // argument included): never left locked, or holding a file open.
      const upload = countedUpload(content, onProgress, "content");
      try {
        await invoke(this.#p, filesystemWriteFile, { ...callFor(), stream: upload.stream }, options);
      } catch (e) {
        await upload.release();
        throw partialWrite(upload.overflow() ?? e, path, upload.loaded(), e);
      }
      return;
    }
    const call = callFor();
    const { body, size } = buffered(content, "content");
    if (size > MAX_UPLOAD_BYTES) throw tooBig("content", size);
    report(onProgress, 0, size);
    await invoke(this.#p, filesystemWriteFile, { ...call, bytes: body }, options);
    report(onProgress, size, size);
  }

  /**
   * {@link FilesystemClient.writeFile} under the reference's name for raw bytes.
   *
   * @param path - the file to write
   * @param content - the bytes: a string (written as UTF-8), `Uint8Array`, `ArrayBuffer`, `Blob`, or a `ReadableStream` / `AsyncIterable` of `Uint8Array`
   * @param params - optionally `permissions` (the file's mode, e.g. `"644"` or `0o644`) and `onProgress` (progress of the upload)
   * @returns Resolves once the file is written.
   * @throws {@link Leap0ValidationError} when `permissions` is not a mode, `content` is not one of the types above, buffered content is over 10 MiB ({@link MAX_UPLOAD_BYTES}) or the arguments break the contract (nothing is sent); also when a stream passes 10 MiB or yields something other than `Uint8Array` (the upload is aborted).
   */
  writeBytes(path: string, content: FileContent, params?: WriteFileOptions, options?: RequestOptions): Promise<void> {
    return this.writeFile(path, content, params, options);
  }

  /**
   * Writes several files in one multipart request, keyed by path. The request (contents plus
   * multipart framing) must fit in the 10 MiB request limit (checked before sending).
   *
   * @param files - path → content (a string, written as UTF-8, `Uint8Array`, `ArrayBuffer` or `Blob`)
   * @param params - optionally `onProgress` (progress of the upload, over all files)
   * @returns Resolves once every file is written.
   * @throws {@link Leap0ValidationError} when `files` is not an object, a path is empty or holds `%22`, `%0D` or `%0A` (use `writeFile` for it), a content is not one of the types above, or the request is over 10 MiB ({@link MAX_UPLOAD_BYTES}) with its multipart framing (nothing is sent).
   */
  async writeFiles(
    files: Record<string, BufferedContent>,
    params?: WriteFilesOptions,
    options?: RequestOptions,
  ): Promise<void> {
    if (typeof files !== "object" || files === null) throw invalid("files", "must be an object of path → content");
    const entries: [string, Uint8Array | Blob][] = [];
    let total = 0;
    for (const [path, content] of Object.entries(files)) {
      if (!path) throw invalid("files", "must not have an empty path");
      if (ambiguousFormName(path)) {
        throw invalid(
          `files[${JSON.stringify(path)}]`,
          "contains %22, %0D or %0A, which multipart/form-data uses to escape a quote, CR and LF; it cannot be sent unambiguously (use writeFile)",
        );
      }
      const { body, size } = buffered(content, `files[${JSON.stringify(path)}]`);
      total += size;
      entries.push([path, body]);
    }
    // The limit is on the request body, so the multipart framing counts too.
    const multipart = encodeMultipart(entries);
    if (multipart.body.size > MAX_UPLOAD_BYTES) throw tooBig("files", multipart.body.size);
    report(params?.onProgress, 0, total);
    await invoke(this.#p, filesystemWriteFiles, { path: this.#path, multipart }, options);
    report(params?.onProgress, total, total);
  }

  /**
   * {@link FilesystemClient.writeFiles} under the reference's name for raw bytes.
   *
   * @param files - path → content (a string, written as UTF-8, `Uint8Array`, `ArrayBuffer` or `Blob`)
   * @param params - optionally `onProgress` (progress of the upload, over all files)
   * @returns Resolves once every file is written.
   * @throws {@link Leap0ValidationError} when `files` is not an object, a path is empty or holds `%22`, `%0D` or `%0A` (use `writeFile` for it), a content is not one of the types above, or the request is over 10 MiB ({@link MAX_UPLOAD_BYTES}) with its multipart framing (nothing is sent).
   */
  writeFilesBytes(
    files: Record<string, BufferedContent>,
    params?: WriteFilesOptions,
    options?: RequestOptions,
  ): Promise<void> {
    return this.writeFiles(files, params, options);
  }

  /**
   * Reads one file: text by default (decoded without ever splitting a character, a byte-order
   * mark kept), or bytes, a Blob or a stream (`format`). A file bigger than one response is
   * read range by range; if its size or modification time changes between ranges the read
   * fails with {@link Leap0FileChangedError}.
   *
   * @param path - the file
   * @param params - optionally `offset` and `limit` (a byte range) or `head` or `tail` (the first or last lines, never both), `encoding` (any label `TextDecoder` knows; UTF-8 by default), `onProgress` (progress of the download), `maxBytes` (the most it will hold; 256 MiB by default) and `format: "text"`
   * @returns The file's text (or the part asked for).
   * @throws {@link Leap0ValidationError} when `encoding` is not one `TextDecoder` knows, or the range or lines break the contract (`head` with `tail`, a negative `offset`, …) (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the file (or the sandbox) does not exist.
   * @throws {@link Leap0FileChangedError} when the file, read range by range, changed between ranges (read it again).
   * @throws {@link Leap0ResponseTooLargeError} when one response (a `head`/`tail` read is a single one) is larger than the client's `maxResponseBytes`.
   * @throws {@link Leap0FileTooLargeError} when the read would hold more than `maxBytes` (256 MiB by default); no further range is fetched.
   * @throws {@link Leap0MalformedResponseError} when a range answers with more bytes than were asked for.
   */
  readFile(path: string, params?: ReadFileOptions & { format?: "text" }, options?: RequestOptions): Promise<string>;
  /**
   * The file's bytes.
   */
  readFile(path: string, params: ReadFileOptions & { format: "bytes" }, options?: RequestOptions): Promise<Uint8Array>;
  /**
   * The file as a Blob.
   */
  readFile(path: string, params: ReadFileOptions & { format: "blob" }, options?: RequestOptions): Promise<Blob>;
  /**
   * The file as a stream, fetched range by range as it is read: memory stays bounded.
   */
  readFile(
    path: string,
    params: ReadFileOptions & { format: "stream" },
    options?: RequestOptions,
  ): Promise<ReadableStream<Uint8Array>>;
  /**
   * Any format, chosen at run time.
   */
  readFile(
    path: string,
    params?: ReadFileOptions,
    options?: RequestOptions,
  ): Promise<string | Uint8Array | Blob | ReadableStream<Uint8Array>>;
  async readFile(
    path: string,
    params: ReadFileOptions = {},
    options?: RequestOptions,
  ): Promise<string | Uint8Array | Blob | ReadableStream<Uint8Array>> {
    const { format = "text", encoding, onProgress, maxBytes, ...range } = params;
    if (format === "stream") return this.#readStream(path, range, onProgress, options);
    const cap = maxBytes ?? MAX_BUFFERED_READ_BYTES;
    if (typeof cap !== "number" || !(cap === Number.POSITIVE_INFINITY || (Number.isSafeInteger(cap) && cap >= 0))) {
      throw invalid("maxBytes", "must be a whole number of bytes (0 or more), or Infinity");
    }
    let decoder: TextDecoder | undefined;
    if (format === "text") {
      try {
        decoder = new TextDecoder(encoding ?? "utf-8", { ignoreBOM: true });
      } catch {
        throw invalid("encoding", "is not an encoding TextDecoder knows");
      }
    } else if (format !== "bytes" && format !== "blob") {
      throw invalid("format", 'must be "text", "bytes", "blob" or "stream"');
    }
    // Decoded text can be no longer than V8's longest string, whatever maxBytes allows.
    const held = decoder ? Math.min(cap, MAX_STRING_LENGTH) : cap;
    const chunks: Uint8Array[] = [];
    let text = "";
    let size = 0;
    let known: number | undefined;
    const limit = this.#p.maxResponseBytes;
    const retries = options?.maxRetries ?? this.#p.maxRetries;
    // The read's requests run under `stopper` (linked to the caller's signal), so a read that
    // fails also ends a stat it left in flight instead of leaving it to its own timeout.
    const { ctl: stopper, unlink } = followSignal(options?.signal, "abort");
    const calls: RequestOptions = { ...options, signal: stopper.signal };
    const plan = this.#ranges(path, range, calls);
    try {
      for (let step = await plan.next(); !step.done; ) {
        const { params, want, sized, total } = step.value;
        // The size is known from the second range on (or was never needed): refuse before
        // fetching more than the caller is willing to hold.
        if (total !== undefined && total > held) throw fileTooLarge(path, held, total, cap);
        // Each range is read into a list and handed over only once complete (one copy in all,
        // at the end, rather than one per range): a connection that breaks mid-range is retried
        // like any idempotent read, within the call's maxRetries.
        let got: Uint8Array[] = [];
        let n = 0;
        for (let attempt = 0; ; attempt++) {
          const res = await invokeStream(this.#p, filesystemReadFile, { path: this.#path, params }, calls);
          sized(res.headers);
          got = [];
          n = 0;
          try {
            for (;;) {
              // Straight from the response (no stream around it): one layer less per chunk.
              const { done, value } = await res.read();
              if (done) break;
              n += value.byteLength;
              if (n > limit) throw tooLarge(limit, res.status);
              if (n > want) throw overshoot(want, params.offset);
              if (size + n > held) throw fileTooLarge(path, held, total, cap);
              got.push(value);
            }
            break;
          } catch (e) {
            await res.cancel().catch(() => {});
            if (e instanceof Leap0ConnectionError && attempt < retries) continue;
            throw e;
          }
        }
        known = step.value.total;
        for (const chunk of got) {
          size += chunk.byteLength;
          // Decoding as the ranges arrive, `stream: true` keeps a character cut by a range
          // boundary until its last bytes come.
          if (decoder) text += decoder.decode(chunk, { stream: true });
          else chunks.push(chunk);
          report(onProgress, size, known);
        }
        step = await plan.next(n);
      }
    } catch (e) {
      stopper.abort();
      await plan.return().catch(() => {});
      throw e;
    } finally {
      unlink();
    }
    if (known === undefined) report(onProgress, size, size);
    if (decoder) return text + decoder.decode();
    if (format === "blob") return new Blob(chunks as Uint8Array<ArrayBuffer>[]);
    return concat(chunks, size);
  }

  /**
   * The file's bytes; the same options as {@link FilesystemClient.readFile} but `format`.
   *
   * @param path - the file
   * @param params - optionally `offset` and `limit` (a byte range) or `head` or `tail` (the first or last lines, never both), `onProgress` (progress of the download) and `maxBytes` (the most it will hold; 256 MiB by default)
   * @returns The file's bytes (or the part asked for).
   * @throws {@link Leap0ValidationError} when the range or lines break the contract (`head` with `tail`, a negative `offset`, …) (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the file (or the sandbox) does not exist.
   * @throws {@link Leap0FileChangedError} when the file, read range by range, changed between ranges (read it again).
   * @throws {@link Leap0ResponseTooLargeError} when one response (a `head`/`tail` read is a single one) is larger than the client's `maxResponseBytes`.
   * @throws {@link Leap0FileTooLargeError} when the read would hold more than `maxBytes` (256 MiB by default); no further range is fetched.
   * @throws {@link Leap0MalformedResponseError} when a range answers with more bytes than were asked for.
   */
  readBytes(
    path: string,
    params?: Omit<ReadFileOptions, "format" | "encoding">,
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    return this.readFile(path, { ...params, format: "bytes" }, options);
  }

  /**
   * Reads several files in one request, decoded as text, keyed by path. Throws
   * {@link Leap0FilesMissingError} (with what did arrive) when a requested path is absent.
   *
   * @param paths - the files
   * @param params - optionally `encoding` (any label `TextDecoder` knows; UTF-8 by default) and `onProgress` (progress of the download)
   * @returns Each file's text, keyed by its path.
   * @throws {@link Leap0ValidationError} when `encoding` is not one `TextDecoder` knows or `paths` breaks the contract (nothing is sent).
   * @throws {@link Leap0FilesMissingError} when a requested path did not come back (`missing` names them; `files` holds, as bytes, what did).
   * @throws {@link Leap0ResponseTooLargeError} when the answer is larger than the client's `maxResponseBytes`.
   * @throws {@link Leap0MalformedResponseError} when the answer is not a readable `multipart/form-data` body.
   */
  async readFiles(
    paths: string[],
    params?: ReadFilesOptions,
    options?: RequestOptions,
  ): Promise<Record<string, string>> {
    let make: () => TextDecoder;
    try {
      const label = params?.encoding ?? "utf-8";
      new TextDecoder(label);
      make = () => new TextDecoder(label, { ignoreBOM: true });
    } catch {
      throw invalid("encoding", "is not an encoding TextDecoder knows");
    }
    const bytes = await this.readFilesBytes(paths, { onProgress: params?.onProgress }, options);
    const out: Record<string, string> = Object.create(null);
    for (const [path, content] of Object.entries(bytes)) out[path] = make().decode(content);
    return out;
  }

  /**
   * Reads several files in one request, as bytes keyed by path (see {@link FilesystemClient.readFiles}).
   *
   * @param paths - the files
   * @param params - optionally `onProgress` (progress of the download)
   * @returns Each file's bytes, keyed by its path.
   * @throws {@link Leap0ValidationError} when `paths` breaks the contract (nothing is sent).
   * @throws {@link Leap0FilesMissingError} when a requested path did not come back (`missing` names them; `files` holds, as bytes, what did).
   * @throws {@link Leap0ResponseTooLargeError} when the answer is larger than the client's `maxResponseBytes`.
   * @throws {@link Leap0MalformedResponseError} when the answer is not a readable `multipart/form-data` body.
   */
  async readFilesBytes(
    paths: string[],
    params?: Omit<ReadFilesOptions, "encoding">,
    options?: RequestOptions,
  ): Promise<Record<string, Uint8Array>> {
    const op = filesystemReadFiles;
    // A path asked for twice is asked for once, so that each path has exactly one part.
    const unique = Array.isArray(paths) ? [...new Set(paths)] : paths;
    const res = await invokeStream(this.#p, op, { path: this.#path, params: { paths: unique } }, options);
    const boundary = boundaryOf(res.headers.get("content-type"));
    if (!boundary) {
      await res.body.cancel().catch(() => {});
      throw new Leap0MalformedResponseError(
        `${op.name}: malformed response (HTTP ${res.status}): expected multipart/form-data with a boundary, got ${JSON.stringify(res.headers.get("content-type")?.slice(0, 100) ?? "no content type")}.`,
        { operation: op.name, status: res.status },
      );
    }
    const limit = this.#p.maxResponseBytes;
    const announced = Number(res.headers.get("content-length")) || undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limit, res.status, op.name);
      }
      chunks.push(value);
      report(params?.onProgress, size, announced);
    }
    let parts: ReturnType<typeof parseMultipart>;
    try {
      parts = parseMultipart(concat(chunks, size), boundary);
    } catch (e) {
      if (!(e instanceof MultipartError)) throw e;
      throw new Leap0MalformedResponseError(
        `${op.name}: malformed multipart response (HTTP ${res.status}): ${e.message}.`,
        { operation: op.name, status: res.status },
      );
    }
    // A part is matched to the path asked for under its name as it is on the wire, escaped
    // either way (WHATWG percent escapes or quoted-string backslashes), so a path holding a
    // quote, a backslash, CR or LF comes back under its own name whichever way the server
    // escaped it.
    const wanted = new Map<string, string>();
    for (const p of paths) {
      for (const form of [p, escapedFormName(p), backslashedFormName(p)]) if (!wanted.has(form)) wanted.set(form, p);
    }
    // Only the paths asked for, each once: a caller may write the answer to disk under these
    // names, so a part nobody asked for (`../../.ssh/authorized_keys`, `__proto__`) or a second
    // part for one path makes the whole answer malformed rather than a silent pick.
    const out: Record<string, Uint8Array> = Object.create(null);
    for (const part of parts) {
      const path = wanted.get(part.name);
      const why =
        path === undefined ? "a part nobody asked for" : Object.hasOwn(out, path) ? "a second part for" : undefined;
      if (why) {
        throw new Leap0MalformedResponseError(
          `${op.name}: malformed multipart response (HTTP ${res.status}): ${why} ${JSON.stringify(unescapedFormName(part.name).slice(0, 200))}; nothing of the answer is returned.`,
          { operation: op.name, status: res.status },
        );
      }
      out[path as string] = part.body;
    }
    const missing = [...new Set(paths)].filter((p) => !Object.hasOwn(out, p));
    if (missing.length) {
      throw new Leap0FilesMissingError(
        `${op.name}: ${missing.length} of the requested files did not come back: ${missing
          .slice(0, 10)
          .map((p) => JSON.stringify(p))
          .join(", ")}${missing.length > 10 ? ", …" : ""}.`,
        missing,
        out,
        { operation: op.name, status: res.status },
      );
    }
    return out;
  }

  /**
   * Removes a path; a directory that is not empty needs `recursive`.
   *
   * @param path - the file or directory
   * @param recursive - also delete a directory's contents
   * @returns Resolves once the path is gone.
   * @throws {@link Leap0NotFoundError} when the path (or the sandbox) does not exist.
   */
  delete(path: string, recursive?: boolean, options?: RequestOptions): Promise<void>;
  /**
   * The same, in object form.
   */
  delete(params: DeleteOptions, options?: RequestOptions): Promise<void>;
  async delete(a: string | DeleteOptions, b?: boolean | RequestOptions, c?: RequestOptions): Promise<void> {
    const [params, options] =
      typeof a === "string"
        ? [{ path: a, ...(typeof b === "boolean" ? { recursive: b } : {}) }, c]
        : [a, b as RequestOptions | undefined];
    await invoke(this.#p, filesystemDelete, { path: this.#path, params }, options);
  }

  /**
   * Sets any of a path's mode, owner and group; the ones left out stay as they are.
   *
   * @param path - the file or directory
   * @param params - any of `mode` (e.g. `"755"` or `0o755`), `owner` and `group`
   * @returns Resolves once the change is applied.
   * @throws {@link Leap0ValidationError} when `mode` is not a mode or the arguments break the contract (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the path (or the sandbox) does not exist.
   */
  async setPermissions(path: string, params?: SetPermissionsOptions, options?: RequestOptions): Promise<void> {
    const { mode, ...rest } = params ?? {};
    const m = modeString(mode, "mode");
    await invoke(
      this.#p,
      filesystemSetPermissions,
      { path: this.#path, params: { ...rest, path, ...(m === undefined ? {} : { mode: m }) } },
      options,
    );
  }

  /**
   * Paths under a directory whose names match a glob pattern.
   *
   * @param path - the directory to search under
   * @param pattern - the glob pattern the names must match, e.g. `**\/*.py`
   * @param params - optionally `exclude` (glob patterns of paths to skip)
   * @returns The matching paths.
   */
  async glob(
    path: string,
    pattern: string,
    params?: Omit<GlobRequestParams, "path" | "pattern">,
    options?: RequestOptions,
  ): Promise<string[]> {
    const r = await invoke(
      this.#p,
      filesystemGlob,
      { path: this.#path, params: { ...params, path, pattern } },
      options,
    );
    return r.items;
  }

  /**
   * Lines containing a text pattern in the files under a directory.
   *
   * @param path - the directory to search under
   * @param pattern - the text to look for
   * @param params - optionally `include` (only files whose names match, e.g. `*.go`) and `exclude` (glob patterns of paths to skip)
   * @returns The matching lines, each with its file (`path`), line number (`line`) and text (`content`).
   */
  async grep(
    path: string,
    pattern: string,
    params?: Omit<GrepRequestParams, "path" | "pattern">,
    options?: RequestOptions,
  ): Promise<SearchMatch[]> {
    const r = await invoke(
      this.#p,
      filesystemGrep,
      { path: this.#path, params: { ...params, path, pattern } },
      options,
    );
    return r.items;
  }

  /**
   * Applies find-and-replace edits to one file; answers with the diff and the count.
   *
   * @param path - the file
   * @param edits - the edits, in order: each a `find` text and what to `replace` it with (nothing: delete it)
   * @returns The change as a unified diff (`diff`) and how many replacements were made in all (`replacements`).
   * @throws {@link Leap0NotFoundError} when the file (or the sandbox) does not exist.
   */
  editFile(path: string, edits: FileEditParams[], options?: RequestOptions): Promise<EditFileResponse> {
    return invoke(this.#p, filesystemEditFile, { path: this.#path, params: { path, edits } }, options);
  }

  /**
   * Replaces one text with another in each of several files; each file reports its outcome.
   *
   * @param params - the files as `paths` (or `files`), the text to `find`, and what to `replace` it with (nothing: delete it)
   * @returns One result per file (`items`: `file`, `success`, and `error` when it failed); a file that could not be edited is reported there, not thrown.
   */
  editFiles(params: EditFilesOptions, options?: RequestOptions): Promise<EditFilesResponse> {
    const { paths, files, ...rest } = params;
    return invoke(
      this.#p,
      filesystemEditFiles,
      { path: this.#path, params: { ...rest, files: files ?? paths } },
      options,
    );
  }

  /**
   * Moves or renames a path; an existing destination is replaced only with `overwrite`.
   *
   * @param srcPath - the current path
   * @param dstPath - the new path
   * @param overwrite - replace the destination if it exists
   * @returns Resolves once the path has moved.
   * @throws {@link Leap0NotFoundError} when the path (or the sandbox) does not exist.
   */
  move(srcPath: string, dstPath: string, overwrite?: boolean, options?: RequestOptions): Promise<void>;
  /**
   * The same, in object form.
   */
  move(params: MoveOptions, options?: RequestOptions): Promise<void>;
  async move(
    a: string | MoveOptions,
    b?: string | RequestOptions,
    c?: boolean | RequestOptions,
    d?: RequestOptions,
  ): Promise<void> {
    const [params, options] =
      typeof a === "string"
        ? [{ srcPath: a, dstPath: b as string, ...(typeof c === "boolean" ? { overwrite: c } : {}) }, d]
        : [a, b as RequestOptions | undefined];
    await invoke(this.#p, filesystemMove, { path: this.#path, params }, options);
  }

  /**
   * Copies a path; a directory needs `recursive`, an existing destination `overwrite`.
   *
   * @param srcPath - the path to copy
   * @param dstPath - the path of the copy
   * @param params - optionally `recursive` (copy a directory with everything in it) and `overwrite` (replace the destination if it exists)
   * @returns Resolves once the copy is made.
   * @throws {@link Leap0NotFoundError} when the path (or the sandbox) does not exist.
   * @throws {@link Leap0ConflictError} when the destination exists (and `overwrite` was not set).
   */
  async copy(
    srcPath: string,
    dstPath: string,
    params?: Omit<CopyRequestParams, "srcPath" | "dstPath">,
    options?: RequestOptions,
  ): Promise<void> {
    await invoke(this.#p, filesystemCopy, { path: this.#path, params: { ...params, srcPath, dstPath } }, options);
  }

  /**
   * Whether anything exists at a path.
   *
   * @param path - the path
   * @returns `true` when anything exists at the path, `false` otherwise.
   */
  async exists(path: string, options?: RequestOptions): Promise<boolean> {
    return (await invoke(this.#p, filesystemExists, { path: this.#path, params: { path } }, options)).exists;
  }

  /**
   * A directory's subtree as nested entries, to `maxDepth` levels (a number: the depth).
   *
   * @param path - the directory at the root of the tree
   * @param depth - how many levels deep to go, or `{ maxDepth, exclude }` (`exclude`: glob patterns of entries to leave out)
   * @returns The entries at the top level (`items`), each with its name, type and, for a directory, its `children`.
   * @throws {@link Leap0NotFoundError} when the directory (or the sandbox) does not exist.
   */
  tree(
    path: string,
    depth?: number | Omit<TreeRequestParams, "path">,
    options?: RequestOptions,
  ): Promise<TreeResponse> {
    const params = typeof depth === "number" ? { maxDepth: depth } : depth;
    return invoke(this.#p, filesystemTree, { path: this.#path, params: { ...params, path } }, options);
  }

  /**
   * The stream of a read: ranges fetched one at a time as the consumer pulls, each chunk read
   * straight from its response (no per-chunk layer between the two streams).
   */
  async #readStream(
    path: string,
    range: Omit<FilesystemReadFileParams, "path">,
    onProgress: ProgressListener | undefined,
    options: RequestOptions | undefined,
  ): Promise<ReadableStream<Uint8Array>> {
    // Every request of the stream (ranges and stats) runs under `stopper`, which the caller's
    // signal and the stream's cancel() both fire: a cancel ends a request still waiting for its
    // headers, rather than leaving it to the call's timeout.
    const { ctl: stopper, unlink } = followSignal(options?.signal, "abort");
    const calls: RequestOptions = { ...options, signal: stopper.signal };
    const plan = this.#ranges(path, range, calls);
    let loaded = 0;
    let known: number | undefined;
    let step: IteratorResult<ReadRange, void>;
    // The current range's response, read chunk by chunk straight into this stream.
    let current: StreamedResponse | undefined;
    let got = 0;
    // Set by cancel(): a pull still waiting (on a stat, or a range's headers) must not go on to
    // ask for another range, and a range that answers after the cancel is let go at once.
    let cancelled = false;
    const drop = async () => {
      const r = current;
      current = undefined;
      await r?.cancel().catch(() => {});
    };
    const open = async () => {
      if (step.done) return;
      const { params, sized } = step.value;
      const res = await invokeStream(this.#p, filesystemReadFile, { path: this.#path, params }, calls);
      sized(res.headers);
      current = res;
      got = 0;
    };
    // The first range is requested now, so a missing file or a bad argument rejects here,
    // not on the first read.
    step = await plan.next();
    try {
      await open();
    } catch (e) {
      unlink();
      await plan.return();
      throw e;
    }
    const pull = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      for (;;) {
        if (step.done) {
          // A read that fitted one response never learnt the size before its end.
          if (known === undefined) report(onProgress, loaded, loaded);
          unlink();
          controller.close();
          return;
        }
        if (!current) await open();
        if (cancelled) return drop();
        const { done, value } = await (current as StreamedResponse).read();
        if (cancelled) return drop();
        if (done) {
          current = undefined;
          step = await plan.next(got);
          if (cancelled) return;
          continue;
        }
        got += value.byteLength;
        if (got > step.value.want) throw overshoot(step.value.want, step.value.params.offset);
        loaded += value.byteLength;
        known = step.value.total;
        report(onProgress, loaded, known);
        controller.enqueue(value);
        return;
      }
    };
    return new ReadableStream<Uint8Array>(
      {
        pull: (controller) =>
          pull(controller).catch(async (e: unknown) => {
            if (cancelled) return;
            unlink();
            // The stream is errored with `e`: nothing more will be read, so free the connection.
            await drop();
            await plan.return().catch(() => {});
            throw e;
          }),
        cancel: async (reason) => {
          cancelled = true;
          unlink();
          stopper.abort();
          const r = current;
          current = undefined;
          await r?.cancel(reason).catch(() => {});
          // Not awaited: the plan may be waiting on a stat, which must not hold up the caller's
          // cancel(); it ends at its next step.
          plan.return().catch(() => {});
        },
      },
      { highWaterMark: 0 },
    );
  }

  /**
   * The range plan behind every read: yields each range to fetch and is told back how many
   * bytes it brought. One request when `head`/`tail` is set or the file fits in one range. A
   * first range that comes back full may not be the whole file: a `stat`, sent as soon as its
   * headers say so (so it overlaps the download rather than following it), gives the size and
   * mtime. When more ranges follow, a last `stat` after them must agree, and so must the bytes
   * read.
   */
  async *#ranges(
    path: string,
    range: Omit<FilesystemReadFileParams, "path">,
    options: RequestOptions | undefined,
  ): AsyncGenerator<ReadRange, void, number> {
    const lines = range.head !== undefined || range.tail !== undefined;
    if (lines || range.limit === 0) {
      yield { params: { ...range, path }, want: Number.POSITIVE_INFINITY, total: undefined, sized: () => {} };
      return;
    }
    // A client with a smaller maxResponseBytes gets smaller ranges, so each still fits.
    const rangeBytes = Math.min(READ_RANGE_BYTES, this.#p.maxResponseBytes);
    const start = range.offset ?? 0;
    const end = range.limit === undefined ? Number.POSITIVE_INFINITY : start + range.limit;
    let offset = start;
    // The file's size and mtime: asked for while the first range downloads, once it is known
    // to fill its range, and compared with a last stat if more ranges were needed.
    let first: Promise<FileInfo> | undefined;
    const askSize = () => {
      if (first) return;
      first = this.stat(path, options);
      first.catch(() => {}); // awaited below; a range failing first must not leave it unhandled
    };
    let info: FileInfo | undefined;
    let total: number | undefined;
    let reads = 0;
    for (;;) {
      const stop = info ? Math.min(end, Math.max(info.size, start)) : end;
      const want = Math.min(rangeBytes, stop - offset);
      if (want <= 0) break;
      const params: FilesystemReadFileParams = { path, offset, limit: want };
      if (offset === 0) delete params.offset;
      // Only the first range can leave the size unknown; a full one (its Content-Length says so
      // up front, or its bytes once counted) needs the stat before the read can end.
      const full = reads === 0 && offset + want < end;
      const got: number = yield {
        params,
        want,
        total,
        sized: (headers) => {
          if (full && Number(headers.get("content-length")) === want) askSize();
        },
      };
      offset += got;
      if (reads++ === 0 && (got < want || offset >= end)) return; // the whole read fitted in one response
      if (!info) {
        askSize();
        info = await (first as Promise<FileInfo>);
        total = Math.min(end, Math.max(info.size, start)) - start;
      }
      if (got < want) {
        if (offset < Math.min(end, info.size)) {
          throw changed(path, `a range ended early (${got} of ${want} bytes at offset ${offset - got})`);
        }
        break;
      }
    }
    // One response is one version of the file; a read made of several must check that the
    // file held still across them.
    if (info && reads > 1) {
      const now = await this.stat(path, options);
      if (now.size !== info.size || now.mtime !== info.mtime) {
        throw changed(
          path,
          `its size or modification time moved (${info.size} bytes, mtime ${info.mtime} → ${now.size} bytes, mtime ${now.mtime})`,
        );
      }
    }
    if (info && offset !== Math.min(end, Math.max(info.size, start))) {
      throw changed(path, `${offset - start} bytes were read where its size says ${Math.min(end, info.size) - start}`);
    }
  }
}

/** One range of a read, as the plan hands it out. */
interface ReadRange {
  params: FilesystemReadFileParams;
  /** The most bytes the answer may bring (more is a malformed answer). */
  want: number;
  /** The bytes the whole read will bring, once a `stat` has said. */
  total: number | undefined;
  /** Sees the answer's headers, as soon as they come. */
  sized: (headers: Headers) => void;
}

function overshoot(want: number, offset: number | undefined): Leap0MalformedResponseError {
  return new Leap0MalformedResponseError(
    `filesystemReadFile: malformed response: asked for at most ${want} bytes at offset ${offset ?? 0} and got more.`,
    { operation: filesystemReadFile.name },
  );
}

function tooLarge(
  limit: number,
  status: number,
  operation: string = filesystemReadFile.name,
): Leap0ResponseTooLargeError {
  return new Leap0ResponseTooLargeError(
    `${operation}: the response body is larger than maxResponseBytes (${limit} bytes); the rest was not read.`,
    limit,
    { operation, status },
  );
}

function fileTooLarge(path: string, limit: number, size: number | undefined, maxBytes: number): Leap0FileTooLargeError {
  const what = size === undefined ? `more than ${limit} bytes came back` : `the read would bring ${size} bytes`;
  const bound =
    limit < maxBytes
      ? `text is held to ${limit} bytes (the longest string JavaScript can make). Read it as bytes or a stream (format: "bytes" or "stream").`
      : `maxBytes is ${limit}. Read it as a stream (format: "stream"), or pass a larger maxBytes.`;
  return new Leap0FileTooLargeError(
    `filesystemReadFile: ${JSON.stringify(path)} is too large for a buffered read: ${what}, and ${bound}`,
    path,
    limit,
    size,
    { operation: filesystemReadFile.name },
  );
}

function changed(path: string, why: string): Leap0FileChangedError {
  return new Leap0FileChangedError(
    `filesystemReadFile: ${JSON.stringify(path)} changed while it was read range by range: ${why}. Read it again.`,
    path,
    { operation: filesystemReadFile.name },
  );
}
