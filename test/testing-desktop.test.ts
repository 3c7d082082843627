/**
 * The desktop in leap0/testing is stateful enough for an agent's loop: the pointer moves with
 * move, click and drag; screenshots are images a decoder accepts, of the size asked for (after a
 * resize too); recordings go through their lifecycle with the contract's 409s and 404s; handlers
 * supply windows, processes and images; the status stream ends when its reader stops.
 */
import { crc32, inflateSync } from "node:zlib";
import {
  DEFAULT_DESKTOP_TEMPLATE_NAME,
  Leap0BadRequestError,
  Leap0ConflictError,
  Leap0NotFoundError,
  Leap0TimeoutError,
} from "leap0";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createMockLeap0, desktop } from "../src/testing";

const mock = createMockLeap0();
beforeEach(() => mock.reset());
afterEach(() => vi.useRealTimers());
const desk = async () => (await mock.client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME })).desktop;

/** A PNG's size from its IHDR, after checking its signature and that its pixels inflate to the rows the size needs. */
function pngSize(bytes: Uint8Array): [number, number] {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [width, height] = [view.getUint32(16), view.getUint32(20)];
  const depth = bytes[24] as number;
  let at = 8;
  const idat: Uint8Array[] = [];
  while (at < bytes.length) {
    const len = view.getUint32(at);
    const type = new TextDecoder().decode(bytes.subarray(at + 4, at + 8));
    if (type === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + len));
    expect(view.getUint32(at + 8 + len), `${type} CRC`).toBe(crc32(bytes.subarray(at + 4, at + 8 + len)));
    at += 12 + len;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  expect(pixels.length).toBe(height * (1 + Math.ceil((width * depth) / 8)));
  return [width, height];
}

/**
 * A one-component baseline JPEG's size from its SOF0, after checking it starts and ends as a JPEG
 * does and that its scan decodes: through the file's own Huffman tables, one DC and its AC codes
 * for every 8×8 block the size needs, then nothing but the 1-bits that pad the last byte.
 */
