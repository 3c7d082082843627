import {
  clickPointer,
  deleteRecording,
  desktopHealth,
  downloadRecording,
  dragPointer,
  getDisplayInfo,
  getPointerPosition,
  getProcessErrors,
  getProcessInfo,
  getProcessLogs,
  getProcessStatus,
  getRecording,
  getRecordingStatus,
  getScreen,
  hotkey,
  listRecordings,
  listWindows,
  movePointer,
  pressKey,
  resizeScreen,
  restartProcess,
  screenshot,
  screenshotRegion,
  scrollPointer,
  startRecording,
  stopRecording,
  streamProcessStatus,
  typeText,
} from "../../../generated/operations";
import type {
  ClickPointerParams,
  DesktopHealthResponse,
  DisplayInfo,
  DragPointerParams,
  ErrorLogResponse,
  LogResponse,
  MovePointerParams,
  PointerPosition,
  ProcessInfo,
  ProcessStatusResponse,
  RecordingStatus,
  RecordingSummary,
  ResizeScreenParams,
  RestartResponse,
  ScreenState,
  ScreenshotParams,
  ScreenshotRegionParams,
  ScrollPointerParams,
  WindowInfo,
} from "../../../generated/types";
import type { RequestOptions } from "../../core/config";
import {
  Leap0AbortError,
  Leap0ConnectionError,
  Leap0Error,
  Leap0MalformedResponseError,
  Leap0ServerError,
  Leap0TimeoutError,
  Leap0ValidationError,
} from "../../core/errors";
import { jsonEvents } from "../../core/event-stream";
import { invokeUrl } from "../../core/hosts";
import { type CallInput, invoke, invokeStream } from "../../core/invoke";
import { fromWire } from "../../core/keys";
import type { Pipeline } from "../../core/pipeline";
import { poll } from "../../core/poll";
import { refId } from "../refs";

/** A desktop process that can be inspected and restarted: `xvfb`, `xfce4`, `x11vnc` or `novnc`. */
export type DesktopProcessName = "xvfb" | "xfce4" | "x11vnc" | "novnc" | (string & {});

/** A recording's id, or the recording itself (as listed or fetched). */
export type RecordingRef =
  | string
  | {
      /** The recording's id. */
      readonly id?: string;
    };

/** How {@link DesktopClient.downloadRecording} hands the file over. */
export interface DownloadRecordingOptions {
  /**
   * `bytes` (the default) reads the whole file, refused above the client's `maxResponseBytes`;
   * `stream` hands the body over as it arrives, for files of any size.
   */
  format?: "bytes" | "stream";
}

/** How long {@link DesktopClient.waitUntilReady} waits. */
export interface WaitUntilReadyParams {
  /** Seconds to wait in all; 60 unless given. */
  timeout?: number;
}
/** @deprecated Use {@link WaitUntilReadyParams}; this name goes in 1.0. */
export type WaitUntilReadyOptions = WaitUntilReadyParams;

const READY_TIMEOUT_SECONDS = 60;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;

function isReady(s: ProcessStatusResponse): boolean {
  return s.status === "running" || (s.total > 0 && s.running >= s.total);
}

/** Failures that say the desktop is not up yet, rather than that waiting cannot help. */
function worthWaiting(e: unknown): boolean {
  if (e instanceof Leap0TimeoutError || e instanceof Leap0ConnectionError || e instanceof Leap0MalformedResponseError)
    return true;
  if (!(e instanceof Leap0Error)) return false;
  const status = e.status;
  if (status === undefined) return false;
  // 404 and 5xx while the sandbox's proxy or the control server comes up.
  return status === 404 || status === 408 || status === 429 || status >= 500;
}

/**
 * The desktop served inside the sandbox: display, screenshots, pointer and keyboard, windows,
 * screen recordings and the desktop's own processes. Reached as `sandbox.desktop`, created on
 * first use. Needs a sandbox from {@link DEFAULT_DESKTOP_TEMPLATE_NAME}.
 */
export class DesktopClient {
  readonly #pipeline: Pipeline;
  readonly #sandboxId: string;

  /** @internal Created by the {@link Sandbox} handle. */
  constructor(pipeline: Pipeline, sandboxId: string) {
    this.#pipeline = pipeline;
    this.#sandboxId = sandboxId;
  }

