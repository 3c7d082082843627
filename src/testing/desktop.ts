/**
 * The desktop API a desktop sandbox serves on its own host (28 operations): state an agent's
 * loop can rely on (the screen has a size, the pointer moves with move, click and drag,
 * recordings start, stop, list, download and delete), screenshots that are real images of the
 * size asked for, and handlers for what the mock cannot know (windows, processes, the image).
 * Key presses and typed text change nothing here; they are in `mock.calls`.
 */
import { empty, invalid, json, refuse } from "./answers";
import { type Handler, runningSandbox } from "./control";
import { type CommandPolicy, handlerOf } from "./process";
import { perSandbox, type SandboxRecord } from "./world";

/** What a test may supply for the desktop (all optional; contract-valid defaults otherwise). */
export interface DesktopFixtures {
  /** The image a screenshot returns, for the region and format asked (default: a plain image of that size). */
  screenshot?(request: ScreenshotRequest): Uint8Array | Promise<Uint8Array>;
  /** The open windows, as the SDK names their fields (default: one focused terminal window). */
  windows?(sandboxId: string): Record<string, unknown>[] | Promise<Record<string, unknown>[]>;
  /** The desktop's processes, as the SDK names their fields (default: xvfb, xfce4, x11vnc and novnc, running). */
  processes?(sandboxId: string): Record<string, unknown>[] | Promise<Record<string, unknown>[]>;
}

/** What a screenshot was asked for. */
export interface ScreenshotRequest {
  /** The sandbox whose screen it is. */
  sandboxId: string;
  /** Left edge of the region, in pixels. */
  x: number;
  /** Top edge of the region, in pixels. */
  y: number;
  /** Width of the image, in pixels. */
  width: number;
  /** Height of the image, in pixels. */
  height: number;
  /** `png` or `jpeg`. */
  format: "png" | "jpeg";
  /** JPEG quality, when asked for. */
  quality: number | undefined;
}

/** A desktop handler: made by {@link desktop}, given to `createMockLeap0({ handlers })` or `mock.use()`. */
export interface DesktopHandler extends DesktopFixtures {
  /** What kind of handler this is. */
  readonly kind: "desktop";
}

/**
 * A handler that supplies the desktop's windows, processes or screenshots (see {@link DesktopFixtures});
 * each comes from the newest desktop handler that supplies it, so handlers can be layered.
 */
export function desktop(fixtures: DesktopFixtures): DesktopHandler {
  return { kind: "desktop", ...fixtures };
}

// ── Images: the smallest valid encoders, so a test can decode what it gets ──

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat([ascii(type), data]);
  return concat([u32(data.length), body, u32(crc32(body))]);
}

/** A black PNG (1-bit greyscale) of `width` × `height`, its pixels in stored (uncompressed) deflate blocks. */
function png(width: number, height: number): Uint8Array {
  const raw = new Uint8Array((Math.ceil(width / 8) + 1) * height); // each row: filter byte 0, then zero bits
  const blocks: Uint8Array[] = [new Uint8Array([0x78, 0x01])];
  for (let at = 0; at < raw.length || at === 0; at += 65535) {
    const len = Math.min(65535, raw.length - at);
    const last = at + len >= raw.length ? 1 : 0;
    blocks.push(
      new Uint8Array([last, len & 255, len >>> 8, ~len & 255, (~len >>> 8) & 255]),
      raw.subarray(at, at + len),
    );
    if (last) break;
  }
  let a = 1;
  let b = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  blocks.push(u32(((b << 16) | a) >>> 0));
  const header = concat([u32(width), u32(height), new Uint8Array([1, 0, 0, 0, 0])]);
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", concat(blocks)),
    pngChunk("IEND", new Uint8Array()),
  ]);
}

/**
 * A mid-grey baseline JPEG of `width` × `height`: one component, each 8×8 block a DC difference
 * of 0 and an end-of-block, with Huffman tables holding just those two codes (one bit each).
 */
