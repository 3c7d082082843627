/**
 * The road every call takes from a facade to the wire and back, driven by the operation's
 * generated facts: check the params (zod, the spec's bounds), split them into query, headers and
 * body under their wire names, pick the host, send through the pipeline with the operation's
 * body kind, read the answer with its response kind, check it, and map its keys back.
 * A plain facade method is one `invoke()`; nothing here names an endpoint.
 */
import type { Operation } from "../../generated/operations";
import type { OperationTypes } from "../../generated/types";
import type { RequestOptions } from "./config";
import { Leap0Error } from "./errors";
import { sandboxBase } from "./hosts";
import { fromWire, toWireRequest } from "./keys";
import type { Pipeline, ReadAs, StreamedResponse } from "./pipeline";
import { hideSecretsIn, secretsIn } from "./secrets";
import { decodeResponse, parseParams, pathId } from "./validate";

/** A generated operation, with its name as a literal so its types can be looked up. */
export type Op<N extends keyof OperationTypes = keyof OperationTypes> = Operation & { readonly name: N };

/** The camelCase params an operation takes (query, header and body fields; not path ids). */
export type ParamsOf<N extends keyof OperationTypes> = OperationTypes[N]["params"];
/** The camelCase result an operation answers with. */
export type ResultOf<N extends keyof OperationTypes> = OperationTypes[N]["result"];

/** A raw request body, for operations that send bytes. Buffered, so a retry can replay it. */
export type BytesBody = Uint8Array | ArrayBuffer | Blob | string;

/** What one call of an operation carries besides its options. */
export interface CallInput {
  /** The ids the operation's path names, by their wire names (`sandboxID`, …); each is checked and percent-encoded. */
  readonly ids?: Readonly<Record<string, string>>;
  /** The caller's params object; checked against the operation's params check. */
  readonly params?: unknown;
  /** For `host: "sandbox"` operations: whose sandbox serves it. */
  readonly sandboxId?: string;
  /** The raw body of a `request: "bytes"` operation. */
  readonly bytes?: BytesBody;
  /**
   * A streamed raw body of a `request: "bytes"` operation, instead of `bytes`. It can be read only
   * once, so the call is never retried (`maxRetries` is forced to 0), and it is sent with
   * `duplex: "half"` as fetch requires of a stream body.
   */
  readonly stream?: ReadableStream<Uint8Array>;
  /** The body of a `request: "multipart"` operation, built by its facade. */
  readonly form?: FormData;
  /** Or a multipart body the facade encoded itself (when FormData's encoding does not fit), with its Content-Type. */
  readonly multipart?: { readonly body: Blob; readonly contentType: string };
  /** Names the params in a validation message ("restore parameters"); defaults to the operation's. */
  readonly what?: string;
  /**
   * Secrets the SDK put into the request itself, beyond the fields openapi.yaml marks
   * (`x-leap0-secret`, found by the operation's `secretParams`): scrubbed like those.
   */
  readonly secrets?: readonly string[];
}

function readAsFor(op: Operation): ReadAs {
  switch (op.response) {
    case "json":
      return "json";
    case "empty":
      return "none";
    case "text":
      return "text";
    case "bytes":
      return "bytes";
    default:
      // Streams, multipart and WebSocket answers have their own readers (not through invoke()).
      throw new Leap0Error(`${op.name}: a ${op.response} response cannot be read by invoke()`);
  }
}

/**
 * Calls one operation and returns its result, camelCase. Throws `Leap0ValidationError` before
 * anything is sent when the params break the contract, and the pipeline's typed errors after.
 */
export async function invoke<N extends keyof OperationTypes>(
  pipeline: Pipeline,
  op: Op<N>,
  input: CallInput = {},
  options?: RequestOptions | null,
): Promise<ResultOf<N>> {
  const data = await send(pipeline, op, input, options, readAsFor(op));
  if (op.response !== "json") return data as ResultOf<N>;
  if (!op.result) return undefined as ResultOf<N>;
  decodeResponse(op.result(), data, op);
  return hideSecretsIn(fromWire(data, op.resultKeys), op.secretResult) as ResultOf<N>;
}

/**
 * Calls one operation and hands its body over as a stream once the headers are in (for
 * downloads, event streams and multipart answers): see {@link StreamedResponse} for its idle
 * timeout and cancellation. Same checks and errors as {@link invoke} up to the headers.
 */
export function invokeStream(
  pipeline: Pipeline,
  op: Operation,
  input: CallInput = {},
  options?: RequestOptions | null,
): Promise<StreamedResponse> {
  return send(pipeline, op, input, options, "stream") as Promise<StreamedResponse>;
}

/** Checks, maps and sends one call; the answer is read as `readAs`. */
function send(
  pipeline: Pipeline,
  op: Operation,
  input: CallInput,
  options: RequestOptions | null | undefined,
  readAs: ReadAs,
): Promise<unknown> {
  const raw = input.params ?? {};
  // What the request carries that must never come back in an error, a log line or a body.
  const secrets = op.secretParams ? [...secretsIn(raw, op.secretParams), ...(input.secrets ?? [])] : input.secrets;
  const parsed = parseParams(op.params(), raw, input.what ?? `${op.name} parameters`) as Record<string, unknown>;
  const wire = toWireRequest(op, parsed, raw);
  const path: Record<string, string> = {};
  for (const name of op.pathParams) path[name] = pathId(input.ids?.[name], name);
  const baseUrl =
    op.host === "sandbox" ? sandboxBase(pipeline.hosts, pathId(input.sandboxId, "sandbox id")) : undefined;

  let body: unknown;
  let bodySerializer: ((b: unknown) => unknown) | undefined;
  let contentType: string | undefined;
  if (op.request === "json") body = wire.body ?? {};
  else if (op.request === "bytes") {
    body = input.stream ?? input.bytes ?? new Uint8Array(0);
    bodySerializer = (b) => b;
    contentType = op.contentType ?? "application/octet-stream";
  } else if (op.request === "multipart" && input.multipart) {
    body = input.multipart.body;
    bodySerializer = (b) => b;
    contentType = input.multipart.contentType;
  } else if (op.request === "multipart") {
    if (!input.form) throw new Leap0Error(`${op.name}: a multipart operation needs its form`);
    // fetch writes the boundary into Content-Type itself; the form is rebuilt per attempt by
    // fetch from the same FormData, so a retry sends the same bytes.
    body = input.form;
    bodySerializer = (b) => b;
  }

  return pipeline.call({
    op,
    params: { path, query: wire.query },
    headers: contentType ? { "Content-Type": contentType, ...wire.headers } : wire.headers,
    body,
    bodySerializer,
    baseUrl,
    // A stream can be read only once: sent with duplex "half" (as fetch requires), never retried.
    duplex: input.stream ? "half" : undefined,
    options: input.stream ? { ...options, maxRetries: 0 } : options,
    readAs,
    subject: () => subject(op, path, input.sandboxId),
    secrets,
  });
}

/** What a 404 was about, for its message: `sandbox "sbx-1"`, `mount "m-2" of sandbox "sbx-1"`. */
function subject(op: Operation, path: Record<string, string>, sandboxId: string | undefined): string | undefined {
  const parts = op.pathParams.map((name) => {
    const noun = name
      .replace(/I[Dd]$/, "")
      .replace(/([a-z])([A-Z])/g, "$1 $2")
      .toLowerCase();
    return `${noun} ${JSON.stringify(path[name])}`;
  });
  if (op.host === "sandbox" && sandboxId) parts.push(`sandbox ${JSON.stringify(sandboxId)}`);
  return parts.length ? parts.reverse().join(" of ") : undefined;
}