function jpegSize(bytes: Uint8Array): [number, number] {
  expect([bytes[0], bytes[1], bytes.at(-2), bytes.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
  const byte = (i: number) => bytes[i] as number;
  const tables = new Map<number, Map<string, number>>(); // class << 4 | id → code bits → symbol
  let [width, height, at] = [0, 0, 2];
  while (byte(at + 1) !== 0xda) {
    const end = at + 2 + ((byte(at + 2) << 8) | byte(at + 3));
    if (byte(at + 1) === 0xc0)
      [height, width] = [(byte(at + 5) << 8) | byte(at + 6), (byte(at + 7) << 8) | byte(at + 8)];
    for (let p = at + 4; byte(at + 1) === 0xc4 && p < end; ) {
      const table = new Map<string, number>();
      tables.set(byte(p), table);
      let [code, symbol] = [0, p + 17];
      for (let length = 1; length <= 16; length++, code <<= 1) {
        for (let n = 0; n < byte(p + length); n++)
          table.set((code++).toString(2).padStart(length, "0"), byte(symbol++));
      }
      p = symbol;
    }
    at = end;
  }
  let bits = "";
  for (let i = at + 2 + ((byte(at + 2) << 8) | byte(at + 3)); i < bytes.length - 2; i++) {
    bits += byte(i).toString(2).padStart(8, "0");
    if (byte(i) === 0xff) expect(byte(++i), "0xFF stuffed with 0x00").toBe(0);
  }
  let pos = 0;
  const read = (table: Map<string, number> | undefined) => {
    for (let code = ""; code.length < 16 && pos < bits.length; ) {
      code += bits[pos++];
      const symbol = table?.get(code);
      if (symbol !== undefined) return symbol;
    }
    throw new Error(`no Huffman code at bit ${pos}`);
  };
  for (let block = 0; block < Math.ceil(width / 8) * Math.ceil(height / 8); block++) {
    const category = read(tables.get(0x00));
    pos += category; // the DC difference's bits follow its category
    for (let k = 1, rs = read(tables.get(0x10)); rs !== 0 && k < 64; k += (rs >> 4) + 1, rs = read(tables.get(0x10))) {
      pos += rs & 15;
    }
  }
  expect(bits.slice(pos)).toMatch(/^1{0,7}$/);
  return [width, height];
}

describe("pointer and screen", () => {
  test("the pointer starts mid-screen and moves with move, click and drag; scroll leaves it", async () => {
    const d = await desk();
    expect(await d.pointerPosition()).toEqual({ x: 720, y: 450 });
    expect(await d.movePointer(320, 240)).toEqual({ x: 320, y: 240 });
    await d.click({ x: 10, y: 20, button: 1 });
    expect(await d.pointerPosition()).toEqual({ x: 10, y: 20 });
    expect(await d.click({ button: 3 })).toEqual({ x: 10, y: 20 }); // where the pointer is
    expect(await d.drag({ fromX: 100, fromY: 200, toX: 400, toY: 300 })).toEqual({ x: 400, y: 300 });
    expect(await d.scroll({ direction: "down", amount: 3 })).toEqual({ x: 400, y: 300 });
    expect(await d.pointerPosition()).toEqual({ x: 400, y: 300 });
    expect(await d.movePointer(5000, 5000)).toEqual({ x: 1439, y: 899 });
    await d.resizeScreen({ width: 1024, height: 768 }); // the pointer stays on the smaller screen
    expect(await d.pointerPosition()).toEqual({ x: 1023, y: 767 });
  });

  test("each sandbox has its own screen and pointer", async () => {
    const [a, b] = [await desk(), await desk()];
    await a.movePointer(1, 2);
    await a.resizeScreen({ width: 800, height: 600 });
    expect(await b.pointerPosition()).toEqual({ x: 720, y: 450 });
    expect(await b.screen()).toEqual({ display: ":0", width: 1440, height: 900 });
  });

  test("typed text and keys are in mock.calls", async () => {
    const d = await desk();
    expect(await d.typeText("hello from Leap0")).toBe(true);
    await d.pressKey("Return");
    await d.hotkey(["ctrl", "l"]);
    const input = new Set(["typeText", "pressKey", "hotkey"]);
    expect(mock.calls.filter((c) => input.has(c.operation)).map((c) => c.params)).toEqual([
      { text: "hello from Leap0" },
      { key: "Return" },
      { keys: ["ctrl", "l"] },
    ]);
  });

  test("screenshots are valid images of the size asked for, the whole screen after a resize too", async () => {
    const d = await desk();
    expect(pngSize(await d.screenshot())).toEqual([1440, 900]);
    expect(pngSize(await d.screenshotRegion({ x: 0, y: 0, width: 800, height: 600 }))).toEqual([800, 600]);
    expect(pngSize(await d.screenshot({ x: 7, y: 3, width: 13, height: 5 }))).toEqual([13, 5]);
    expect(
      jpegSize(await d.screenshotRegion({ x: 10, y: 10, width: 333, height: 77, format: "jpg", quality: 85 })),
    ).toEqual([333, 77]);
    expect(jpegSize(await d.screenshot({ format: "jpeg" }))).toEqual([1440, 900]);
    await d.resizeScreen({ width: 1280, height: 800 });
    expect(await d.displayInfo()).toEqual({ display: ":0", width: 1280, height: 800 });
    expect(pngSize(await d.screenshot({ format: "png" }))).toEqual([1280, 800]);
    // Width and height both 0 mean the whole screen, wherever x and y point (the contract's words).
    expect(pngSize(await d.screenshot({ x: 100, y: 100, width: 0, height: 0 }))).toEqual([1280, 800]);
  });

  test("a region off the screen is a 400 naming the field", async () => {
    const d = await desk();
    const refused = await d.screenshotRegion({ x: 1000, y: 0, width: 800, height: 10 }).catch((e) => e);
    expect(refused).toBeInstanceOf(Leap0BadRequestError);
    expect(refused.fieldErrors.map((f: { field: string }) => f.field)).toEqual(["width"]);
    const past = await d.screenshot({ x: 0, y: 900, width: 10, height: 10 }).catch((e) => e);
    expect(past.fieldErrors.map((f: { field: string }) => f.field)).toEqual(["y"]);
    expect(pngSize(await d.screenshotRegion({ x: 1439, y: 899, width: 1, height: 1 }))).toEqual([1, 1]);
  });
});

describe("recordings", () => {
  test("start, stop, list, get, download, delete; 409 for a second start, a stop with none, deleting the running one", async () => {
    const d = await desk();
    expect(await d.recordingStatus()).toEqual({ active: false });
    await expect(d.stopRecording()).rejects.toBeInstanceOf(Leap0ConflictError);
    const started = await d.startRecording();
    expect(started).toMatchObject({ active: true, mimeType: "video/mp4", resolution: "1440x900", display: ":0" });
    const id = started.id as string;
    expect(id).toMatch(/^rec_\d+$/);
    expect(started).toMatchObject({ fileName: `${id}.mp4`, download: `/api/recordings/${id}/download` });
    await expect(d.startRecording()).rejects.toBeInstanceOf(Leap0ConflictError);
    await expect(d.deleteRecording(id)).rejects.toBeInstanceOf(Leap0ConflictError);
    expect(await d.recordingStatus()).toMatchObject({ id, active: true });
    const stopped = await d.stopRecording();
    expect(stopped).toMatchObject({ id, active: false, stoppedAt: expect.any(String) });
    expect(await d.recordingStatus()).toMatchObject({ id, active: false }); // the latest one
    const [listed] = await d.recordings();
    expect(listed).toMatchObject({ id, active: false, fileName: `${id}.mp4` });
    expect(await d.getRecording(id)).toEqual(listed);
    const bytes = await d.downloadRecording(id);
    expect(new TextDecoder().decode(bytes.subarray(4, 12))).toBe("ftypisom");
    expect(listed?.sizeBytes).toBe(bytes.byteLength);
    await d.deleteRecording(id);
    await expect(d.getRecording(id)).rejects.toBeInstanceOf(Leap0NotFoundError);
    await expect(d.downloadRecording(id)).rejects.toBeInstanceOf(Leap0NotFoundError);
    await expect(d.deleteRecording(id)).rejects.toBeInstanceOf(Leap0NotFoundError);
    expect(await d.recordings()).toEqual([]);
  });

  test("ids stay unique under a clock that stands still, and a recording keeps the resolution it began with", async () => {
    const still = createMockLeap0({ now: () => 1_750_000_000_000 });
    const d = (await still.client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME })).desktop;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await d.startRecording()).id as string);
      await d.stopRecording();
      if (i === 0) await d.deleteRecording(ids[0] as string);
    }
    expect(new Set(ids).size).toBe(3);
    await d.startRecording();
    await d.resizeScreen({ width: 1024, height: 768 });
    expect((await d.stopRecording()).resolution).toBe("1440x900");
    expect((await d.recordings()).map((r) => r.id)).not.toContain(ids[0]);
  });
});