  /**
   * The URL that opens the desktop (noVNC) in a browser.
   *
   * @returns The URL; nothing is requested.
   * @throws {@link Leap0ValidationError} when the sandbox id cannot be used in a host name.
   */
  desktopUrl(): string {
    return invokeUrl(this.#pipeline.hosts, this.#sandboxId, "/");
  }

  /**
   * Whether the desktop's control server runs (`{ ok: true }`).
   *
   * @returns The control server's `{ ok }` answer.
   */
  health(options?: RequestOptions): Promise<DesktopHealthResponse> {
    return invoke(this.#pipeline, desktopHealth, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * Waits until every desktop process runs, polling its status with a growing pause (never past
   * the timeout). Failures that mean "not up yet" (connection refused, 404, 5xx, a slow answer)
   * are waited out; others (a wrong key) are thrown at once. Throws `Leap0TimeoutError` when the
   * time is up, `Leap0AbortError` when `options.signal` is aborted.
   *
   * @param params - seconds to wait in all (60 when omitted), as a number or `{ timeout }`
   * @param options - per-call options: timeout (seconds, per poll), signal, maxRetries, headers, fetchOptions
   * @returns Resolves once every desktop process runs.
   * @throws {@link Leap0ValidationError} when the wait's timeout is not a positive number of seconds (nothing is sent).
   * @throws {@link Leap0TimeoutError} when the desktop is not ready in time; {@link Leap0AbortError} when `options.signal` fires.
   * @throws {@link Leap0AuthenticationError} (or another error that waiting cannot cure) at once.
   */
  async waitUntilReady(params: WaitUntilReadyParams | number = {}, options?: RequestOptions): Promise<void> {
    const seconds = typeof params === "number" ? params : (params.timeout ?? READY_TIMEOUT_SECONDS);
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
      throw new Leap0ValidationError("Invalid timeout: must be a positive number of seconds. Nothing was sent.", {
        fieldErrors: [{ field: "timeout", error: "must be a positive number of seconds" }],
      });
    }
    let last = "no answer yet";
    await poll(
      {
        operation: "waitUntilReady",
        timeoutMs: seconds * 1000,
        firstDelayMs: FIRST_DELAY_MS,
        maxDelayMs: MAX_DELAY_MS,
        signal: options?.signal,
        pipeline: this.#pipeline,
        seen: last,
        timedOut: (seen) => `The desktop was not ready within ${seconds} s (last: ${seen}).`,
        aborted: "waitUntilReady: aborted by the caller's signal.",
        closed: "waitUntilReady: the client was closed.",
      },
      async ({ remainingMs, signal }) => {
        const perCall = Math.min(remainingMs / 1000, options?.timeout ?? Number.POSITIVE_INFINITY);
        try {
          const status = await invoke(
            this.#pipeline,
            getProcessStatus,
            { sandboxId: this.#sandboxId },
            { ...options, signal, timeout: perCall, maxRetries: 0 },
          );
          if (isReady(status)) return { done: true };
          last = `status ${JSON.stringify(status.status)}, ${status.running} of ${status.total} processes running`;
        } catch (e) {
          // Ended by the wait itself (its deadline, the signal, close()): the loop says so.
          if (signal.aborted || !worthWaiting(e)) throw e;
          // A poll whose own timeout was the rest of the wait says nothing about the desktop:
          // what the last answer said stays what a timeout reports.
          const cutByDeadline = e instanceof Leap0TimeoutError && perCall * 1000 >= remainingMs;
          if (!cutByDeadline || last === "no answer yet") last = (e as Error).message;
        }
        return { done: false, seen: last };
      },
    );
  }

  /**
   * The X display's name and resolution.
   *
   * @returns The display's name and resolution.
   */
  displayInfo(options?: RequestOptions): Promise<DisplayInfo> {
    return invoke(this.#pipeline, getDisplayInfo, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * The virtual screen's current size.
   *
   * @returns The screen's width and height.
   */
  screen(options?: RequestOptions): Promise<ScreenState> {
    return invoke(this.#pipeline, getScreen, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * Changes the screen resolution (width 320–7680, height 320–4320); answers the new size.
   *
   * @param params - the new `width` and `height`
   * @returns The screen's new size.
   * @throws {@link Leap0ValidationError} when the size is out of range (nothing is sent).
   */
  resizeScreen(params: ResizeScreenParams, options?: RequestOptions): Promise<ScreenState> {
    return invoke(this.#pipeline, resizeScreen, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * The open windows, with position, size, title and focus.
   *
   * @returns The open windows.
   */
  async windows(options?: RequestOptions): Promise<WindowInfo[]> {
    return (await invoke(this.#pipeline, listWindows, { sandboxId: this.#sandboxId }, options)).items;
  }

  /**
   * The whole screen (or the region given by `x`, `y`, `width`, `height`) as image bytes: PNG
   * unless `format` says `jpg`/`jpeg` (then `quality` 1–100 applies).
   *
   * @param params - optional region (`x`, `y`, `width`, `height`), `format` and `quality`
   * @returns The image's bytes.
   */
  screenshot(params: ScreenshotParams = {}, options?: RequestOptions): Promise<Uint8Array> {
    return invoke(this.#pipeline, screenshot, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * One rectangle of the screen as image bytes (PNG unless `format` says otherwise).
   *
   * @param params - the region (`x`, `y`, `width`, `height`), and optionally `format` and `quality`
   * @returns The image's bytes.
   */
  screenshotRegion(params: ScreenshotRegionParams, options?: RequestOptions): Promise<Uint8Array> {
    return invoke(this.#pipeline, screenshotRegion, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * Where the pointer is.
   *
   * @returns The pointer's `x` and `y`.
   */
  pointerPosition(options?: RequestOptions): Promise<PointerPosition> {
    return invoke(this.#pipeline, getPointerPosition, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * Moves the pointer to `(x, y)`: `movePointer(100, 200)`. Answers the new position.
   *
   * @param x - the column, from the left edge
   * @param y - the row, from the top edge
   * @returns The pointer's new position.
   * @throws {@link Leap0ValidationError} when the position is not usable (nothing is sent).
   */
  movePointer(x: number, y: number, options?: RequestOptions): Promise<PointerPosition>;
  /**
   * Moves the pointer: `movePointer({ x, y })`. Answers the new position.
   */
  movePointer(params: MovePointerParams, options?: RequestOptions): Promise<PointerPosition>;
  movePointer(
    first: number | MovePointerParams,
    second?: number | RequestOptions,
    third?: RequestOptions,
  ): Promise<PointerPosition> {
    const [params, options] =
      typeof first === "object" && first !== null
        ? [first, second as RequestOptions | undefined]
        : [{ x: first, y: second as number }, third];
    return invoke(this.#pipeline, movePointer, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * Clicks `button` (1 left, the default; 2 middle; 3 right) where the pointer is, or at `x`, `y`.
   *
   * @param params - optional `button`, `x`, `y`
   * @returns The pointer's position after the click.
   */
  click(params: ClickPointerParams = {}, options?: RequestOptions): Promise<PointerPosition> {
    return invoke(this.#pipeline, clickPointer, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * Presses at `(fromX, fromY)`, moves to `(toX, toY)` and releases there.
   *
   * @param params - `fromX`, `fromY`, `toX`, `toY` (and optionally the button)
   * @returns The pointer's position after the drag.
   */
  drag(params: DragPointerParams, options?: RequestOptions): Promise<PointerPosition> {
    return invoke(this.#pipeline, dragPointer, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * Scrolls `amount` steps (1–100, default 1) `up`, `down`, `left` or `right` where the pointer is.
   *
   * @param params - `direction` and optionally `amount`
   * @returns The pointer's position.
   */
  scroll(params: ScrollPointerParams, options?: RequestOptions): Promise<PointerPosition> {
    return invoke(this.#pipeline, scrollPointer, { sandboxId: this.#sandboxId, params }, options);
  }

  /**
   * Types text as if on the keyboard (at most 50,000 characters); true on success.
   *
   * @param text - the text, or `{ text }`
   * @returns True when the desktop typed it.
   * @throws {@link Leap0ValidationError} when the text is missing or too long (nothing is sent).
   */
  async typeText(text: string | { text: string }, options?: RequestOptions): Promise<boolean> {
    const params = typeof text === "string" ? { text } : text;
    return (await invoke(this.#pipeline, typeText, { sandboxId: this.#sandboxId, params }, options)).ok;
  }

  /**
   * Presses and releases one key, by X11 keysym name (`Return`, `Escape`, `Tab`); true on success.
   *
   * @param key - the keysym name, or `{ key }`
   * @returns True when the desktop pressed it.
   * @throws {@link Leap0ValidationError} when the key is missing (nothing is sent).
   */
  async pressKey(key: string | { key: string }, options?: RequestOptions): Promise<boolean> {
    const params = typeof key === "string" ? { key } : key;
    return (await invoke(this.#pipeline, pressKey, { sandboxId: this.#sandboxId, params }, options)).ok;
  }

  /**
   * Presses 1–10 keys together, e.g. `["ctrl", "l"]`; true on success.
   *
   * @param keys - the keys, or `{ keys }`
   * @returns True when the desktop pressed them.
   * @throws {@link Leap0ValidationError} when there are no keys or more than 10 (nothing is sent).
   */
  async hotkey(keys: readonly string[] | { keys: readonly string[] }, options?: RequestOptions): Promise<boolean> {
    const params = Array.isArray(keys) ? { keys: [...keys] } : { ...(keys as { keys: string[] }) };
    return (await invoke(this.#pipeline, hotkey, { sandboxId: this.#sandboxId, params }, options)).ok;
  }

  /**
   * The running recording's state, or the last one's.
   *
   * @returns The recording's state.
   */
  recordingStatus(options?: RequestOptions): Promise<RecordingStatus> {
    return invoke(this.#pipeline, getRecordingStatus, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * Starts recording the screen to MP4; only one recording runs at a time.
   *
   * @returns The new recording's state.
   * @throws {@link Leap0ConflictError} when a recording already runs.
   */
  startRecording(options?: RequestOptions): Promise<RecordingStatus> {
    return invoke(this.#pipeline, startRecording, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * Stops the running recording and keeps its file.
   *
   * @returns The stopped recording's state.
   * @throws {@link Leap0ConflictError} when no recording runs.
   */
  stopRecording(options?: RequestOptions): Promise<RecordingStatus> {
    return invoke(this.#pipeline, stopRecording, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * Every saved recording.
   *
   * @returns The saved recordings.
   */
  async recordings(options?: RequestOptions): Promise<RecordingSummary[]> {
    return (await invoke(this.#pipeline, listRecordings, { sandboxId: this.#sandboxId }, options)).items;
  }

  /**
   * One saved recording's file name, size and download path.
   *
   * @param recording - the recording's id, or the recording itself
   * @returns The recording.
   * @throws {@link Leap0ValidationError} when `recording` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the recording does not exist.
   */
  getRecording(recording: RecordingRef, options?: RequestOptions): Promise<RecordingSummary> {
    return invoke(this.#pipeline, getRecording, this.#recording(recording), options);
  }

  /**
   * Deletes a saved recording; a running one must be stopped first.
   *
   * @param recording - the recording's id, or the recording itself
   * @returns Resolves once the recording is deleted.
   * @throws {@link Leap0ValidationError} when `recording` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the recording does not exist.
   * @throws {@link Leap0ConflictError} when the recording is still running.
   */
  deleteRecording(recording: RecordingRef, options?: RequestOptions): Promise<void> {
    return invoke(this.#pipeline, deleteRecording, this.#recording(recording), options);
  }

  /**
   * A recording's MP4 file. As bytes by default, read only up to the client's `maxResponseBytes`
   * (a larger file is refused, never buffered); with `{ format: "stream" }` as a
   * `ReadableStream` that arrives as it is read, under the call's idle timeout. A stream not read
   * to its end must be cancelled (`stream.cancel()`) to release the connection.
   *
   * @param recording - the recording's id, or the recording itself
   * @returns The file's bytes.
   * @throws {@link Leap0ValidationError} when `recording` is not a usable id (nothing is sent).
   * @throws {@link Leap0NotFoundError} when the recording does not exist.
   * @throws {@link Leap0ResponseTooLargeError} when the file is larger than the client's `maxResponseBytes`.
   */
  downloadRecording(recording: RecordingRef, options?: RequestOptions): Promise<Uint8Array>;
  /**
   * A recording's MP4 file as a `ReadableStream` (`{ format: "stream" }`), for files of any size.
   * Cancel a stream not read to its end (`stream.cancel()`) to release the connection.
   */
  downloadRecording(
    recording: RecordingRef,
    how: { format: "stream" },
    options?: RequestOptions,
  ): Promise<ReadableStream<Uint8Array>>;
  /**
   * A recording's MP4 file, as bytes or a stream as `how.format` says (`bytes` when omitted).
   */
  downloadRecording(
    recording: RecordingRef,
    how: DownloadRecordingOptions,
    options?: RequestOptions,
  ): Promise<Uint8Array | ReadableStream<Uint8Array>>;
  async downloadRecording(
    recording: RecordingRef,
    second?: DownloadRecordingOptions | RequestOptions,
    third?: RequestOptions,
  ): Promise<Uint8Array | ReadableStream<Uint8Array>> {
    const how = second && "format" in second ? (second as DownloadRecordingOptions) : undefined;
    const options = how ? third : (second as RequestOptions | undefined);
    const format = how?.format ?? "bytes";
    if (format !== "bytes" && format !== "stream") {
      throw new Leap0ValidationError('Invalid format: must be "bytes" or "stream". Nothing was sent.', {
        fieldErrors: [{ field: "format", error: 'must be "bytes" or "stream"' }],
      });
    }
    const input = this.#recording(recording);
    if (format === "bytes") return invoke(this.#pipeline, downloadRecording, input, options);
    return (await invokeStream(this.#pipeline, downloadRecording, input, options)).body;
  }

  /**
   * Every desktop process and whether it runs (`running`, `degraded` or `stopped` overall).
   *
   * @returns The overall status and each process's.
   */
  processStatus(options?: RequestOptions): Promise<ProcessStatusResponse> {
    return invoke(this.#pipeline, getProcessStatus, { sandboxId: this.#sandboxId }, options);
  }

  /**
   * The process status as it changes: one on connect, one on every change, and a heartbeat every
   * 2 seconds. The stream does not end by itself: `break` out of the loop (or abort
   * `options.signal`) to stop, which releases the connection. The call's `timeout` applies to
   * each silence between events. A server-side error event is thrown as `Leap0ServerError`.
   *
   * @returns An async generator of statuses; it ends only when you stop reading.
   * @throws {@link Leap0ServerError} when the stream reports an error event.
   * @throws {@link Leap0MalformedResponseError} when an event cannot be read.
   */
  async *statusStream(options?: RequestOptions): AsyncGenerator<ProcessStatusResponse, void, undefined> {
    const op = streamProcessStatus;
    const response = await invokeStream(this.#pipeline, op, { sandboxId: this.#sandboxId }, options);
    // Each event is what processStatus answers: checked and mapped by its generated facts.
    const events = jsonEvents(response, op, { schema: getProcessStatus.result }, (t) => this.#pipeline.redact(t));
    for await (const data of events) yield fromWire(data, getProcessStatus.resultKeys) as ProcessStatusResponse;
  }

  /**
   * One desktop process: whether it runs, its pid and where its logs are.
   *
   * @param name - the process (`xvfb`, `xfce4`, `x11vnc` or `novnc`)
   * @returns The process's state, pid and log paths.
   * @throws {@link Leap0ValidationError} when `name` is not a usable process name (nothing is sent).
   */
  getProcess(name: DesktopProcessName, options?: RequestOptions): Promise<ProcessInfo> {
    return invoke(this.#pipeline, getProcessInfo, this.#process(name), options);
  }

  /**
   * Restarts one desktop process (e.g. `xfce4` after a hang).
   *
   * @param name - the process (`xvfb`, `xfce4`, `x11vnc` or `novnc`)
   * @returns The service's answer to the restart.
   * @throws {@link Leap0ValidationError} when `name` is not a usable process name (nothing is sent).
   */
  restartProcess(name: DesktopProcessName, options?: RequestOptions): Promise<RestartResponse> {
    return invoke(this.#pipeline, restartProcess, this.#process(name), options);
  }

  /**
   * One desktop process's output log.
   *
   * @param name - the process (`xvfb`, `xfce4`, `x11vnc` or `novnc`)
   * @returns The process's output log.
   * @throws {@link Leap0ValidationError} when `name` is not a usable process name (nothing is sent).
   */
  processLogs(name: DesktopProcessName, options?: RequestOptions): Promise<LogResponse> {
    return invoke(this.#pipeline, getProcessLogs, this.#process(name), options);
  }

  /**
   * One desktop process's error log.
   *
   * @param name - the process (`xvfb`, `xfce4`, `x11vnc` or `novnc`)
   * @returns The process's error log.
   * @throws {@link Leap0ValidationError} when `name` is not a usable process name (nothing is sent).
   */
  processErrors(name: DesktopProcessName, options?: RequestOptions): Promise<ErrorLogResponse> {
    return invoke(this.#pipeline, getProcessErrors, this.#process(name), options);
  }

  #recording(recording: RecordingRef): CallInput {
    return { sandboxId: this.#sandboxId, ids: { recordingID: refId(recording as string, "recording id") } };
  }

  #process(name: DesktopProcessName): CallInput {
    return { sandboxId: this.#sandboxId, ids: { processName: refId(name, "process name") } };
  }
}
