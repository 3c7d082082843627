/** openapi.yaml's operations → the facts the emitter writes for each (see emit.ts). */
import { type IR, LEAP0_SCHEMA_KEYS, type Node, type ObjectIR, type Spec } from "./ir";
import { camel, isIdentifier, pascal, SpecError } from "./names";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const IDEMPOTENT = new Set(["GET", "PUT", "DELETE", "HEAD", "OPTIONS"]);

export type RequestKind = "none" | "json" | "bytes" | "multipart";
export type ResponseKind = "empty" | "json" | "text" | "bytes" | "multipart" | "event-stream" | "websocket";

/** One field of an operation's params: a query or header parameter, or a body field. */
export interface Field {
  in: "query" | "header" | "body";
  wire: string;
  camel: string;
  schema: IR;
  required: boolean;
  /** The parameter's own description (a body field's is on its schema). */
  description?: string;
  deprecated?: boolean;
}

/** The kinds of `x-leap0-…` rule between an operation's fields (see {@link Operation.rules}). */
export const RULE_KINDS = ["exclusive", "together", "zeroTogether"] as const;

/** One rule between fields, by wire name. */
export interface FieldRule {
  kind: (typeof RULE_KINDS)[number];
  fields: string[];
}

export interface Operation {
  id: string;
  pascal: string;
  method: string;
  path: string;
  host: "api" | "sandbox";
  summary?: string;
  description?: string;
  deprecated: boolean;
  request: RequestKind;
  /** The request body's media type (json, bytes and multipart). */
  contentType?: string;
  response: ResponseKind;
  accept: string;
  retry: "idempotent" | "never";
  pathParams: string[];
  fields: Field[];
  /** The JSON body's (or multipart's non-binary part's) schema: a component reference or an inline object. */
  body?: IR;
  /** Wire names of the binary multipart parts; "*" means any part name (a map of files). */
  binary: string[];
  /** The success body's schema (JSON), or one event's (event-stream). */
  result?: IR;
  /** Every status code the operation documents, ascending (what an in-memory Leap0 may answer). */
  statuses: number[];
  /**
   * Rules between fields that the contracts state only in prose, each a group of wire names:
   * `exclusive` at most one set, `together` all or none, `zeroTogether` one 0 makes all 0.
   */
  rules: FieldRule[];
}

const isObj = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);

/** The kind of body a media type carries. */
export function mediaKind(type: string): "json" | "event-stream" | "multipart" | "text" | "bytes" | "form" {
  const t = type.toLowerCase().split(";")[0]?.trim() ?? "";
  if (t === "application/json" || /^application\/[^/]+\+json$/.test(t)) return "json";
  if (t === "text/event-stream") return "event-stream";
  if (t.startsWith("multipart/")) return "multipart";
  if (t === "application/x-www-form-urlencoded") return "form";
  if (t.startsWith("text/")) return "text";
  return "bytes"; // application/octet-stream, image/*, video/*, audio/*, application/pdf, …
}

export function readOperations(spec: Spec): Operation[] {
  const paths = spec.doc.paths;
  if (!isObj(paths)) throw new SpecError("the spec has no paths");
  const ops: Operation[] = [];
  const ids = new Set<string>();
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = spec.deref(rawItem);
    for (const key of Object.keys(item)) {
      if (!METHODS.includes(key)) continue;
      const raw = item[key];
      if (!isObj(raw)) throw new SpecError(`${path} ${key}: not an operation object`);
      const op = readOperation(spec, path, key, item, raw);
      if (ids.has(op.id)) throw new SpecError(`operationId ${op.id} is used twice`);
      ids.add(op.id);
      ops.push(op);
    }
  }
  return ops;
}

/** Where the two hosts are: the spec's top-level server, and the one server every in-sandbox path names. */
export interface Servers {
  /** The control-plane API's URL. */
  api: string;
  /** The in-sandbox APIs' URL template, with `{sandboxId}` and `{sandboxDomain}`. */
  sandbox: string;
  /** The default of its `{sandboxDomain}` variable. */
  sandboxDomain: string;
}