function jpeg(width: number, height: number): Uint8Array {
  const segment = (marker: number, data: number[]) => [
    0xff,
    marker,
    (data.length + 2) >> 8,
    (data.length + 2) & 255,
    ...data,
  ];
  const oneCode = (tableClass: number) => [tableClass << 4, 1, ...new Array(15).fill(0), 0];
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = blocks * 2;
  const scan = new Uint8Array(Math.ceil(bits / 8));
  // The last byte's unused bits are padded with ones, as the standard asks (never 0xFF: bits >= 2).
  if (bits % 8) scan[scan.length - 1] = (1 << (8 - (bits % 8))) - 1;
  return concat([
    new Uint8Array([0xff, 0xd8]),
    new Uint8Array(segment(0xdb, [0, ...new Array(64).fill(1)])),
    new Uint8Array(segment(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0])),
    new Uint8Array(segment(0xc4, [...oneCode(0), ...oneCode(1)])),
    new Uint8Array(segment(0xda, [1, 1, 0, 0, 63, 0])),
    scan,
    new Uint8Array([0xff, 0xd9]),
  ]);
}

/** A tiny MP4 (an `ftyp` box and an empty `mdat`): what a downloaded recording holds. */
const MP4 = concat([u32(24), ascii("ftypisom"), u32(0x200), ascii("isommp41"), u32(8), ascii("mdat")]);

// ── State ──

interface Recording {
  id: string;
  startedAt: string;
  stoppedAt: string | undefined;
  resolution: string;
}

/** One sandbox's desktop: what the calls change and later calls see. */
interface DesktopState {
  width: number;
  height: number;
  /** The pointer. */
  x: number;
  y: number;
  recordings: Map<string, Recording>;
  /** The recording running now, and the one started last (what the status answers when none runs). */
  active: string | undefined;
  last: string | undefined;
  /** The number in the newest recording id: ids follow the clock and never repeat in a sandbox. */
  lastNumber: number;
  /** Restarts by process name (a restarted process gets a new pid). */
  restarts: Map<string, number>;
}

const DISPLAY = ":0";
const PROCESSES = ["xvfb", "xfce4", "x11vnc", "novnc"];
const HEARTBEAT_MS = 2000;

const stateOf = perSandbox(
  (): DesktopState => ({
    width: 1440,
    height: 900,
    x: 720,
    y: 450,
    recordings: new Map(),
    active: undefined,
    last: undefined,
    lastNumber: 0,
    restarts: new Map(),
  }),
);

/** A handler's fields, named as the SDK names them, under their wire names. */
const snake = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

const num = (v: unknown) => (typeof v === "number" ? v : 0);
const screen = (d: DesktopState) => json(200, { display: DISPLAY, width: d.width, height: d.height });

/** Puts the pointer at (`x`, `y`) where given, kept on the screen, and answers where it is. */
function pointer(d: DesktopState, x?: unknown, y?: unknown): Response {
  if (typeof x === "number") d.x = Math.min(Math.max(0, x), d.width - 1);
  if (typeof y === "number") d.y = Math.min(Math.max(0, y), d.height - 1);
  return json(200, { x: d.x, y: d.y });
}

/** A `RecordingStatus`, as start, stop and the status call answer it. */
function recordingStatus(r: Recording, d: DesktopState): Record<string, unknown> {
  return {
    id: r.id,
    active: r.id === d.active,
    started_at: r.startedAt,
    ...(r.stoppedAt ? { stopped_at: r.stoppedAt } : {}),
    download: `/api/recordings/${r.id}/download`,
    mime_type: "video/mp4",
    file_name: `${r.id}.mp4`,
    display: DISPLAY,
    resolution: r.resolution,
  };
}

/** A `RecordingSummary`, as list and get answer it. */
function recordingSummary(r: Recording, d: DesktopState): Record<string, unknown> {
  return {
    id: r.id,
    file_name: `${r.id}.mp4`,
    download: `/api/recordings/${r.id}/download`,
    mime_type: "video/mp4",
    size_bytes: MP4.length,
    created_at: r.startedAt,
    active: r.id === d.active,
  };
}

/** The recording the call names, or the contract's 404. */
function recordingOf(d: DesktopState, id: string | undefined): Recording {
  const r = d.recordings.get(id ?? "");
  if (!r) refuse(404, `recording ${JSON.stringify(id)} not found`);
  return r;
}

/**
 * The screenshot's region, or the contract's 400 when it does not fit the screen. Width and
 * height both 0 (or both left out) mean the whole screen, as the contract says.
 */
