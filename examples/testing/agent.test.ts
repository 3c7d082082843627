// examples/testing/agent.test.ts: testing code that uses leap0, offline, with leap0/testing.
import { Leap0ConnectionError } from "leap0";
import { command, createMockLeap0 } from "leap0/testing";
import { afterEach, expect, test, vi } from "vitest";
import { runScript } from "./agent";

// The bash emulator has no Python: a handler answers for it, from the file the agent wrote.
const mock = createMockLeap0({
  handlers: [command(/^python3 /, ({ cwd }) => ({ stdout: `ran in ${cwd}\n` }))],
});
afterEach(() => mock.resetHandlers());

test("the agent writes its script, runs it and returns its output", async () => {
  expect(await runScript("print(6*7)", mock.client)).toBe("ran in /home/user");
  const calls = mock.calls.map((c) => c.operation);
  expect(calls).toContain("filesystemWriteFile");
  expect(mock.calls.find((c) => c.operation === "processExecute")?.params).toMatchObject({
    command: "python3 main.py",
  });
  expect(calls.at(-1)).toBe("deleteSandbox"); // `await using` cleaned up
});

test("a failing script is reported with its stderr", async () => {
  mock.use(command(/^python3 /, { stderr: "NameError: x\n", exitCode: 1 }));
  await expect(runScript("print(x)", mock.client)).rejects.toThrow("the script failed (1): NameError: x");
});

test("a dropped connection while creating surfaces as a typed error", async () => {
  mock.fail("createSandbox", { drop: true, times: 1 });
  await expect(runScript("print(1)", mock.client)).rejects.toBeInstanceOf(Leap0ConnectionError);
});

test("code that builds its own client: install() answers the default hosts", async () => {
  vi.stubEnv("LEAP0_API_KEY", "sk-test");
  mock.install();
  try {
    expect(await runScript("print(1)")).toBe("ran in /home/user");
  } finally {
    mock.uninstall();
    vi.unstubAllEnvs();
  }
});
