/**
 * leap0/testing keeps the contract in what it answers: every operation (the control plane's and
 * the two APIs a sandbox serves itself: code interpreter and desktop) is driven
 * through the core (params built from openapi.yaml, ids of real state), and each answer is
 * checked against the operation's documented response in openapi.yaml by Ajv, a JSON-schema
 * validator independent of the SDK's own checks: the status must be documented, a JSON body
 * must match its schema, a bytes or multipart body must carry its media type, and each event of
 * an event stream must match the schema its operation documents for one event.
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import type { Operation } from "../generated/operations";
import { Leap0Client } from "../src";
import { resolveConfig } from "../src/core/config";
import { invoke, invokeStream } from "../src/core/invoke";
import { camel } from "../src/core/keys";
import { Pipeline } from "../src/core/pipeline";
import { createMockLeap0 } from "../src/testing";
import { OPERATIONS } from "../src/testing/router";
import { resolve, SPEC, sample } from "./support/spec-sample";

type Node = Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
for (const f of ["cidr", "int32", "int64", "uint32", "uint64", "binary", "password"]) ajv.addFormat(f, true);
ajv.addSchema({ ...SPEC, $id: "openapi" });

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

interface Answer {
  operation: string;
  status: number;
  type: string | null;
  body: Uint8Array;
}

/** Why an answer is not one the contract documents for its operation, or nothing when it is. */
function violation(a: Answer, op: Operation): string | undefined {
  const paths = SPEC.paths as Record<string, Node>;
  const method = op.method.toLowerCase();
  const responses = (paths[op.path]?.[method] as Node | undefined)?.responses as Record<string, Node> | undefined;
  const documented = responses?.[String(a.status)];
  if (!documented) return `status ${a.status} is not documented`;
  const content = resolve(documented).content as Record<string, Node> | undefined;
  if (!content) return a.body.byteLength ? `a ${a.status} has no body, got ${a.body.byteLength} bytes` : undefined;
  const mediaType = a.type?.split(";")[0]?.trim() ?? "";
  if (!(mediaType in content)) return `media type ${mediaType} is not one of ${Object.keys(content).join(", ")}`;
  if (mediaType === "text/event-stream") return streamViolation(a, op, content[mediaType] as Node);
  if (mediaType !== "application/json") return undefined;
  const ref = documented.$ref
    ? `openapi#${(documented.$ref as string).slice(1)}/content/${pointer("application/json")}/schema`
    : `openapi#/paths/${pointer(op.path)}/${method}/responses/${a.status}/content/${pointer("application/json")}/schema`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (validate(JSON.parse(new TextDecoder().decode(a.body)))) return undefined;
  return ajv.errorsText(validate.errors);
}

/**
 * An event stream's events against the schema of one event: the operation's own (a `$ref`), or
 * for the desktop's status stream, whose schema is only `string`, the `ProcessStatusResponse`
 * its description names. At least one event must have come.
 */
function streamViolation(a: Answer, op: Operation, media: Node): string | undefined {
  const schema = media.schema as Node | undefined;
  const ref = schema?.$ref
    ? `openapi#${(schema.$ref as string).slice(1)}`
    : op.name === "streamProcessStatus"
      ? "openapi#/components/schemas/ProcessStatusResponse"
      : undefined;
  if (!ref) return `no schema for the events of ${op.name}`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  const events = new TextDecoder()
    .decode(a.body)
    .split("\n\n")
    .filter((e) => e.trim())
    .map((e) =>
      e
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n"),
    );
  if (!events.length) return "the stream sent no event";
  for (const data of events)
    if (!validate(JSON.parse(data))) return `event ${data}: ${ajv.errorsText(validate.errors)}`;
  return undefined;
}

/**
 * A stream's events: all of them, or for a stream that never ends (the desktop's status, with
 * its heartbeat) the first (up to its first blank line), without waiting for the rest.
 */
async function streamEvents(body: ReadableStream<Uint8Array> | null, endless: boolean): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(new Uint8Array(value));
    text += new TextDecoder().decode(value);
    if (endless && text.includes("\n\n")) break;
  }
  // Not awaited: a clone's cancel settles only once the original's body is cancelled too (the
  // streams standard's tee), which the driver does after this returns.
  void reader.cancel();
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

