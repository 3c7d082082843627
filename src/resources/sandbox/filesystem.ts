/**
 * `sandbox.filesystem`: the 17 file operations and their options. The work behind them lives
 * beside it, one job a file: file-transfer.ts (limits, content, modes, progress, uploads),
 * file-read.ts (the range-read engine), file-parts.ts (the multipart answer of `readFiles`).
 */
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
  DeleteRequestParams,
  EditFileResponse,
  EditFilesRequestParams,
  EditFilesResponse,
  FileEditParams,
  FileInfo,
  FilesystemReadFileParams,
  GlobRequestParams,
  GrepRequestParams,
  LSRequestParams,
  LSResponse,
  MkdirRequestParams,
  MoveRequestParams,
  SearchMatch,
  SetPermissionsRequestParams,
  TreeRequestParams,
  TreeResponse,
} from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import {
  Leap0ConnectionError,
  Leap0MalformedResponseError,
  Leap0ResponseTooLargeError,
  Leap0ValidationError,
} from "../../core/errors";
import { invoke, invokeStream } from "../../core/invoke";
import { ambiguousFormName, encodeMultipart } from "../../core/multipart";
import type { Pipeline } from "../../core/pipeline";
import { followSignal } from "../../core/signals";
import { MAX_BUFFERED_READ_BYTES, MAX_UPLOAD_BYTES } from "./defaults";
import { filesOfParts } from "./file-parts";
import { type FileReader, fileTooLarge, overshoot, readRanges, readStream, tooLarge } from "./file-read";
import {
  type BufferedContent,
  buffered,
  concat,
  countedUpload,
  type FileContent,
  type FileMode,
  invalid,
  isStreamContent,
  MAX_STRING_LENGTH,
  modeString,
  type ProgressListener,
  partialWrite,
  report,
  tooBig,
} from "./file-transfer";

export type { BufferedContent, FileContent, FileMode, ProgressListener, TransferProgress } from "./file-transfer";

/** Options of a single-file write. */
export interface WriteFileParams {
  /** The file's mode, e.g. `"644"` or `0o644`; the service's default otherwise. */
  permissions?: FileMode;
  /** Progress of the upload. */
  onProgress?: ProgressListener;
}

/** Options of a multi-file write. */
export interface WriteFilesParams {
  /** Progress of the upload, over all files. */
  onProgress?: ProgressListener;
}

/** What a read returns; `"text"` unless asked otherwise. */
export type ReadFormat = "text" | "bytes" | "blob" | "stream";

