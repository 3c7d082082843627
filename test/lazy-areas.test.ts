/**
 * The in-sandbox areas load on first use (`sandbox.filesystem` is a stand-in until its first
 * call): what a user can tell from that. Calls behave as the area's own (results, errors as
 * rejections, nothing sent for bad input), streams and URL helpers answer at once, and after the
 * first call the property is the area itself.
 */
import { Leap0ValidationError } from "leap0";
import { CodeInterpreterClient, DesktopClient, FilesystemClient, ProcessClient } from "leap0/areas";
import { beforeEach, describe, expect, test } from "vitest";
import { lazyArea } from "../src/resources/sandbox/lazy";
import { codeInterpreter, createMockLeap0 } from "../src/testing";

const mock = createMockLeap0();
beforeEach(() => mock.reset());

describe("a sandbox's areas", () => {
  test("are stand-ins until the first call, then the area itself", async () => {
    const sandbox = await mock.client.sandboxes.create();
    const fs = sandbox.filesystem;
    expect(fs).not.toBeInstanceOf(FilesystemClient);
    expect(sandbox.filesystem).toBe(fs); // one stand-in per handle
    // Not a thenable: awaiting the property gives it back instead of hanging.
    expect(await fs).toBe(fs);

    await fs.writeFile("/home/user/a.txt", "hello");
    expect(sandbox.filesystem).toBeInstanceOf(FilesystemClient);
    // The stand-in someone kept still works, and reads what the area wrote.
    expect(await fs.readFile("/home/user/a.txt")).toBe("hello");
    const { readFile } = fs; // detached, as with a bound method of the area
    expect(await readFile("/home/user/a.txt")).toBe("hello");
  });

  test("a bad argument is a rejection before anything is sent, as from the area", async () => {
    const sandbox = await mock.client.sandboxes.create();
    const sent = mock.calls.length;
    await expect(sandbox.process.execute({} as never)).rejects.toBeInstanceOf(Leap0ValidationError);
    await expect(sandbox.filesystem.stat(42 as never)).rejects.toBeInstanceOf(Leap0ValidationError);
    expect(mock.calls.length).toBe(sent);
    expect(sandbox.process).toBeInstanceOf(ProcessClient);
  });

  test("a stream answers at once and runs once iterated", async () => {
    mock.use(codeInterpreter(() => [{ type: "stdout", data: "2\n" }]));
    const sandbox = await mock.client.sandboxes.create();
    const stream = sandbox.codeInterpreter.executeStream({ code: "print(1 + 1)", language: "python" });
    expect(typeof stream[Symbol.asyncIterator]).toBe("function");
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.length).toBeGreaterThan(0);
    expect(sandbox.codeInterpreter).toBeInstanceOf(CodeInterpreterClient);
  });

  test("the desktop's URL needs no load and matches the loaded area's", async () => {
    const sandbox = await mock.client.sandboxes.create();
    const before = sandbox.desktop.desktopUrl();
    expect(sandbox.desktop).not.toBeInstanceOf(DesktopClient);
    await sandbox.desktop.health();
    expect(sandbox.desktop).toBeInstanceOf(DesktopClient);
    expect(sandbox.desktop.desktopUrl()).toBe(before);
  });
});

describe("lazyArea", () => {
  class Area {
    readonly #n: number;
    constructor(n: number) {
      this.#n = n;
    }
    async twice(x: number): Promise<number> {
      return x * 2 + this.#n;
    }
    async *count(to: number): AsyncGenerator<number> {
      for (let i = 0; i < to; i++) yield i;
    }
    label(): string {
      return "area";
    }
  }
  const shape = { name: "Area", streams: ["count"], own: { label: () => "own" } } as const;

  test("concurrent first calls share one load; a failed load is tried again", async () => {
    let loads = 0;
    let fail = true;
    let settled: Area | undefined;
    const area = lazyArea<Area>(
      shape,
      async () => {
        loads++;
        if (fail) throw new Error("chunk failed to load");
        return new Area(1);
      },
      (a) => {
        settled = a;
      },
    );
    await expect(area.twice(1)).rejects.toThrow("chunk failed to load");
    fail = false;
    expect(await Promise.all([area.twice(1), area.twice(2), area.twice(3)])).toEqual([3, 5, 7]);
    expect(loads).toBe(2);
    expect(settled).toBeInstanceOf(Area);
    const seen: number[] = [];
    for await (const n of area.count(3)) seen.push(n);
    expect(seen).toEqual([0, 1, 2]);
  });

  test("own members answer without loading; unknown members reject with a TypeError", async () => {
    let loads = 0;
    const area = lazyArea<Area>(
      shape,
      async () => {
        loads++;
        return new Area(0);
      },
      () => {},
    );
    expect(area.label()).toBe("own");
    expect(loads).toBe(0);
    expect(String(area)).toBe("Area (loads on first call)");
    await expect((area as unknown as { nope(): Promise<void> }).nope()).rejects.toThrow(TypeError);
  });
});
