/**
 * The desktop in leap0/testing is stateful enough for an agent's loop: the pointer moves with
 * move, click and drag; screenshots are images a decoder accepts, of the size asked for (after a
 * resize too); recordings go through their lifecycle with the contract's 409s and 404s; handlers
 * supply windows, processes and images; the status stream ends when its reader stops.
 */
import { inflateSync } from "node:zlib";
import { DEFAULT_DESKTOP_TEMPLATE_NAME, Leap0BadRequestError, Leap0ConflictError, Leap0NotFoundError } from "leap0";
import { beforeEach, describe, expect, test } from "vitest";
import { createMockLeap0, desktop } from "../src/testing";

const mock = createMockLeap0();
beforeEach(() => mock.reset());
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
    at += 12 + len;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  expect(pixels.length).toBe(height * (1 + Math.ceil((width * depth) / 8)));
  return [width, height];
}

/** A JPEG's size from its SOF0, after checking it starts and ends as a JPEG does. */
function jpegSize(bytes: Uint8Array): [number, number] {
  expect([bytes[0], bytes[1], bytes.at(-2), bytes.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
  const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
  const view = new DataView(bytes.buffer, bytes.byteOffset + sof);
  return [view.getUint16(7), view.getUint16(5)];
}

describe("pointer and screen", () => {
  test("the pointer starts mid-screen and moves with move, click and drag; scroll leaves it", async () => {
    const d = await desk();
    expect(await d.pointerPosition()).toEqual({ x: 720, y: 450 });
    expect(await d.movePointer(320, 240)).toEqual({ x: 320, y: 240 });
    await d.click({ x: 10, y: 20, button: 1 });
    expect(await d.pointerPosition()).toEqual({ x: 10, y: 20 });
    await d.click({ button: 3 }); // where the pointer is
    expect(await d.drag({ fromX: 100, fromY: 200, toX: 400, toY: 300 })).toEqual({ x: 400, y: 300 });
    await d.scroll({ direction: "down", amount: 3 });
    expect(await d.pointerPosition()).toEqual({ x: 400, y: 300 });
    expect(await d.movePointer(5000, 5000)).toEqual({ x: 1439, y: 899 });
  });

  test("typed text and keys are in mock.calls", async () => {
    const d = await desk();
    await d.typeText("hello from Leap0");
    await d.hotkey(["ctrl", "l"]);
    expect(
      mock.calls.filter((c) => c.operation === "typeText" || c.operation === "hotkey").map((c) => c.params),
    ).toEqual([{ text: "hello from Leap0" }, { keys: ["ctrl", "l"] }]);
  });

  test("screenshots are valid images of the size asked for, the whole screen after a resize too", async () => {
    const d = await desk();
    expect(pngSize(await d.screenshot())).toEqual([1440, 900]);
    expect(pngSize(await d.screenshotRegion({ x: 0, y: 0, width: 800, height: 600 }))).toEqual([800, 600]);
    expect(
      jpegSize(await d.screenshotRegion({ x: 10, y: 10, width: 333, height: 77, format: "jpg", quality: 85 })),
    ).toEqual([333, 77]);
    await d.resizeScreen({ width: 1280, height: 800 });
    expect(await d.displayInfo()).toEqual({ display: ":0", width: 1280, height: 800 });
    expect(pngSize(await d.screenshot({ format: "png" }))).toEqual([1280, 800]);
    await expect(d.screenshotRegion({ x: 1000, y: 0, width: 800, height: 10 })).rejects.toBeInstanceOf(
      Leap0BadRequestError,
    );
  });
});

describe("recordings", () => {
  test("start, stop, list, get, download, delete; 409 for a second start, a stop with none, deleting the running one", async () => {
    const d = await desk();
    expect(await d.recordingStatus()).toEqual({ active: false });
    await expect(d.stopRecording()).rejects.toBeInstanceOf(Leap0ConflictError);
    const started = await d.startRecording();
    expect(started).toMatchObject({ active: true, mimeType: "video/mp4", resolution: "1440x900" });
    const id = started.id as string;
    await expect(d.startRecording()).rejects.toBeInstanceOf(Leap0ConflictError);
    await expect(d.deleteRecording(id)).rejects.toBeInstanceOf(Leap0ConflictError);
    const stopped = await d.stopRecording();
    expect(stopped).toMatchObject({ id, active: false, stoppedAt: expect.any(String) });
    const [listed] = await d.recordings();
    expect(listed).toMatchObject({ id, active: false, fileName: `${id}.mp4` });
    const bytes = await d.downloadRecording(id);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("ftyp");
    expect(listed?.sizeBytes).toBe(bytes.byteLength);
    await d.deleteRecording(id);
    await expect(d.getRecording(id)).rejects.toBeInstanceOf(Leap0NotFoundError);
    expect(await d.recordings()).toEqual([]);
  });
});

describe("handlers and processes", () => {
  test("windows, processes and the screenshot come from a desktop() handler", async () => {
    const image = new Uint8Array([1, 2, 3]);
    mock.use(
      desktop({
        windows: () => [{ id: "0x1", title: "Firefox", width: 800, height: 600, focused: true }],
        processes: () => [
          { name: "xvfb", running: true, stdoutLog: "/a", stderrLog: "/b" },
          { name: "x11vnc", running: false, stdoutLog: "/c", stderrLog: "/d" },
        ],
        screenshot: ({ width }) => (width === 10 ? image : new Uint8Array()),
      }),
    );
    const d = await desk();
    expect(await d.windows()).toEqual([{ id: "0x1", title: "Firefox", width: 800, height: 600, focused: true }]);
    expect(await d.processStatus()).toMatchObject({ status: "degraded", running: 1, total: 2 });
    expect(await d.getProcess("x11vnc")).toMatchObject({ running: false, stdoutLog: "/c" });
    expect(await d.screenshotRegion({ x: 0, y: 0, width: 10, height: 10 })).toEqual(image);
  });

  test("by default the four processes run, waitUntilReady resolves, restart answers the process", async () => {
    const d = await desk();
    await d.waitUntilReady();
    expect(await d.processStatus()).toMatchObject({ status: "running", running: 4, total: 4 });
    expect(await d.restartProcess("xfce4")).toMatchObject({
      message: "xfce4 restarted",
      status: { name: "xfce4", running: true },
    });
    expect((await d.processLogs("novnc")).process).toBe("novnc");
  });

  test("the status stream sends a status at once; break ends it and leaves no timer behind", async () => {
    const d = await desk();
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    for await (const status of d.statusStream()) {
      expect(status).toMatchObject({ status: "running", total: 4 });
      expect(timers()).toBeGreaterThan(before);
      break;
    }
    await new Promise((r) => setImmediate(r));
    expect(timers()).toBe(before);
  });
});
