/**
 * Server-Sent Events (`text/event-stream`) over a body handed over by `invokeStream()`.
 * Parsing is eventsource-parser's (line endings, multi-line `data:`, comments, BOM, events split
 * across chunks); this module adds what an SDK needs around it: the body is pulled one chunk at a
 * time and only when the consumer asks, one event's size is bounded, and however iteration ends
 * (the consumer stops at an exit event, `break`s, throws, or the call is aborted) the body is
 * cancelled so the connection is released. Nothing here names an endpoint.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { Leap0MalformedResponseError, Leap0ResponseTooLargeError, Leap0ServerError } from "./errors";
import type { StreamedResponse } from "./pipeline";
import { decodeResponse } from "./validate";

/** One parsed event: `event` is `undefined` when the server named none (a plain message). */
export interface ServerSentEvent {
  /** The `event:` field, if the server sent one. */
  event: string | undefined;
  /** The `data:` lines, joined with `\n`. */
  data: string;
  /** The `id:` field, if any. */
  id: string | undefined;
}

/** How a stream is read. */
export interface EventStreamOptions {
  /** The operation's name, for error messages. */
  operation: string;
  /**
   * The most characters one event may take before it is complete. A server that never ends an
   * event must not make the SDK buffer without bound; the service caps a response at 10 MiB.
   */
  maxEventChars?: number;
}

/** Default bound on one event: the service's own response cap. */
export const DEFAULT_MAX_EVENT_CHARS = 10 * 1024 * 1024;

/**
 * The events of an event-stream body, in order, as an async generator. Ends when the body ends
 * (an unfinished event at the end is dropped, as the SSE standard says); errors of the body (the
 * pipeline's idle timeout, abort, closed client, broken connection) are thrown from the loop.
 * Leaving the loop early cancels the body.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  options: EventStreamOptions,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const limit = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // Events parsed from the current chunk; one chunk is bounded, so this is too.
  let pending: EventSourceMessage[] = [];
  let tooLarge = false;
  const parser = createParser({
    onEvent: (message) => {
      pending.push(message);
    },
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") tooLarge = true;
      // Unknown fields and bad `retry:` values are ignored, as a browser's EventSource does.
    },
    maxBufferSize: limit,
  });
  let drained = false;
  try {
    for (;;) {
      const ready = pending;
      pending = [];
      for (const m of ready) yield { event: m.event, data: m.data, id: m.id };
      if (tooLarge) {
        throw new Leap0ResponseTooLargeError(
          `${options.operation}: an event in the stream is larger than ${limit} characters; the stream was closed.`,
          limit,
          { operation: options.operation },
        );
      }
      const { done, value } = await reader.read();
      if (done) {
        drained = true;
        parser.feed(decoder.decode());
        for (const m of pending) yield { event: m.event, data: m.data, id: m.id };
        return;
      }
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    // Stopped before the end (exit event, break, error): release the connection now.
    if (!drained) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Parses an event's `data` as JSON; a server that sends something else gets a typed error,
 * quoting the start of the data after `redact` (the pipeline's: the key never reaches a message).
 */
export function eventJson(message: ServerSentEvent, operation: string, redact: (text: string) => string): unknown {
  try {
    return JSON.parse(message.data);
  } catch (cause) {
    const shown = redact(message.data.length > 200 ? `${message.data.slice(0, 200)}…` : message.data);
    throw new Leap0MalformedResponseError(
      `${operation}: malformed event in the stream: expected JSON data, got ${JSON.stringify(shown)}.`,
      { operation, cause },
    );
  }
}

/** What {@link jsonEvents} checks each event with: the spec's schema of one event. */
export interface EventSchema {
  /** The generated check of one event's JSON (`operation.result`, or the payload's own). */
  schema: () => Parameters<typeof decodeResponse>[0];
  /**
   * Fills in what the check cannot hold before it runs (e.g. an event kind given by name where
   * the contract numbers it); what it returns is checked, the event itself is yielded.
   */
  forCheck?: (event: Record<string, unknown>) => unknown;
}

/**
 * The events of a JSON event stream, the one reader every streaming facade uses: an
 * `event: error` frame ends it with a {@link Leap0ServerError} (its text redacted), every other
 * event's data is parsed as JSON and checked against the spec's schema of one event, so a
 * malformed event is a {@link Leap0MalformedResponseError} naming the field.
 */
export async function* jsonEvents(
  response: StreamedResponse,
  op: { name: string },
  check: EventSchema,
  redact: (text: string) => string,
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  for await (const message of readEventStream(response.body, { operation: op.name })) {
    if (message.event === "error") {
      throw new Leap0ServerError(`${op.name}: the stream reported an error: ${redact(message.data.slice(0, 500))}`, {
        operation: op.name,
        status: response.status,
      });
    }
    const data = eventJson(message, op.name, redact);
    const event = (data && typeof data === "object" && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
    decodeResponse(check.schema(), check.forCheck ? check.forCheck(event) : data, op);
    yield event;
  }
}