describe("handlers and processes", () => {
  test("windows, processes and the screenshot come from a desktop() handler", async () => {
    const image = new Uint8Array([1, 2, 3]);
    const asked: unknown[] = [];
    mock.use(
      desktop({
        windows: () => [{ id: "0x1", title: "Firefox", width: 800, height: 600, focused: true }],
        processes: () => [
          { name: "xvfb", running: true, stdoutLog: "/a", stderrLog: "/b" },
          { name: "x11vnc", running: false, stdoutLog: "/c", stderrLog: "/d" },
        ],
        screenshot: (request) => {
          asked.push(request);
          return image;
        },
      }),
    );
    const sandbox = await mock.client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });
    const d = sandbox.desktop;
    expect(await d.windows()).toEqual([{ id: "0x1", title: "Firefox", width: 800, height: 600, focused: true }]);
    expect(await d.processStatus()).toMatchObject({ status: "degraded", running: 1, total: 2 });
    expect(await d.getProcess("x11vnc")).toMatchObject({ running: false, stdoutLog: "/c" });
    const missing = await d.getProcess("xfce4").catch((e) => e); // not among the handler's
    expect(missing).toBeInstanceOf(Leap0BadRequestError);
    expect(missing.fieldErrors).toEqual([{ field: "processName", error: expect.stringContaining("xvfb, x11vnc") }]);
    expect(await d.screenshotRegion({ x: 5, y: 6, width: 10, height: 20, format: "jpg", quality: 40 })).toEqual(image);
    expect(asked).toEqual([{ sandboxId: sandbox.id, x: 5, y: 6, width: 10, height: 20, format: "jpeg", quality: 40 }]);
  });

  test("the newest handler that supplies a fixture answers it; the others still come from older ones", async () => {
    mock.use(desktop({ processes: () => [{ name: "xvfb", running: false, stdoutLog: "/a", stderrLog: "/b" }] }));
    mock.use(desktop({ windows: () => [] }));
    const d = await desk();
    expect(await d.windows()).toEqual([]);
    expect(await d.processStatus()).toMatchObject({ status: "stopped", running: 0, total: 1 });
    mock.resetHandlers();
    expect((await d.windows())[0]).toMatchObject({ title: "Terminal", focused: true, width: 1440 });
  });

  test("by default the four processes run, waitUntilReady resolves, restart gives the process a new pid", async () => {
    const d = await desk();
    await d.waitUntilReady();
    const status = await d.processStatus();
    expect(status).toMatchObject({ status: "running", running: 4, total: 4 });
    expect(status.items.map((p) => p.name)).toEqual(["xvfb", "xfce4", "x11vnc", "novnc"]);
    const before = (await d.getProcess("xfce4")).pid;
    const restarted = await d.restartProcess("xfce4");
    expect(restarted).toMatchObject({ message: "xfce4 restarted", status: { name: "xfce4", running: true } });
    expect(restarted.status?.pid).not.toBe(before);
    expect((await d.getProcess("xfce4")).pid).toBe(restarted.status?.pid);
    expect(await d.processLogs("novnc")).toMatchObject({ process: "novnc", logs: expect.stringContaining("novnc") });
    expect(await d.processErrors("xvfb")).toEqual({ process: "xvfb", errors: "" });
  });

  test("waitUntilReady keeps waiting while a process is down, or while there are none", async () => {
    mock.use(desktop({ processes: () => [] }));
    const d = await desk();
    expect(await d.processStatus()).toEqual({ status: "stopped", items: [], running: 0, total: 0 });
    await expect(d.waitUntilReady({ timeout: 0.2 })).rejects.toBeInstanceOf(Leap0TimeoutError);
    mock.use(desktop({ processes: () => [{ name: "xvfb", running: false, stdoutLog: "/a", stderrLog: "/b" }] }));
    await expect(d.waitUntilReady({ timeout: 0.2 })).rejects.toBeInstanceOf(Leap0TimeoutError);
  });

  test("the status stream sends a status at once and a heartbeat every 2 s; break ends it and leaves no timer", async () => {
    const d = await desk();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const seen: string[] = [];
    for await (const status of d.statusStream()) {
      seen.push(status.status);
      if (seen.length === 2) break;
      expect(status).toMatchObject({ status: "running", total: 4 });
      // The next event waits for the heartbeat; it tells what changed meanwhile.
      mock.use(desktop({ processes: () => [{ name: "xvfb", running: false, stdoutLog: "/a", stderrLog: "/b" }] }));
      await vi.advanceTimersByTimeAsync(1999);
      expect(seen).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(seen).toEqual(["running", "stopped"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
