// examples/testing/fix-agent.test.ts: git, a remote and the code interpreter, offline, with leap0/testing.
import { codeInterpreter, createMockLeap0 } from "leap0/testing";
import { beforeEach, expect, test } from "vitest";
import { applyFix } from "./fix-agent";

const URL = "https://git.example.com/team/app.git";
const mock = createMockLeap0();
const task = { url: URL, token: "ghp_right", file: "app.py", find: "retrys = 3", replace: "retries = 3" };

beforeEach(() => {
  mock.reset();
  // A remote the clone reaches, which asks for a token as a private repository does.
  mock.git.remote(URL, { files: { "app.py": "retrys = 3\n" }, credentials: { password: "ghp_right" } });
  // No Python runs in the mock: the handler says what the import would do.
  mock.use(codeInterpreter(() => []));
});

test("the fix is committed and pushed: a fresh clone has it", async () => {
  const sha = await applyFix(mock.client, task);
  const check = await mock.client.sandboxes.create();
  await check.git.clone({ url: URL, path: "/tmp/check", password: "ghp_right" });
  expect(await check.filesystem.readFile("/tmp/check/app.py")).toBe("retries = 3\n");
  expect((await check.git.log({ path: "/tmp/check", maxCount: 1 })).output).toContain(`commit ${sha}`);
});

test("a wrong token stops the agent before it changes anything", async () => {
  await expect(applyFix(mock.client, { ...task, token: "ghp_wrong" })).rejects.toThrow("Authentication failed");
  expect(mock.calls.map((c) => c.operation)).not.toContain("gitCommit");
});

test("a fix that does not import is not committed", async () => {
  mock.use(codeInterpreter(() => [{ type: "error", name: "SyntaxError", value: "invalid syntax" }]));
  await expect(applyFix(mock.client, task)).rejects.toThrow("the fix does not import: SyntaxError: invalid syntax");
  expect(mock.calls.map((c) => c.operation)).not.toContain("gitCommit");
});