/**
 * Reads both servers, so the SDK's default URLs are the spec's and are stated nowhere else. Every
 * path-level server must be the same template (the SDK has one sandbox host), and it must
 * place exactly `{sandboxId}` and `{sandboxDomain}`, the variables the SDK fills.
 */
export function readServers(spec: Spec): Servers {
  const top = spec.doc.servers;
  const api = Array.isArray(top) && isObj(top[0]) ? top[0].url : undefined;
  if (typeof api !== "string" || !/^https:\/\/[^{}]+$/.test(api)) {
    throw new SpecError("servers: the first top-level server must be a plain https:// URL (the control-plane API)");
  }
  let sandbox: Node | undefined;
  for (const [path, rawItem] of Object.entries(isObj(spec.doc.paths) ? spec.doc.paths : {})) {
    const item = spec.deref(rawItem);
    const lists = [item.servers, ...METHODS.map((m) => (isObj(item[m]) ? item[m].servers : undefined))];
    for (const list of lists) {
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length !== 1 || !isObj(list[0])) {
        throw new SpecError(`${path}: servers must list exactly one server (the sandbox's own host)`);
      }
      const server = list[0];
      if (
        sandbox &&
        (server.url !== sandbox.url || JSON.stringify(server.variables) !== JSON.stringify(sandbox.variables))
      ) {
        throw new SpecError(
          `${path}: its server differs from the other in-sandbox paths' (the SDK has one sandbox host)`,
        );
      }
      sandbox = server;
    }
  }
  if (!sandbox) throw new SpecError("no path names a server: the in-sandbox host is not described");
  const url = sandbox.url;
  const placed = typeof url === "string" ? (url.match(/\{[^}]*\}/g) ?? []).sort().join(",") : "";
  if (typeof url !== "string" || !url.startsWith("https://") || placed !== "{sandboxDomain},{sandboxId}") {
    throw new SpecError(
      "the in-sandbox server must be an https:// template placing {sandboxId} and {sandboxDomain} once each",
    );
  }
  const domain =
    isObj(sandbox.variables) && isObj(sandbox.variables.sandboxDomain)
      ? sandbox.variables.sandboxDomain.default
      : undefined;
  if (typeof domain !== "string" || !domain) {
    throw new SpecError("the in-sandbox server's sandboxDomain variable needs a default (the production domain)");
  }
  return { api, sandbox: url, sandboxDomain: domain };
}

