/**
 * From a raw HTTP request to an operation of the contract: which one (method and path template
 * from the generated table), its path ids, and its params decoded and checked the way the real
 * API would refuse them. Nothing here knows what any operation does.
 */

import type { Operation } from "../../generated/operations";
import * as operations from "../../generated/operations";
import { fromWire } from "../core/keys";
import { boundaryOf, type Part, parseMultipart } from "../core/multipart";

/** An operation matched from a request, with everything a handler needs. */
export interface Routed {
  op: Operation;
  /** Path ids by their wire names (`sandboxID`, …). */
  path: Record<string, string>;
  /** For an in-sandbox operation: whose host it came to. */
  sandboxId: string | undefined;
  /** The params as the SDK names them (camelCase): query, headers and JSON body fields. */
  params: Record<string, unknown>;
  /** A bytes body. */
  bytes: Uint8Array | undefined;
  /** A multipart body's parts. */
  parts: Part[] | undefined;
  /** A refusal the real API would answer with (400) instead of running the operation. */
  invalid: { field: string; error: string }[] | undefined;
}

interface Route {
  op: Operation;
  method: string;
  pattern: RegExp;
  names: string[];
}

const ROUTES: Route[] = (Object.values(operations) as unknown[])
  .filter((v): v is Operation => typeof v === "object" && v !== null && "pathParams" in v && "method" in v)
  .map((op) => {
    const names: string[] = [];
    const source = op.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const m = /^\{([^}]+)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(m[1] as string);
        return "([^/]+)";
      })
      .join("");
    return { op, method: op.method, pattern: new RegExp(`^${source}$`), names };
  });

/** Every operation of the contract, by name. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(ROUTES.map((r) => [r.op.name, r.op]));

/** The operation a method and path name on a host kind, with its path ids; `undefined` for none. */
export function match(
  method: string,
  pathname: string,
  host: "api" | "sandbox",
): { op: Operation; path: Record<string, string> } | undefined {
  for (const r of ROUTES) {
    if (r.op.host !== host || r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const path: Record<string, string> = {};
    r.names.forEach((name, i) => {
      path[name] = decodeURIComponent(m[i + 1] as string);
    });
    return { op: r.op, path };
  }
  return undefined;
}

/** A query value as text; the wire carries no types, so numbers and booleans are typed only when the check asks for them. */
function queryText(values: string[]): string | string[] {
  return values.length > 1 ? values : (values[0] as string);
}

/** The typed reading of query text, for a field whose check rejected the text (a page size, a flag). */
function typedQuery(value: unknown): unknown {
  const one = (v: unknown) =>
    v === "true" ? true : v === "false" ? false : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  return Array.isArray(value) ? value.map(one) : one(value);
}

function describe(issue: { code: string; message?: string }): string {
  switch (issue.code) {
    case "invalid_type":
      return "has the wrong type";
    case "too_big":
      return "is too large";
    case "too_small":
      return "is too small";
    case "invalid_value":
      return "is not one of the allowed values";
    case "unrecognized_keys":
      return "is not a known field";
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message : "is not valid";
  }
}

/** Decodes a request for `op` and checks its params against the contract's rules. */
export async function decode(
  request: Request,
  op: Operation,
  path: Record<string, string>,
  sandboxId: string | undefined,
): Promise<Routed> {
  const url = new URL(request.url);
  const params: Record<string, unknown> = {};
  const invalid: { field: string; error: string }[] = [];
  for (const [camelName, wire] of Object.entries(op.query ?? {})) {
    const values = url.searchParams.getAll(wire);
    if (values.length) params[camelName] = queryText(values);
  }
  for (const [camelName, header] of Object.entries(op.headers ?? {})) {
    const value = request.headers.get(header);
    if (value !== null) params[camelName] = value;
  }
  let bytes: Uint8Array | undefined;
  let parts: Part[] | undefined;
  const raw = new Uint8Array(await request.arrayBuffer());
  if (op.request === "json") {
    const text = new TextDecoder().decode(raw);
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      invalid.push({ field: "body", error: "is not valid JSON" });
    }
    if (body && typeof body === "object" && !Array.isArray(body)) {
      Object.assign(params, fromWire(body, op.bodyKeys ?? {}) as Record<string, unknown>);
    } else if (!invalid.length) invalid.push({ field: "body", error: "must be a JSON object" });
  } else if (op.request === "bytes") {
    bytes = raw;
  } else if (op.request === "multipart") {
    const boundary = boundaryOf(request.headers.get("content-type"));
    try {
      if (!boundary) throw new Error("no boundary");
      parts = parseMultipart(raw, boundary);
    } catch {
      invalid.push({ field: "body", error: "is not a readable multipart/form-data body" });
    }
  }
  if (!invalid.length) {
    let checked = op.params().safeParse(params);
    // A query field whose text was refused for its type is read again as a number or boolean:
    // "644" stays text for a string field, "20" becomes 20 for an integer one.
    const retyped = checked.success
      ? []
      : checked.error.issues
          .filter((i) => i.code === "invalid_type" && i.path.length === 1 && String(i.path[0]) in (op.query ?? {}))
          .map((i) => String(i.path[0]));
    if (retyped.length) {
      for (const name of retyped) params[name] = typedQuery(params[name]);
      checked = op.params().safeParse(params);
    }
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = issue.path.length ? issue.path.map(String).join(".") : "body";
        invalid.push({ field, error: describe(issue) });
      }
    }
  }
  return { op, path, sandboxId, params, bytes, parts, invalid: invalid.length ? invalid : undefined };
}
