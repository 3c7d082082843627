/**
 * The range-read engine behind every file read: a plan of ranges (one request when the file fits
 * in one, a `stat` overlapping the first when it may not), fetched one at a time as the reader
 * pulls, with the checks that the ranges belong to one version of the file.
 */
import { filesystemReadFile } from "../../../generated/operations";
import type { FileInfo, FilesystemReadFileParams } from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import {
  Leap0FileChangedError,
  Leap0FileTooLargeError,
  Leap0MalformedResponseError,
  Leap0ResponseTooLargeError,
} from "../../core/errors";
import { invokeStream } from "../../core/invoke";
import type { Pipeline, StreamedResponse } from "../../core/pipeline";
import { followSignal } from "../../core/signals";
import { READ_RANGE_BYTES } from "./defaults";
import { type ProgressListener, report } from "./file-transfer";

/** What the engine needs of a filesystem client: its pipeline, its sandbox and its `stat`. */
export interface FileReader {
  p: Pipeline;
  ids: { sandboxID: string };
  stat(path: string, options?: RequestOptions): Promise<FileInfo>;
}

/**
 * The stream of a read: ranges fetched one at a time as the consumer pulls, each chunk read
 * straight from its response (no per-chunk layer between the two streams).
 */
export async function readStream(
  fs: FileReader,
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
  const plan = readRanges(fs, path, range, calls);
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
    const res = await invokeStream(fs.p, filesystemReadFile, { ids: fs.ids, params }, calls);
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
export async function* readRanges(
  fs: FileReader,
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
  const rangeBytes = Math.min(READ_RANGE_BYTES, fs.p.maxResponseBytes);
  const start = range.offset ?? 0;
  const end = range.limit === undefined ? Number.POSITIVE_INFINITY : start + range.limit;
  let offset = start;
  // The file's size and mtime: asked for while the first range downloads, once it is known
  // to fill its range, and compared with a last stat if more ranges were needed.
  let first: Promise<FileInfo> | undefined;
  const askSize = () => {
    if (first) return;
    first = fs.stat(path, options);
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
    const now = await fs.stat(path, options);
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

export function overshoot(want: number, offset: number | undefined): Leap0MalformedResponseError {
  return new Leap0MalformedResponseError(
    `filesystemReadFile: malformed response: asked for at most ${want} bytes at offset ${offset ?? 0} and got more.`,
    { operation: filesystemReadFile.name },
  );
}

export function tooLarge(
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

export function fileTooLarge(
  path: string,
  limit: number,
  size: number | undefined,
  maxBytes: number,
): Leap0FileTooLargeError {
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
