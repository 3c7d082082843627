/**
 * Every documented JavaScript code-interpreter and desktop snippet, verbatim, run with
 * `LEAP0_SANDBOX_URL` pointing at the Prism mock (and `LEAP0_BASE_URL` too, for the
 * `client.sandboxes.create` each snippet starts with).
 * Sources (leap0-dev/docs):
 *   - content/docs/(core)/agent-tools/code-interpreter.mdx (7 snippets, one per section)
 *   - content/docs/(core)/agent-tools/desktop.mdx (23 snippets, one per section)
 *   - content/docs/(javascript-sdk)/reference/javascript-sdk/services/code-interpreter-client.mdx
 *     (the `execute` and `executeStream` examples)
 *   - content/docs/(javascript-sdk)/reference/javascript-sdk/services/desktop-client.mdx
 *     (the `waitUntilReady` example)
 *   - content/docs/(core)/human-tools/vnc.mdx has no JavaScript snippet (only the URL that
 *     `desktopUrl()` returns, checked in test/desktop.test.ts).
 * Only the setup around each snippet is ours: the imports are hoisted to the top of this file
 * (an import cannot sit in a function), the environment points `new Leap0Client()` at Prism,
 * and a recording fetch checks every request against openapi.yaml. Prism cannot answer an event
 * stream, so for the two streaming snippets `LEAP0_SANDBOX_URL` points at a local server that
 * speaks `text/event-stream` instead.
 */
// biome-ignore-all lint/suspicious/useIterableCallbackReturn: the docs' snippets log from forEach; kept verbatim
// biome-ignore-all lint/style/useTemplate: the docs' snippets concatenate strings; kept verbatim
// biome-ignore-all lint/correctness/noUnusedVariables: the docs' snippets keep results they do not use; kept verbatim
import { DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME, DEFAULT_DESKTOP_TEMPLATE_NAME, Leap0Client } from "leap0";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { type ScriptServer, sseHead, startScriptServer } from "../support/script-server";
import { snippetHarness } from "../support/snippets";

let server: ScriptServer;
const { sent, logged } = snippetHarness({ env: () => ({ LEAP0_SANDBOX_URL: inject("prismUrl") }) });

beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(async () => {
  await server.close();
});

/** The snippet's requests: the sandbox create from `templateName`, then the in-sandbox calls, all valid. */
function expectValid(template: string, calls: string[]): void {
  expect(sent.map((s) => s.violations).filter(Boolean)).toEqual([]);
  expect(sent.every((s) => s.status < 300)).toBe(true);
  expect(sent[0]?.path).toBe("/v1/sandbox/");
  expect(JSON.parse(sent[0]?.body ?? "{}").template_name).toBe(template);
  expect(sent.slice(1).map((s) => `${s.method} ${s.path}`)).toEqual(calls);
}
const ci = (calls: string[]) => expectValid(DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME, calls);
const dt = (calls: string[]) => expectValid(DEFAULT_DESKTOP_TEMPLATE_NAME, calls);