function region(d: DesktopState, p: Record<string, unknown>) {
  if (!p.width && !p.height) return { x: 0, y: 0, width: d.width, height: d.height };
  const [x, y, width, height] = [num(p.x), num(p.y), num(p.width), num(p.height)];
  const errors: { field: string; error: string }[] = [];
  if (x + width > d.width) {
    errors.push({ field: x >= d.width ? "x" : "width", error: `${x} + ${width} is past the screen's ${d.width} px` });
  }
  if (y + height > d.height) {
    errors.push({
      field: y >= d.height ? "y" : "height",
      error: `${y} + ${height} is past the screen's ${d.height} px`,
    });
  }
  return errors.length ? errors : { x, y, width, height };
}

/** The desktop operations, by operationId, given the mock's handlers. */
export function desktopHandlers(policy: CommandPolicy): Record<string, Handler> {
  /** The newest desktop handler that supplies `what` (an older one may supply the rest). */
  const fixtures = (what: keyof DesktopFixtures) =>
    handlerOf<DesktopHandler>(policy, "desktop", (h) => typeof h[what] === "function");
  /** The sandbox and its desktop state, for a call that needs it running. */
  const desk = (...a: Parameters<Handler>): [SandboxRecord, DesktopState] => {
    const s = runningSandbox(...a);
    return [s, stateOf(s)];
  };

  const processes = async (s: SandboxRecord, d: DesktopState) => {
    const given = await fixtures("processes")?.processes?.(s.id);
    if (given) return given.map(snake);
    return PROCESSES.map((name, i) => ({
      name,
      running: true,
      pid: 100 + i + 1000 * (d.restarts.get(name) ?? 0),
      stdout_log: `/var/log/desktop/${name}.log`,
      stderr_log: `/var/log/desktop/${name}.err.log`,
    }));
  };
  const processStatus = async (s: SandboxRecord, d: DesktopState) => {
    const items = await processes(s, d);
    const running = items.filter((p) => p.running === true).length;
    const status = running === 0 ? "stopped" : running === items.length ? "running" : "degraded";
    return { status, items, running, total: items.length };
  };
  /** Answers for the process the call names, or the contract's 400 when the desktop has none by that name. */
  const withProcess =
    (answer: (p: { s: SandboxRecord; d: DesktopState; name: string }) => Promise<Response>): Handler =>
    async (...a) => {
      const [s, d] = desk(...a);
      const name = String(a[0].path.processName);
      const names = (await processes(s, d)).map((p) => p.name);
      if (names.includes(name)) return answer({ s, d, name });
      const error = `is not one of the desktop's processes (${names.join(", ")})`;
      return json(400, { message: "Invalid request", errors: [{ field: "processName", error }] });
    };
  const processInfo = async (s: SandboxRecord, d: DesktopState, name: string) =>
    (await processes(s, d)).find((p) => p.name === name);
  const shot = async (s: SandboxRecord, d: DesktopState, p: Record<string, unknown>) => {
    const r = region(d, p);
    if (Array.isArray(r)) return invalid(r);
    const format = p.format === "jpg" || p.format === "jpeg" ? "jpeg" : "png";
    const quality = typeof p.quality === "number" ? p.quality : undefined;
    const given = fixtures("screenshot");
    const bytes = given?.screenshot
      ? await given.screenshot({ sandboxId: s.id, ...r, format, quality })
      : format === "png"
        ? png(r.width, r.height)
        : jpeg(r.width, r.height);
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { "content-type": `image/${format}` },
    });
  };
  /** `{ ok: true }` once the call's sandbox runs (keys and typed text change nothing here; see `mock.calls`). */
  const ok: Handler = (...a) => {
    desk(...a);
    return json(200, { ok: true });
  };

  return {
    desktopHealth: ok,
    getDisplayInfo: (...a) => screen(desk(...a)[1]),
    getScreen: (...a) => screen(desk(...a)[1]),
    resizeScreen: (...a) => {
      const [, d] = desk(...a);
      d.width = num(a[0].params.width);
      d.height = num(a[0].params.height);
      pointer(d, d.x, d.y); // the pointer stays on the smaller screen
      return screen(d);
    },
    listWindows: async (...a) => {
      const [s, d] = desk(...a);
      const given = await fixtures("windows")?.windows?.(s.id);
      const items = given?.map(snake) ?? [
        {
          id: "0x04000007",
          desktop: 0,
          pid: 1234,
          x: 0,
          y: 0,
          width: d.width,
          height: d.height,
          class: "Xfce4-terminal.Xfce4-terminal",
          host: "sandbox",
          title: "Terminal",
          focused: true,
        },
      ];
      return json(200, { items });
    },
    screenshot: (...a) => shot(...desk(...a), a[0].params),
    screenshotRegion: (...a) => shot(...desk(...a), a[0].params),
    getPointerPosition: (...a) => pointer(desk(...a)[1]),
    movePointer: (...a) => pointer(desk(...a)[1], a[0].params.x, a[0].params.y),
    clickPointer: (...a) => pointer(desk(...a)[1], a[0].params.x, a[0].params.y),
    dragPointer: (...a) => pointer(desk(...a)[1], a[0].params.toX, a[0].params.toY),
    scrollPointer: (...a) => pointer(desk(...a)[1]),
    typeText: ok,
    pressKey: ok,
    hotkey: ok,

    getRecordingStatus: (...a) => {
      const [, d] = desk(...a);
      const r = d.recordings.get(d.active ?? d.last ?? "");
      return json(200, r ? recordingStatus(r, d) : { active: false });
    },
    startRecording: (...a) => {
      const [, d] = desk(...a);
      if (d.active) refuse(409, `recording ${d.active} is already running`);
      d.lastNumber = Math.max(a[1].now(), d.lastNumber + 1);
      const r: Recording = {
        id: `rec_${d.lastNumber}`,
        startedAt: a[1].iso(),
        stoppedAt: undefined,
        resolution: `${d.width}x${d.height}`,
      };
      d.recordings.set(r.id, r);
      d.active = d.last = r.id;
      return json(201, recordingStatus(r, d));
    },
    stopRecording: (...a) => {
      const [, d] = desk(...a);
      if (!d.active) refuse(409, "no recording is running");
      const r = recordingOf(d, d.active);
      r.stoppedAt = a[1].iso();
      d.active = undefined;
      return json(200, recordingStatus(r, d));
    },
    listRecordings: (...a) => {
      const [, d] = desk(...a);
      return json(200, { items: [...d.recordings.values()].map((r) => recordingSummary(r, d)) });
    },
    getRecording: (...a) => {
      const [, d] = desk(...a);
      return json(200, recordingSummary(recordingOf(d, a[0].path.recordingID), d));
    },
    deleteRecording: (...a) => {
      const [, d] = desk(...a);
      const r = recordingOf(d, a[0].path.recordingID);
      if (r.id === d.active) refuse(409, `recording ${r.id} is still running; stop it first`);
      d.recordings.delete(r.id);
      return empty();
    },
    downloadRecording: (...a) => {
      recordingOf(desk(...a)[1], a[0].path.recordingID);
      return new Response(MP4 as Uint8Array<ArrayBuffer>, { status: 200, headers: { "content-type": "video/mp4" } });
    },

    getProcessStatus: async (...a) => json(200, await processStatus(...desk(...a))),
    streamProcessStatus: (...a) => {
      const [s, d] = desk(...a);
      const encoder = new TextEncoder();
      let sent = false;
      let cancelled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let wake: (() => void) | undefined;
      // As the service: a status at once, then a heartbeat every 2 s. The stream pulls one event
      // ahead of its reader, so a wait runs only while someone reads; cancel ends it at once.
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              timer = setTimeout(resolve, HEARTBEAT_MS);
            });
          }
          sent = true;
          const status = cancelled ? undefined : await processStatus(s, d);
          if (!cancelled) controller.enqueue(encoder.encode(`data: ${JSON.stringify(status)}\n\n`));
        },
        cancel() {
          cancelled = true;
          clearTimeout(timer);
          wake?.();
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
    },
    getProcessInfo: withProcess(async ({ s, d, name }) => json(200, await processInfo(s, d, name))),
    restartProcess: withProcess(async ({ s, d, name }) => {
      d.restarts.set(name, (d.restarts.get(name) ?? 0) + 1);
      return json(200, { message: `${name} restarted`, status: { ...(await processInfo(s, d, name)), running: true } });
    }),
    getProcessLogs: withProcess(async ({ name }) =>
      json(200, { process: name, logs: `${name}: started on display ${DISPLAY}\n` }),
    ),
    getProcessErrors: withProcess(async ({ name }) => json(200, { process: name, errors: "" })),
  };
}