/** Options of a single-file read: the contract's range or lines, plus how to hand the bytes over. */
export interface ReadFileParams extends Omit<FilesystemReadFileParams, "path"> {
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
export interface ReadFilesParams {
  /** Text encoding for `readFiles` (any label `TextDecoder` knows); UTF-8 by default. */
  encoding?: string;
  /** Progress of the download. */
  onProgress?: ProgressListener;
}

/** Options of `mkdir`: the contract's, with the mode also accepted as a number. */
export interface MkdirParams extends Omit<MkdirRequestParams, "path" | "permissions"> {
  /** The directory's mode, e.g. `"755"` or `0o755`. */
  permissions?: FileMode | null;
}

/** Options of `setPermissions`: the contract's, with the mode also accepted as a number. */
export interface SetPermissionsParams extends Omit<SetPermissionsRequestParams, "path" | "mode"> {
  /** The new mode, e.g. `"755"` or `0o755`. */
  mode?: FileMode | null;
}

/** `delete` in object form. */
export type DeleteParams = DeleteRequestParams;

/** `move` in object form. */
export type MoveParams = MoveRequestParams;

/** What `editFiles` replaces, and with what. */
export type EditFilesReplace = Omit<EditFilesRequestParams, "files">;

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
export type EditFilesParams = EditFilesByPaths | EditFilesByFiles;

// The names of 0.x, when parameter objects were called options like the per-call `options`.
/** @deprecated Use {@link WriteFileParams}; this name goes in 1.0. */
export type WriteFileOptions = WriteFileParams;
/** @deprecated Use {@link WriteFilesParams}; this name goes in 1.0. */
export type WriteFilesOptions = WriteFilesParams;
/** @deprecated Use {@link ReadFileParams}; this name goes in 1.0. */
export type ReadFileOptions = ReadFileParams;
/** @deprecated Use {@link ReadFilesParams}; this name goes in 1.0. */
export type ReadFilesOptions = ReadFilesParams;
/** @deprecated Use {@link MkdirParams}; this name goes in 1.0. */
export type MkdirOptions = MkdirParams;
/** @deprecated Use {@link SetPermissionsParams}; this name goes in 1.0. */
export type SetPermissionsOptions = SetPermissionsParams;
/** @deprecated Use {@link DeleteParams}; this name goes in 1.0. */
export type DeleteOptions = DeleteParams;
/** @deprecated Use {@link MoveParams}; this name goes in 1.0. */
export type MoveOptions = MoveParams;
/** @deprecated Use {@link EditFilesParams}; this name goes in 1.0. */
export type EditFilesOptions = EditFilesParams;

/** Files in the sandbox: read, write, list, search, edit, move, copy; binary-safe and streaming. Reached as a property of a {@link Sandbox} handle, created on first use. */
export class FilesystemClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;
  // What the range-read engine (file-read.ts) needs of this client.
  readonly #reader: FileReader;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
    this.#reader = { p: pipeline, ids: { sandboxID: sandboxId }, stat: (path, options) => this.stat(path, options) };
  }

  get #ids(): { sandboxID: string } {
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
    return invoke(this.#pipeline, filesystemLS, { ids: this.#ids, params: { ...params, path } }, options);
  }

  /**
   * Size, mode, owner, modification time and link target of one path.
   *
   * @param path - the file or directory
   * @returns What the path is: name, path, whether it is a directory or a link (and where it points), size, mode, modification time (Unix seconds), owner and group.
   * @throws {@link Leap0NotFoundError} when the path (or the sandbox) does not exist.
   */
  stat(path: string, options?: RequestOptions): Promise<FileInfo> {
    return invoke(this.#pipeline, filesystemStat, { ids: this.#ids, params: { path } }, options);
  }

  /**
   * Creates a directory; with `recursive`, missing parents too.
   *
   * @param path - the directory to create
   * @param params - optionally `recursive` (create missing parents as well) and `permissions` (the mode, e.g. `"755"` or `0o755`)
   * @returns Resolves once the directory exists.
   * @throws {@link Leap0ValidationError} when `permissions` is not a mode or the arguments break the contract (nothing is sent).
   */
  async mkdir(path: string, params?: MkdirParams, options?: RequestOptions): Promise<void> {
    const { permissions, ...rest } = params ?? {};
    const mode = modeString(permissions, "permissions");
    await invoke(
      this.#pipeline,
      filesystemMkdir,
      { ids: this.#ids, params: { ...rest, path, ...(mode === undefined ? {} : { permissions: mode }) } },
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
    params?: WriteFileParams,
    options?: RequestOptions,
  ): Promise<void> {
    const onProgress = params?.onProgress;
    const callFor = () => {
      const permissions = modeString(params?.permissions, "permissions") ?? undefined;
      return { ids: this.#ids, params: permissions === undefined ? { path } : { path, permissions } };
    };
    if (isStreamContent(content)) {
      // A stream handed to writeFile is read to its end or let go, whatever fails (a refused
      // argument included): never left locked, or holding a file open.
      const upload = countedUpload(content, onProgress, "content");
      try {
        await invoke(this.#pipeline, filesystemWriteFile, { ...callFor(), stream: upload.stream }, options);
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
    await invoke(this.#pipeline, filesystemWriteFile, { ...call, bytes: body }, options);
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
  writeBytes(path: string, content: FileContent, params?: WriteFileParams, options?: RequestOptions): Promise<void> {
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
    params?: WriteFilesParams,
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
    await invoke(this.#pipeline, filesystemWriteFiles, { ids: this.#ids, multipart }, options);
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
    params?: WriteFilesParams,
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
  readFile(path: string, params?: ReadFileParams & { format?: "text" }, options?: RequestOptions): Promise<string>;
  /**
   * The file's bytes.
   */
  readFile(path: string, params: ReadFileParams & { format: "bytes" }, options?: RequestOptions): Promise<Uint8Array>;
  /**
   * The file as a Blob.
   */
  readFile(path: string, params: ReadFileParams & { format: "blob" }, options?: RequestOptions): Promise<Blob>;
  /**
   * The file as a stream, fetched range by range as it is read: memory stays bounded.
   */
  readFile(
    path: string,
    params: ReadFileParams & { format: "stream" },
    options?: RequestOptions,
  ): Promise<ReadableStream<Uint8Array>>;
  /**
   * Any format, chosen at run time.
   */
  readFile(
    path: string,
    params?: ReadFileParams,
    options?: RequestOptions,
  ): Promise<string | Uint8Array | Blob | ReadableStream<Uint8Array>>;
  async readFile(
    path: string,
    params: ReadFileParams = {},
    options?: RequestOptions,
  ): Promise<string | Uint8Array | Blob | ReadableStream<Uint8Array>> {
    const { format = "text", encoding, onProgress, maxBytes, ...range } = params;
    if (format === "stream") return readStream(this.#reader, path, range, onProgress, options);
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
    const limit = this.#pipeline.maxResponseBytes;
    const retries = options?.maxRetries ?? this.#pipeline.maxRetries;
    // The read's requests run under `stopper` (linked to the caller's signal), so a read that
    // fails also ends a stat it left in flight instead of leaving it to its own timeout.
    const { ctl: stopper, unlink } = followSignal(options?.signal, "abort");
    const calls: RequestOptions = { ...options, signal: stopper.signal };
    const plan = readRanges(this.#reader, path, range, calls);
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
          const res = await invokeStream(this.#pipeline, filesystemReadFile, { ids: this.#ids, params }, calls);
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
    params?: Omit<ReadFileParams, "format" | "encoding">,
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
    params?: ReadFilesParams,
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
    params?: Omit<ReadFilesParams, "encoding">,
    options?: RequestOptions,
  ): Promise<Record<string, Uint8Array>> {
    const op = filesystemReadFiles;
    // A path asked for twice is asked for once, so that each path has exactly one part.
    const unique = Array.isArray(paths) ? [...new Set(paths)] : paths;
    const res = await invokeStream(this.#pipeline, op, { ids: this.#ids, params: { paths: unique } }, options);
    return filesOfParts(res, paths, this.#pipeline.maxResponseBytes, params?.onProgress);
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
  delete(params: DeleteParams, options?: RequestOptions): Promise<void>;
  async delete(a: string | DeleteParams, b?: boolean | RequestOptions, c?: RequestOptions): Promise<void> {
    const [params, options] =
      typeof a === "string"
        ? [{ path: a, ...(typeof b === "boolean" ? { recursive: b } : {}) }, c]
        : [a, b as RequestOptions | undefined];
    await invoke(this.#pipeline, filesystemDelete, { ids: this.#ids, params }, options);
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
  async setPermissions(path: string, params?: SetPermissionsParams, options?: RequestOptions): Promise<void> {
    const { mode, ...rest } = params ?? {};
    const m = modeString(mode, "mode");
    await invoke(
      this.#pipeline,
      filesystemSetPermissions,
      { ids: this.#ids, params: { ...rest, path, ...(m === undefined ? {} : { mode: m }) } },
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
      this.#pipeline,
      filesystemGlob,
      { ids: this.#ids, params: { ...params, path, pattern } },
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
      this.#pipeline,
      filesystemGrep,
      { ids: this.#ids, params: { ...params, path, pattern } },
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
    return invoke(this.#pipeline, filesystemEditFile, { ids: this.#ids, params: { path, edits } }, options);
  }

  /**
   * Replaces one text with another in each of several files; each file reports its outcome.
   *
   * @param params - the files as `paths` (or `files`), the text to `find`, and what to `replace` it with (nothing: delete it)
   * @returns One result per file (`items`: `file`, `success`, and `error` when it failed); a file that could not be edited is reported there, not thrown.
   */
  editFiles(params: EditFilesParams, options?: RequestOptions): Promise<EditFilesResponse> {
    const { paths, files, ...rest } = params;
    return invoke(
      this.#pipeline,
      filesystemEditFiles,
      { ids: this.#ids, params: { ...rest, files: files ?? paths } },
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
  move(params: MoveParams, options?: RequestOptions): Promise<void>;
  async move(
    a: string | MoveParams,
    b?: string | RequestOptions,
    c?: boolean | RequestOptions,
    d?: RequestOptions,
  ): Promise<void> {
    const [params, options] =
      typeof a === "string"
        ? [{ srcPath: a, dstPath: b as string, ...(typeof c === "boolean" ? { overwrite: c } : {}) }, d]
        : [a, b as RequestOptions | undefined];
    await invoke(this.#pipeline, filesystemMove, { ids: this.#ids, params }, options);
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
    await invoke(this.#pipeline, filesystemCopy, { ids: this.#ids, params: { ...params, srcPath, dstPath } }, options);
  }

  /**
   * Whether anything exists at a path.
   *
   * @param path - the path
   * @returns `true` when anything exists at the path, `false` otherwise.
   */
  async exists(path: string, options?: RequestOptions): Promise<boolean> {
    return (await invoke(this.#pipeline, filesystemExists, { ids: this.#ids, params: { path } }, options)).exists;
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
    return invoke(this.#pipeline, filesystemTree, { ids: this.#ids, params: { ...params, path } }, options);
  }
}