describe("code-interpreter.mdx", () => {
  test("Create a context", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
    });
    const context = await sandbox.codeInterpreter.createContext("python", "/home/user");

    console.log(context.id, context.language);
    await client.close();
    ci(["POST /contexts"]);
    expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ language: "python", cwd: "/home/user" });
    expect(logged).toHaveLength(1);
  });

  test("List contexts", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
    });

    for (const context of await sandbox.codeInterpreter.listContexts()) {
      console.log(context.id, context.language, context.cwd);
    }

    await client.close();
    ci(["GET /contexts"]);
  });

  test("Get a context", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
    });
    const context = await sandbox.codeInterpreter.getContext("<context_id>");

    console.log(context);
    await client.close();
    ci(["GET /contexts/%3Ccontext_id%3E"]);
    expect(logged).toHaveLength(1);
  });

  test("Delete a context", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
    });

    await sandbox.codeInterpreter.deleteContext("<context_id>");
    await client.close();
    ci(["DELETE /contexts/%3Ccontext_id%3E"]);
  });

  test("Execute code", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
    });

    const first = await sandbox.codeInterpreter.execute({
      code: "prices = [10, 20, 30, 40, 50]",
      language: "python",
    });

    const second = await sandbox.codeInterpreter.execute({
      code: "sum(prices) / len(prices)",
      language: "python",
      contextId: first.contextId,
    });

    for (const item of second.items) {
      if (item.text) console.log(item.text);
    }

    await client.close();
    ci(["POST /execute", "POST /execute"]);
    expect(JSON.parse(sent[2]?.body ?? "")).toEqual({
      code: "sum(prices) / len(prices)",
      language: "python",
      context_id: "ctx-Wq3n8ZpL2v",
    });
    expect(logged).toEqual([["45"]]);
  });

  test("Stream execution (local event-stream server)", async () => {
    vi.stubEnv("LEAP0_SANDBOX_URL", server.url);
    server.handle((_req, res) => {
      sseHead(res);
      for (let i = 0; i < 5; i++) res.write(`data: {"type":0,"data":"Step ${i}"}\n\n`);
      res.end('data: {"type":2,"code":0}\n\n');
    });
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
    });

    for await (const event of sandbox.codeInterpreter.executeStream({
      code: "import time\n" + "for i in range(5):\n" + " print(f'Step {i}')\n" + " time.sleep(1)",
      language: "python",
      timeoutMs: 60000,
    })) {
      if (event.type === "stdout") console.log(event.data);
      if (event.type === "exit") console.log("Done (exit code " + event.code + ")");
    }

    await client.close();
    ci(["POST /execute/async"]);
    expect(JSON.parse(server.requests.at(-1)?.body ?? "")).toEqual({
      code: "import time\nfor i in range(5):\n print(f'Step {i}')\n time.sleep(1)",
      language: "python",
      timeout_ms: 60000,
    });
    expect(logged).toEqual([["Step 0"], ["Step 1"], ["Step 2"], ["Step 3"], ["Step 4"], ["Done (exit code 0)"]]);
  });

  test("Generating charts", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({
      templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME,
    });

    const result = await sandbox.codeInterpreter.execute({
      code:
        "import matplotlib.pyplot as plt\n" +
        "import numpy as np\n\n" +
        "x = np.linspace(0, 2 * np.pi, 100)\n" +
        "plt.figure(figsize=(8, 4))\n" +
        "plt.plot(x, np.sin(x), label='sin(x)')\n" +
        "plt.plot(x, np.cos(x), label='cos(x)')\n" +
        "plt.legend()\n" +
        "plt.title('Trigonometric Functions')\n" +
        "plt.show()",
      language: "python",
    });

    for (const item of result.items) {
      if (item.png) console.log("PNG image:", item.png.length, "base64 chars");
      if (item.svg) console.log("SVG image:", item.svg.length, "chars");
    }

    await client.close();
    ci(["POST /execute"]);
  });
});

describe("code-interpreter-client.mdx (reference examples)", () => {
  test("execute", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME });
    {
      const result = await sandbox.codeInterpreter.execute({
        language: "python",
        code: "print('hello')",
      });
    }
    await client.close();
    ci(["POST /execute"]);
  });

  test("executeStream (local event-stream server)", async () => {
    vi.stubEnv("LEAP0_SANDBOX_URL", server.url);
    server.handle((_req, res) => {
      sseHead(res);
      res.end('data: {"type":"stdout","data":"hello"}\n\ndata: {"type":"exit","code":0}\n\n');
    });
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_CODE_INTERPRETER_TEMPLATE_NAME });
    for await (const event of sandbox.codeInterpreter.executeStream({
      language: "python",
      code: "print('hello')",
    })) {
      console.log(event);
    }
    await client.close();
    expect(logged).toEqual([[{ type: "stdout", data: "hello" }], [{ type: "exit", code: 0 }]]);
  });
});

