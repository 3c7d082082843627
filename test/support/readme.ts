/**
 * README.md's TypeScript blocks, each with the smallest prelude that makes it a program (what a
 * block uses but does not declare), and a front for Prism that answers what Prism cannot
 * (an event stream, a multipart answer, the terminal's WebSocket) and records Prism's verdict on
 * every request. test/package.test.ts type-checks each block under `strict` against the packed
 * package and runs it against this front.
 */

import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { type RunningWsServer, startWsServer } from "./ws-server";

/** One ```ts block of README.md. */
export interface ReadmeBlock {
  /** The nearest heading above it. */
  heading: string;
  /** Its 1-based line in README.md. */
  line: number;
  code: string;
}

/**
 * The file a block shows, when its first line names one (`// examples/testing/agent.test.ts: …`):
 * such a block is a test file that `npm test` runs itself, so it is compared with the file rather
 * than run as a script.
 */
export function fileOfBlock(block: ReadmeBlock): string | undefined {
  return /^\/\/ (examples\/[\w./-]+\.ts)\b/.exec(block.code)?.[1];
}

/** Every ```ts block of README.md, in order. */
export function readmeBlocks(readme = join(__dirname, "..", "..", "README.md")): ReadmeBlock[] {
  const lines = readFileSync(readme, "utf8").split("\n");
  const blocks: ReadmeBlock[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? "";
    if (/^#{1,4} /.test(l)) heading = l.replace(/^#+ /, "");
    if (!l.startsWith("```")) continue;
    const end = lines.indexOf("```", i + 1);
    if (l === "```ts") blocks.push({ heading, line: i + 1, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** A sandbox id Prism's examples know. */
const ID = "sbx-7f3k2m9q4d";
const CLIENT = 'import { Leap0Client } from "leap0";\nconst client = new Leap0Client();';
const SANDBOX = `import { Leap0Client } from "leap0";\nconst client = new Leap0Client();\nconst sandbox = client.sandboxes.connect("${ID}");`;

/**
 * The prelude of each block, matched by heading and first line, in README order. A block that
 * has none, or an entry whose block is gone, fails the test: a new block needs its prelude here.
 */
export const PRELUDES: { heading: string; startsWith: string; prelude: string }[] = [
  { heading: "Install and first call", startsWith: 'import { Leap0Client } from "leap0";', prelude: "" },
  { heading: "Snapshots", startsWith: "import { Leap0Client, NetworkPolicyMode }", prelude: "" },
  {
    heading: "Sandboxes",
    startsWith: "const sandbox = await client.sandboxes.create({",
    prelude: 'import { Leap0Client, NetworkPolicyMode } from "leap0";\nconst client = new Leap0Client();',
  },
  { heading: "Sandboxes", startsWith: 'await client.snapshots.restore({ snapshotName: "big" }', prelude: CLIENT },
  {
    heading: "Waiting and cleaning up",
    startsWith: "const sandbox = await client.sandboxes.create();",
    prelude: CLIENT,
  },
  {
    heading: "Waiting and cleaning up",
    startsWith: "await using client = new Leap0Client();",
    prelude: 'import { Leap0Client } from "leap0";',
  },
  {
    heading: "Files",
    startsWith: "const text = await sandbox.filesystem.readFile(",
    prelude: `import { createReadStream } from "node:fs";\n${SANDBOX}`,
  },
  { heading: "Code interpreter and desktop", startsWith: "import { DEFAULT_CODE_INTERPRETER", prelude: CLIENT },
  {
    heading: "Terminals and language servers",
    startsWith: 'import { Leap0Client } from "leap0";',
    prelude: `const sandboxId = "${ID}";`,
  },
  {
    heading: "Commands, git and access",
    startsWith: "const { exitCode, stdout } = await sandbox.process.execute(",
    prelude: `${SANDBOX}\nconst url = "https://github.com/org/repo";\nconst token = "ghp_readme_example_token";\nconst bucket = "datasets";\nconst endpoint = "https://s3.example.com";`,
  },
  {
    heading: "Logging",
    startsWith: "const client = new Leap0Client({ logger: console",
    prelude: 'import { Leap0Client } from "leap0";',
  },
  { heading: "Performance", startsWith: 'import { Leap0Client } from "leap0";', prelude: "" },
];

/** One request a block made, and what Prism (or the front) said of it. */
export interface FrontRequest {
  method: string;
  path: string;
  status: number;
  violations: string | null;
}

/** The front a block's client talks to: API host and sandbox hosts alike. */
export interface ReadmeFront extends RunningWsServer {
  requests: FrontRequest[];
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A multipart answer with one part per requested path, as the service answers read-files. */
function readFilesAnswer(res: ServerResponse, paths: string[]): void {
  const boundary = "readme-boundary";
  const parts = paths.map(
    (p) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${p}"; filename="${p}"\r\nContent-Type: application/octet-stream\r\n\r\ncontents of ${p}\r\n`,
  );
  res.writeHead(200, { "Content-Type": `multipart/form-data; boundary=${boundary}` });
  res.end(`${parts.join("")}--${boundary}--\r\n`);
}

/**
 * Pipes HTTP to Prism and records its `sl-violations` verdict, except the three answers Prism
 * cannot give: the code interpreter's event stream, read-files' multipart answer, and the
 * terminal's WebSocket (a shell that answers a line with a listing and a prompt).
 */
export async function startReadmeFront(prismUrl: string, apiKey: string): Promise<ReadmeFront> {
  const target = new URL(prismUrl);
  const requests: FrontRequest[] = [];
  const server = await startWsServer({
    refuse: (req) => (req.headers.authorization === `Bearer ${apiKey}` ? undefined : 401),
    onConnection: (peer) => {
      peer.onMessage = (data) => {
        // As a shell does: the output, then the prompt, in frames of their own.
        if (!data.toString().endsWith("\n")) return;
        peer.sendBinary("total 8\r\n-rw-r--r-- 1 user user 12 main.py\r\n");
        setTimeout(() => peer.sendBinary("user@sandbox:~$ "), 20);
      };
    },
    onRequest: async (req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const body = await bodyOf(req);
      const record = (status: number, violations: string | null) =>
        requests.push({ method: req.method ?? "", path, status, violations });
      if (req.method === "POST" && path === "/execute/async") {
        record(200, null);
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.end('data: {"type":"stdout","data":"hi\\n"}\n\ndata: {"type":"exit","code":0}\n\n');
        return;
      }
      if (req.method === "POST" && path.endsWith("/filesystem/read-files")) {
        record(200, null);
        readFilesAnswer(res, (JSON.parse(body.toString("utf8")) as { paths: string[] }).paths);
        return;
      }
      const upstream = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          const v = answer.headers["sl-violations"];
          record(answer.statusCode ?? 0, typeof v === "string" ? v : null);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.writeHead(502).end());
      upstream.end(body);
    },
  });
  return { ...server, requests };
}