const ALL = [...OPERATIONS.values()];

describe("every answer of leap0/testing is one openapi.yaml documents (Ajv)", () => {
  test("all 106 operations answer, in success and in the documented errors", async () => {
    const mock = createMockLeap0({ maxSandboxes: 20 });
    const answers: Answer[] = [];
    const capturing = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await mock.fetch(input, init);
      const copy = res.clone();
      const type = res.headers.get("content-type");
      const operation = mock.calls.at(-1)?.operation ?? "?";
      // A status stream never ends: its first event is enough to judge.
      const body = type?.startsWith("text/event-stream")
        ? await streamEvents(copy.body, operation === "streamProcessStatus")
        : new Uint8Array(await copy.arrayBuffer());
      answers.push({ operation, status: res.status, type, body });
      return res;
    }) as typeof fetch;
    // The terminal's WebSocket: the handshake's answer is the open (101) or the refused status.
    const NoBody = new Uint8Array();
    const record = (socket: {
      addEventListener(t: string, l: (e: { status?: number; body?: string }) => void): void;
    }) => {
      socket.addEventListener("open", () =>
        answers.push({ operation: "connectPtySession", status: 101, type: null, body: NoBody }),
      );
      socket.addEventListener("error", (e) =>
        answers.push({
          operation: "connectPtySession",
          status: e.status ?? 0,
          type: "application/json",
          body: new TextEncoder().encode(e.body ?? ""),
        }),
      );
    };
    const Base = mock.WebSocket as unknown as new (url: string, options: object) => Parameters<typeof record>[0];
    const CapturingWebSocket = class extends Base {
      constructor(url: string, options: object) {
        super(url, options);
        record(this);
      }
    } as unknown as typeof mock.WebSocket;
    const client = mock.client;
    // The state every operation needs: a running sandbox with files, and things hung off it.
    const sandbox = await client.sandboxes.create({}, { waitUntilRunning: true });
    const spare = async () => (await client.sandboxes.create({}, { waitUntilRunning: true })).id;
    const stopped = await client.sandboxes.create({}, { waitUntilRunning: true });
    await stopped.stop();
    await stopped.refresh();
    const fs = sandbox.filesystem;
    await fs.mkdir("/home/user/dir/sub", { recursive: true });
    await fs.writeFile("/home/user/a.txt", "hello\nworld\n");
    await fs.writeFile("/home/user/dir/b.txt", "hello again\n");
    await sandbox.createSnapshot({ name: "contract-restore" });
    const doomed = await sandbox.createSnapshot({ name: "contract-doomed" });
    const [mount, mount2] = [
      await sandbox.addMount({ bucket: "b", endpoint: "https://s3.example.com", mountPath: "/m1" }),
      await sandbox.addMount({ bucket: "b", endpoint: "https://s3.example.com", mountPath: "/m2" }),
    ];
    const link = await sandbox.createPresignedUrl(8080);
    const [access, access2] = [await sandbox.ssh.createAccess(), await sandbox.ssh.createAccess()];
    const [term, term2] = [await sandbox.pty.create({ id: "t1" }), await sandbox.pty.create({ id: "t2" })];
    const tpl = await client.templates.create({ name: "contract-tpl", uri: "docker.io/x" });
    const tpl2 = await client.templates.create({ name: "contract-tpl-doomed", uri: "docker.io/x" });
    // In-sandbox state: code-interpreter contexts and a finished desktop recording.
    const [context, context2] = [
      await sandbox.codeInterpreter.createContext("python"),
      await sandbox.codeInterpreter.createContext("python"),
    ];
    const recording = await sandbox.desktop.startRecording();
    await sandbox.desktop.stopRecording();
    const recording2 = await sandbox.desktop.startRecording();
    await sandbox.desktop.stopRecording();

    const ids: Record<string, string> = {
      sandboxID: sandbox.id,
      snapshotID: doomed.id,
      mountID: mount.id,
      id: link.id,
      sshID: access.id,
      sessionID: term.id,
      templateID: tpl.id,
      contextID: context.id,
      recordingID: recording.id ?? "",
      processName: "x11vnc",
    };
    const S = "/home/user";
    // What sample params cannot know: names of real state, paths that exist.
    const params: Record<string, Node> = {
      createSandbox: { templateName: "system/debian:bookworm" },
      createSnapshot: { name: "contract-new" },
      restoreSnapshot: { snapshotName: "contract-restore" },
      uploadTemplate: { name: "contract-new-tpl", uri: "docker.io/y" },
      renameTemplate: { name: "contract-renamed" },
      createPresignedURL: { port: 8080 },
      validateSshAccess: { password: "wrong" },
      filesystemLS: { path: S },
      filesystemStat: { path: `${S}/a.txt` },
      filesystemMkdir: { path: `${S}/made` },
      filesystemWriteFile: { path: `${S}/w.txt` },
      filesystemReadFile: { path: `${S}/a.txt` },
      filesystemReadFiles: { paths: [`${S}/a.txt`, `${S}/dir/b.txt`] },
      filesystemDelete: { path: `${S}/dir/b.txt` },
      filesystemSetPermissions: { path: `${S}/a.txt`, mode: "600" },
      filesystemGlob: { path: S, pattern: "**/*.txt" },
      filesystemGrep: { path: S, pattern: "hello" },
      filesystemEditFile: { path: `${S}/a.txt`, edits: [{ find: "world", replace: "there" }] },
      filesystemEditFiles: { files: [`${S}/a.txt`], find: "hello", replace: "hi" },
      filesystemMove: { srcPath: `${S}/a.txt`, dstPath: `${S}/moved.txt` },
      filesystemCopy: { srcPath: `${S}/dir`, dstPath: `${S}/dir-copy`, recursive: true },
      filesystemExists: { path: `${S}/a.txt` },
      filesystemTree: { path: S },
      processExecute: { command: "echo hi" },
      resizePtySession: { cols: 100, rows: 30 },
      ...Object.fromEntries(
        ["lspStart", "lspStop", "lspCompletions", "lspDocumentSymbols", "lspDidOpen", "lspDidClose"].map((n) => [
          n,
          { languageId: "python", pathToProject: S, ...(n.startsWith("lspS") ? {} : { uri: `file://${S}/a.txt` }) },
        ]),
      ),
    };
    // Operations that end what they touch get state of their own.
    const own: Record<string, () => Promise<Record<string, string>>> = {
      deleteSandbox: async () => ({ sandboxID: await spare() }),
      pauseSandbox: async () => ({ sandboxID: await spare() }),
      stopSandbox: async () => ({ sandboxID: await spare() }),
      startSandbox: async () => ({ sandboxID: stopped.id }),
      deleteSandboxMount: async () => ({ mountID: mount2.id }),
      deleteSshAccess: async () => ({ sshID: access2.id }),
      deletePtySession: async () => ({ sessionID: term2.id }),
      deleteTemplate: async () => ({ templateID: tpl2.id }),
      deleteContext: async () => ({ contextID: context2.id }),
      deleteRecording: async () => ({ recordingID: recording2.id ?? "" }),
    };
    // The order matters only for what moves or deletes: those go last.
    const last = ["lspStop", "filesystemMove", "filesystemDelete", "deleteSnapshot", "deleteTemplate", "deleteSandbox"];
    // A language server answers once it is started.
    const first = [OPERATIONS.get("lspStart") as Operation];
    const ordered = [
      ...first,
      ...ALL.filter((op) => !last.includes(op.name) && !first.includes(op)),
      ...last.map((n) => OPERATIONS.get(n) as Operation),
    ];

    const pipeline = new Pipeline(
      resolveConfig({ apiKey: "sk-contract", baseUrl: "https://api.leap0.dev", fetch: capturing, maxRetries: 0 }),
    );
    const driven: string[] = [];
    for (const op of ordered) {
      if (op.response === "websocket") {
        const terminal = new Leap0Client({ apiKey: "sk-contract", fetch: capturing, webSocket: CapturingWebSocket });
        const connection = terminal.sandboxes.connect(sandbox.id).pty.connect(term.id);
        await connection.ready;
        connection.send("echo hi\n");
        await connection.close();
        // Unknown session and wrong key: refused with the documented 404 and 401.
        await terminal.sandboxes
          .connect(sandbox.id)
          .pty.connect("no-such-session")
          .ready.catch(() => {});
        await terminal.close();
        const wrongKey = createMockLeap0({ apiKey: "sk-the-only-key" });
        const stranger = new Leap0Client({
          apiKey: "sk-someone-else",
          fetch: wrongKey.fetch,
          webSocket: class extends (wrongKey.WebSocket as unknown as typeof Base) {
            constructor(url: string, options: object) {
              super(url, options);
              record(this);
            }
          } as unknown as typeof mock.WebSocket,
        });
        await stranger.sandboxes
          .connect(sandbox.id)
          .pty.connect(term.id)
          .ready.catch(() => {});
        driven.push(op.name);
        continue;
      }
      const path = { ...ids, ...(await own[op.name]?.()) };
      const specOp = (SPEC.paths as Record<string, Node>)[op.path]?.[op.method.toLowerCase()] as Node;
      const body = resolve(specOp.requestBody as Node).content as Record<string, Node> | undefined;
      const json = body?.["application/json"]?.schema as Node | undefined;
      const sampled = json ? (sample(json, false) as Node) : {};
      for (const p of ((specOp.parameters as Node[]) ?? []).map(resolve)) {
        if (p.in === "query" && p.required) sampled[camel(String(p.name))] = sample(p.schema as Node, false);
      }
      const input = {
        ids: path,
        sandboxId: op.host === "sandbox" ? sandbox.id : undefined,
        params: { ...sampled, ...params[op.name] },
        bytes: op.request === "bytes" ? new Uint8Array([0, 1, 255]) : undefined,
        multipart:
          op.request === "multipart"
            ? {
                body: new Blob([
                  '--x\r\nContent-Disposition: form-data; name="/home/user/p.bin"; filename="p"\r\n\r\nab\r\n--x--\r\n',
                ]),
                contentType: "multipart/form-data; boundary=x",
              }
            : undefined,
      };
      if (op.response === "json" || op.response === "empty") await invoke(pipeline, op as never, input);
      else await (await invokeStream(pipeline, op, input)).body.cancel();
      driven.push(op.name);
    }
    // Documented errors too: 404s and 409s, through a client on the same capturing fetch.
    const checked = new Leap0Client({ apiKey: "sk-contract", fetch: capturing, maxRetries: 0 });
    await checked.sandboxes.get("sbx-nosuchsandbx").catch(() => {});
    await checked.snapshots.restore({ snapshotName: "no-such-snapshot" }).catch(() => {});
    await checked.sandboxes
      .connect(sandbox.id)
      .createSnapshot({ name: "contract-restore" })
      .catch(() => {});
    await checked.sandboxes
      .connect(stopped.id)
      .pause()
      .catch(() => {});
    await checked.sandboxes
      .connect(sandbox.id)
      .filesystem.stat("/home/user/none")
      .catch(() => {});
    const inside = checked.sandboxes.connect(sandbox.id);
    await inside.codeInterpreter.getContext("ctx-none").catch(() => {});
    await inside.desktop.getRecording("rec_none").catch(() => {});
    await inside.desktop.startRecording();
    await inside.desktop.startRecording().catch(() => {});

    const wrong = answers
      .map((a) => [a, violation(a, OPERATIONS.get(a.operation) as Operation)] as const)
      .filter(([, why]) => why)
      .map(([a, why]) => `${a.operation} ${a.status}: ${why}`);
    expect(wrong).toEqual([]);
    const answered = new Set(answers.filter((a) => a.status < 300).map((a) => a.operation));
    expect(ALL.filter((op) => !answered.has(op.name)).map((op) => op.name)).toEqual([]);
    expect(answered.size).toBe(106);
    expect(driven.length).toBe(106);
    expect(
      answers
        .filter((a) => a.operation === "connectPtySession")
        .map((a) => a.status)
        .sort(),
    ).toEqual([101, 401, 404]);
    expect(new Set(answers.filter((a) => a.status >= 400).map((a) => a.status))).toEqual(new Set([401, 404, 409]));
  });
});