describe("desktop.mdx", () => {
  test("Display info", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.displayInfo());
    await client.close();
    dt(["GET /api/display"]);
    expect(logged[0]?.[0]).toMatchObject({ display: expect.any(String) });
  });

  test("Resize screen", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.resizeScreen({ width: 1280, height: 800 }));
    await client.close();
    dt(["POST /api/display/screen"]);
    expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ width: 1280, height: 800 });
  });

  test("List windows", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    const windows = await sandbox.desktop.windows();
    windows.forEach((window) =>
      console.log(window.title, window.width + "x" + window.height, "focused=" + window.focused),
    );
    await client.close();
    dt(["GET /api/display/windows"]);
  });

  test("Screenshots: full screen", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    const bytes = await sandbox.desktop.screenshot({ format: "png" });
    console.log("screenshot bytes", bytes.byteLength);
    await client.close();
    dt(["GET /api/screenshot"]);
    expect(logged[0]?.[0]).toBe("screenshot bytes");
  });

  test("Screenshots: region", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    const bytes = await sandbox.desktop.screenshotRegion({
      x: 0,
      y: 0,
      width: 800,
      height: 600,
      format: "jpg",
      quality: 85,
    });

    console.log("region bytes", bytes.byteLength);
    await client.close();
    dt(["POST /api/screenshot/region"]);
  });

  test("Get pointer position", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.pointerPosition());
    await client.close();
    dt(["GET /api/input/position"]);
  });

  test("Move pointer", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.movePointer(320, 240));
    await client.close();
    dt(["POST /api/input/move"]);
    expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ x: 320, y: 240 });
  });

  test("Click", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    await sandbox.desktop.click({ x: 320, y: 240, button: 1 });

    await sandbox.desktop.click({ button: 3 });
    await client.close();
    dt(["POST /api/input/click", "POST /api/input/click"]);
  });

  test("Drag", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(
      await sandbox.desktop.drag({
        fromX: 100,
        fromY: 200,
        toX: 400,
        toY: 200,
      }),
    );
    await client.close();
    dt(["POST /api/input/drag"]);
    expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ from_x: 100, from_y: 200, to_x: 400, to_y: 200 });
  });

  test("Scroll", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    await sandbox.desktop.scroll({ direction: "down", amount: 3 });
    await client.close();
    dt(["POST /api/input/scroll"]);
  });

  test("Type text", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    await sandbox.desktop.typeText("hello from Leap0");
    await client.close();
    dt(["POST /api/input/type"]);
  });

  test("Press key", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    await sandbox.desktop.pressKey("Return");
    await client.close();
    dt(["POST /api/input/press"]);
  });

  test("Hotkey", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    await sandbox.desktop.hotkey(["ctrl", "l"]);
    await client.close();
    dt(["POST /api/input/hotkey"]);
    expect(JSON.parse(sent[1]?.body ?? "")).toEqual({ keys: ["ctrl", "l"] });
  });

  test("Start recording", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.startRecording());
    await client.close();
    dt(["POST /api/recording/start"]);
  });

  test("Stop recording", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.stopRecording());
    await client.close();
    dt(["POST /api/recording/stop"]);
  });

  test("Recording status", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.recordingStatus());
    await client.close();
    dt(["GET /api/recording"]);
  });

  test("List recordings", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    const recordings = await sandbox.desktop.recordings();
    recordings.forEach((recording) => console.log(recording.id, recording.sizeBytes + " bytes"));
    await client.close();
    dt(["GET /api/recordings"]);
  });

  test("Get recording", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.getRecording("<recording_id>"));
    await client.close();
    dt(["GET /api/recordings/%3Crecording_id%3E"]);
  });

  test("Download recording", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    const bytes = await sandbox.desktop.downloadRecording("<recording_id>");
    console.log("recording bytes", bytes.byteLength);
    await client.close();
    dt(["GET /api/recordings/%3Crecording_id%3E/download"]);
  });

  test("Delete recording", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    await sandbox.desktop.deleteRecording("<recording_id>");
    await client.close();
    dt(["DELETE /api/recordings/%3Crecording_id%3E"]);
  });

  test("Overall status", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.processStatus());
    await client.close();
    dt(["GET /api/status"]);
  });

  test("Status stream (local event-stream server)", async () => {
    vi.stubEnv("LEAP0_SANDBOX_URL", server.url);
    server.handle(async (_req, res) => {
      sseHead(res);
      const status = { status: "running", items: [], running: 4, total: 4 };
      for (let i = 0; i < 500 && !res.destroyed; i++) {
        res.write(`data: ${JSON.stringify(status)}\n\n`);
        await new Promise((r) => setTimeout(r, 20));
      }
      res.end();
    });
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    for await (const status of sandbox.desktop.statusStream()) {
      console.log(status);
      break;
    }

    await client.close();
    dt(["GET /api/status/stream"]);
    expect(logged).toEqual([[{ status: "running", items: [], running: 4, total: 4 }]]);
    await server.requests.at(-1)?.closed;
  });

  test("Per-process endpoints", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });

    console.log(await sandbox.desktop.getProcess("x11vnc"));
    console.log(await sandbox.desktop.restartProcess("xfce4"));
    console.log(await sandbox.desktop.processLogs("novnc"));
    await client.close();
    dt(["GET /api/process/x11vnc/status", "POST /api/process/xfce4/restart", "GET /api/process/novnc/logs"]);
    expect(logged).toHaveLength(3);
  });
});

describe("desktop-client.mdx (reference example)", () => {
  test("waitUntilReady", async () => {
    const client = new Leap0Client();
    const sandbox = await client.sandboxes.create({ templateName: DEFAULT_DESKTOP_TEMPLATE_NAME });
    await sandbox.desktop.waitUntilReady();
    await client.close();
    dt(["GET /api/status"]);
  });
});