function readOperation(spec: Spec, path: string, method: string, item: Node, raw: Node): Operation {
  const id = raw.operationId;
  const where = `${method.toUpperCase()} ${path}`;
  if (typeof id !== "string") throw new SpecError(`${where}: no operationId`);
  if (!isIdentifier(id)) throw new SpecError(`${where}: operationId ${id} cannot be an exported constant's name`);
  const METHOD = method.toUpperCase();
  if (METHOD === "TRACE") throw new SpecError(`${where}: TRACE is not supported`);

  // Parameters: the path item's, overridden by the operation's (same name and location).
  const params = new Map<string, Node>();
  for (const list of [item.parameters, raw.parameters]) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new SpecError(`${where}: parameters must be a list`);
    for (const p of list) {
      const param = spec.deref(p);
      params.set(`${String(param.in)}:${String(param.name)}`, param);
    }
  }
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const fields: Field[] = [];
  for (const param of params.values()) {
    const name = String(param.name);
    const at = `${where} parameter ${name}`;
    if (param.in === "path") {
      if (!pathParams.includes(name)) throw new SpecError(`${at}: not in the path template`);
      if (param.required !== true) throw new SpecError(`${at}: a path parameter must be required`);
      continue;
    }
    if (param.in !== "query" && param.in !== "header")
      throw new SpecError(`${at}: "${String(param.in)}" parameters are not supported`);
    if (param.content !== undefined) throw new SpecError(`${at}: parameters with "content" are not supported`);
    // SDK rules may sit on the parameter itself; they apply to its schema.
    const extra = Object.fromEntries(Object.entries(param).filter(([k]) => LEAP0_SCHEMA_KEYS.includes(k)));
    const schema = spec.schema(
      Object.keys(extra).length ? { ...(isObj(param.schema) ? spec.deref(param.schema) : {}), ...extra } : param.schema,
      at,
    );
    const field: Field = { in: param.in, wire: name, camel: camel(name), schema, required: param.required === true };
    if (typeof param.description === "string") field.description = param.description.trim();
    if (param.deprecated === true) field.deprecated = true;
    fields.push(field);
  }
  for (const p of pathParams) {
    if (!params.has(`path:${p}`)) throw new SpecError(`${where}: path parameter {${p}} is not declared`);
  }

  const op: Operation = {
    id,
    pascal: pascal(id),
    method: METHOD,
    path,
    host:
      (Array.isArray(item.servers) && item.servers.length) || (Array.isArray(raw.servers) && raw.servers.length)
        ? "sandbox"
        : "api",
    deprecated: raw.deprecated === true,
    request: "none",
    response: "empty",
    accept: "*/*",
    retry: IDEMPOTENT.has(METHOD) ? "idempotent" : "never",
    pathParams,
    fields,
    binary: [],
    rules: [],
    statuses: [],
  };
  if (typeof raw.summary === "string") op.summary = raw.summary.trim();
  if (typeof raw.description === "string") op.description = raw.description.trim();

  const retry = raw["x-leap0-retry"];
  if (retry !== undefined) {
    if (retry === "safe") op.retry = "idempotent";
    else if (retry === "never") op.retry = "never";
    else throw new SpecError(`${where}: x-leap0-retry must be "safe" or "never", not ${JSON.stringify(retry)}`);
  }

  readRequestBody(spec, op, raw.requestBody, where);
  readResponses(spec, op, raw.responses, where);

  for (const kind of RULE_KINDS) {
    const key = `x-leap0-${kind}`;
    const value = raw[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length === 0) throw new SpecError(`${where}: ${key} must be a list`);
    // One group, or a list of groups.
    const groups = value.every((g) => typeof g === "string") ? [value as string[]] : (value as unknown[]);
    for (const g of groups) {
      if (!Array.isArray(g) || g.length < 2 || !g.every((x) => typeof x === "string")) {
        throw new SpecError(`${where}: ${key} must list field names (or lists of them)`);
      }
      for (const name of g) {
        if (!op.fields.some((f) => f.wire === name))
          throw new SpecError(`${where}: ${key} names ${name}, which is no param of this operation`);
      }
      op.rules.push({ kind, fields: g as string[] });
    }
  }

  const seen = new Map<string, Field>();
  for (const f of op.fields) {
    const clash = seen.get(f.camel);
    if (clash)
      throw new SpecError(`${where}: ${clash.in} ${clash.wire} and ${f.in} ${f.wire} both become params.${f.camel}`);
    seen.set(f.camel, f);
  }
  return op;
}

