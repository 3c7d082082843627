/**
 * What writes have in common: file modes, content as bytes or a stream, the service's size cap,
 * progress reports, and the counted upload that knows how much of a stream was sent.
 */
import { Leap0Error, Leap0ValidationError } from "../../core/errors";
import { MAX_UPLOAD_BYTES } from "./defaults";

// V8's longest string, in UTF-16 code units: a text read is held to it whatever maxBytes says.
export const MAX_STRING_LENGTH = 2 ** 29 - 24;

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
export const utf8 = new TextEncoder();

export function report(listener: ProgressListener | undefined, loaded: number, total: number | undefined): void {
  if (!listener) return;
  try {
    listener({ loaded, total });
  } catch {
    // A progress callback must not break the transfer.
  }
}

export function invalid(field: string, problem: string): Leap0ValidationError {
  return new Leap0ValidationError(`Invalid ${field}: ${field} ${problem}. Nothing was sent.`, {
    fieldErrors: [{ field, error: problem }],
  });
}

/** `"644"`, `"0644"` or `0o644` → the octal digits the service takes. */
export function modeString(mode: FileMode | null | undefined, field: string): string | null | undefined {
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

export function isStreamContent(c: unknown): c is ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> {
  return (
    (typeof ReadableStream !== "undefined" && c instanceof ReadableStream) ||
    (typeof c === "object" && c !== null && Symbol.asyncIterator in c)
  );
}

/** Buffered content as bytes or a Blob, with its size. */
export function buffered(content: BufferedContent, field: string): { body: Uint8Array | Blob; size: number } {
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

export function tooBig(field: string, size: number): Leap0ValidationError {
  return invalid(
    field,
    `is ${size} bytes, over the service's 10 MiB (${MAX_UPLOAD_BYTES} bytes) request limit; split it into files of at most that size`,
  );
}

export function concat(chunks: Uint8Array[], size: number): Uint8Array {
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
export function countedUpload(
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
      // A source fetch never pulled from (the connection failed first) has no iterator running;
      // a Node stream's async iterator is a generator, whose return() before its first next()
      // skips the cleanup that would close the stream: destroy it directly instead.
      const destroy = (source as { destroy?: unknown }).destroy;
      if (!taken && typeof destroy === "function") destroy.call(source);
      else await take().return?.();
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
export function partialWrite(error: unknown, path: string, sent: number, failure: unknown): unknown {
  // A transport that reads the whole body before sending (leap0/node) says it sent nothing.
  const reached = failure instanceof Leap0Error && failure.mayHaveSucceeded;
  if (sent === 0 || !reached || !(error instanceof Leap0Error)) return error;
  error.message = `${error.message.replace(/ Nothing was sent\.$/, "")} ${sent} bytes of the stream had been sent before the upload failed, so a partial file may remain at ${JSON.stringify(path)}: write it again, or delete it.`;
  Object.defineProperty(error, "mayHaveSucceeded", { value: true, enumerable: true, configurable: true });
  return error;
}

export function readerIterator(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    return: async () => {
      await reader.cancel().catch(() => {});
      return { done: true, value: undefined };
    },
  };
}
