// examples/testing/own-client.test.ts: code that builds its own client, with vi.mock("leap0").
import { command, createMockLeap0 } from "leap0/testing";
import { expect, test, vi } from "vitest";
import { runScript } from "./agent";

const mock = createMockLeap0();

// Every client the code under test makes (`new Leap0Client()`) talks to the mock.
vi.mock("leap0", async (importOriginal) => {
  const leap0 = await importOriginal<typeof import("leap0")>();
  class Leap0Client extends leap0.Leap0Client {
    constructor(options: ConstructorParameters<typeof leap0.Leap0Client>[0] = {}) {
      super({ ...options, apiKey: "sk-test", fetch: (input, init) => mock.fetch(input, init) });
    }
  }
  return { ...leap0, Leap0Client };
});

test("runScript() with the client it makes itself", async () => {
  mock.use(command(/^python3 /, { stdout: "42\n" }));
  expect(await runScript("print(6*7)")).toBe("42");
  expect(mock.calls.map((c) => c.operation)).toContain("processExecute");
});