function readRequestBody(spec: Spec, op: Operation, rawBody: unknown, where: string): void {
  if (rawBody === undefined) return;
  const body = spec.deref(rawBody);
  const content = isObj(body.content) ? body.content : {};
  const types = Object.keys(content);
  if (types.length !== 1)
    throw new SpecError(`${where}: a request body with ${types.length} media types is not supported`);
  const type = types[0] as string;
  const media = isObj(content[type]) ? (content[type] as Node) : {};
  const kind = mediaKind(type);
  op.contentType = type;
  if (kind === "json") {
    op.request = "json";
    const schema = spec.schema(media.schema, `${where} request body`);
    const obj = spec.resolve(schema);
    if (obj.kind !== "object") throw new SpecError(`${where}: a JSON body must be an object (found ${obj.kind})`);
    if (obj.nullable || schema.nullable) throw new SpecError(`${where}: a nullable JSON body is not supported`);
    if (obj.open)
      throw new SpecError(`${where}: a JSON body with additionalProperties beside properties is not supported`);
    op.body = schema;
    for (const p of obj.props) {
      if (spec.resolve(p.schema).readOnly || p.schema.readOnly) continue;
      op.fields.push({ in: "body", wire: p.wire, camel: p.camel, schema: p.schema, required: p.required });
    }
  } else if (kind === "multipart") {
    op.request = "multipart";
    const schema = spec.resolve(spec.schema(media.schema, `${where} request body`));
    const rest: ObjectIR = { kind: "object", props: [] };
    if (schema.kind === "map") {
      if (!isBinary(spec, schema.values))
        throw new SpecError(`${where}: a multipart map of non-binary parts is not supported`);
      op.binary.push("*");
    } else if (schema.kind === "object") {
      for (const p of schema.props) {
        if (isBinary(spec, p.schema)) op.binary.push(p.wire);
        else {
          rest.props.push(p);
          op.fields.push({ in: "body", wire: p.wire, camel: p.camel, schema: p.schema, required: p.required });
        }
      }
    } else throw new SpecError(`${where}: a multipart body must be an object`);
    if (rest.props.length) op.body = rest;
  } else if (kind === "bytes" || kind === "text") {
    op.request = "bytes";
  } else {
    throw new SpecError(`${where}: request media type ${type} is not supported`);
  }
}

function isBinary(spec: Spec, ir: IR): boolean {
  const r = spec.resolve(ir);
  return r.kind === "binary" || (r.kind === "array" && spec.resolve(r.items).kind === "binary");
}

function readResponses(spec: Spec, op: Operation, raw: unknown, where: string): void {
  if (!isObj(raw)) throw new SpecError(`${where}: no responses`);
  op.statuses = Object.keys(raw)
    .filter((c) => /^\d{3}$/.test(c))
    .map(Number)
    .sort((a, b) => a - b);
  const codes = Object.keys(raw)
    .filter((c) => /^(2\d\d|2XX|101)$/i.test(c))
    .sort();
  if (codes.length === 0) throw new SpecError(`${where}: no success response`);
  if (codes.includes("101")) {
    op.response = "websocket";
    return;
  }
  // Every success media type, by kind; the kind we read is the first by this preference.
  const byKind = new Map<string, { type: string; schema: unknown; code: string }[]>();
  for (const code of codes) {
    const res = spec.deref(raw[code]);
    const content = isObj(res.content) ? res.content : {};
    for (const [type, media] of Object.entries(content)) {
      const kind = mediaKind(type);
      if (kind === "form") throw new SpecError(`${where}: response media type ${type} is not supported`);
      const list = byKind.get(kind) ?? [];
      list.push({ type, schema: isObj(media) ? media.schema : undefined, code });
      byKind.set(kind, list);
    }
  }
  const kind = ["json", "event-stream", "multipart", "text", "bytes"].find((k) => byKind.has(k));
  if (!kind) return; // 204 and friends: nothing to read
  const list = byKind.get(kind) ?? [];
  op.response = kind as ResponseKind;
  op.accept = [...new Set(list.map((m) => m.type))].join(", ");
  if (kind === "json" || kind === "event-stream") {
    const first = list[0] as { schema: unknown; code: string };
    for (const other of list.slice(1)) {
      if (JSON.stringify(other.schema) !== JSON.stringify(first.schema)) {
        throw new SpecError(
          `${where}: success responses ${first.code} and ${other.code} have different ${kind} schemas`,
        );
      }
    }
    const schema = spec.schema(first.schema, `${where} response ${first.code}`);
    // An event stream whose events the spec calls strings carries plain text: nothing to check or map.
    if (kind === "json" || spec.resolve(schema).kind !== "string") op.result = schema;
  }
}
