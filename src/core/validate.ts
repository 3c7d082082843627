import type * as z from "zod/mini";
import { type FieldError, Leap0MalformedResponseError, Leap0ValidationError } from "./errors";
import { unknownKeyProblem } from "./suggest";

// zod/mini ships no message catalogue (loading one is a global side effect on the user's zod),
// so messages are written here from the issue codes. Values are never echoed: they may be secrets.
function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_big": {
      const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}${unit}`;
    }
    case "too_small": {
      if (issue.origin === "string" && issue.minimum === 1) return "must not be empty";
      const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
      return `must be ${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}${unit}`;
    }
    case "invalid_type":
      return issue.expected === "int" ? "must be a whole number" : `must be a ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      // A pattern the spec states in its own words (x-leap0-pattern) says what it wants.
      return issue.format === "regex" && issue.message && issue.message !== "Invalid input"
        ? issue.message
        : `must be a valid ${issue.format}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
    case "invalid_union":
      return "is not in any accepted form";
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message : "is not valid";
  }
}

function fieldErrors(issues: readonly z.core.$ZodIssue[], root: string): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join(".") : root,
    error: describe(issue),
  }));
}

type Def = {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  getter?: () => unknown;
  in?: unknown;
};
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The keys a strict object accepts at `path` inside `schema`, through optional, nullable, arrays and lazies. */
function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let s = schema;
  let i = 0;
  for (let guard = 0; guard < 64; guard++) {
    const def = defOf(s);
    if (!def) return undefined;
    if (def.innerType) s = def.innerType;
    else if (def.getter) s = def.getter();
    else if (def.type === "pipe") s = def.in;
    else if (i < path.length && def.type === "array") {
      s = def.element;
      i++;
    } else if (i < path.length && def.shape) {
      s = def.shape[String(path[i])];
      i++;
    } else return i === path.length && def.shape ? Object.keys(def.shape) : undefined;
  }
  return undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key as string];
  }
  return v;
}

/** Field errors a person can act on: "is required" for a missing field; unknown keys with the allowed ones. */
function explain(schema: unknown, input: unknown, issues: readonly z.core.$ZodIssue[], root: string): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const allowed = keysAt(schema, issue.path);
      for (const raw of issue.keys) {
        // A key that does not look like a field name may be a secret pasted in the wrong place.
        const key = /^[A-Za-z_$][\w$-]{0,63}$/.test(raw) ? raw : "(a key that is not an identifier)";
        out.push({
          field: base ? `${base}.${key}` : key,
          error: allowed
            ? unknownKeyProblem(key, allowed).replace("is not an option", "is not a field")
            : "is not a field",
        });
      }
    } else if (issue.code === "invalid_type" && issue.path.length && valueAt(input, issue.path) === undefined) {
      out.push({ field: base, error: "is required" });
    } else out.push(...fieldErrors([issue], root));
  }
  return out;
}

/**
 * Builds a value on first use. The zod schemas are built this way because constructing them
 * all at import costs several milliseconds of every process's cold start.
 */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    if (value === undefined) value = build();
    return value;
  };
}

/**
 * Checks a caller's parameters before anything is sent; throws {@link Leap0ValidationError}
 * naming each bad field. `what` names the parameter object in the message.
 */
export function parseParams<S extends z.ZodMiniType>(schema: S, input: unknown, what: string): z.output<S> {
  const proto = findProtoKey(input, "", 0);
  if (proto !== undefined) {
    const field = proto || what;
    throw new Leap0ValidationError(
      `Invalid ${what}: ${field} has a key named "__proto__", which JavaScript objects treat specially, so it could be silently lost on the way to the wire; rename it. Nothing was sent.`,
      { fieldErrors: [{ field, error: 'has a key named "__proto__"' }] },
    );
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = explain(schema, input, result.error.issues, what);
  throw new Leap0ValidationError(
    `Invalid ${what}: ${errors.map((e) => `${e.field} ${e.error}`).join("; ")}. Nothing was sent.`,
    { fieldErrors: errors },
  );
}

/**
 * The path of the first object (in plain objects and arrays, as JSON would have them) with an own
 * `__proto__` key, such as `JSON.parse('{"__proto__":"x"}')` makes; `undefined` when there is none.
 * Copying such an object with ordinary assignment sets its prototype instead of a key, so the
 * key would vanish from the request: it is refused instead.
 */
function findProtoKey(value: unknown, path: string, depth: number): string | undefined {
  if (depth > 32 || typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findProtoKey(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.hasOwn(value, "__proto__")) return path;
  for (const key of Object.keys(value)) {
    const found = findProtoKey((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Checks that a success body has the fields the SDK relies on; unknown extra fields pass.
 * Throws {@link Leap0MalformedResponseError} saying what was wrong and in which operation.
 */
export function decodeResponse<S extends z.ZodMiniType>(schema: S, body: unknown, op: { name: string }): z.output<S> {
  if (body === undefined) {
    throw new Leap0MalformedResponseError(
      `${op.name}: malformed response: expected a JSON body but the response was empty.`,
      {
        operation: op.name,
      },
    );
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error.issues, "body");
  throw new Leap0MalformedResponseError(
    `${op.name}: malformed response: ${errors.map((e) => `${e.field} ${e.error}`).join("; ")}.`,
    { operation: op.name, fieldErrors: errors },
  );
}

/**
 * Checks an id that goes into a URL path and returns it trimmed. Any character is
 * percent-encoded on the way, but `.` and `..` would be resolved away by URL parsing (even
 * encoded), changing which endpoint is called, so they are refused.
 */
export function pathId(value: unknown, what: string): string {
  const id = typeof value === "string" ? value.trim() : undefined;
  let problem: string | undefined;
  if (value === undefined || value === null) problem = "is required";
  else if (id === undefined) problem = "must be a string";
  else if (!id) problem = "must not be empty";
  else if (id === "." || id === "..") problem = "must not be . or ..";
  if (problem) {
    throw new Leap0ValidationError(`Invalid ${what}: ${what} ${problem}. Nothing was sent.`, {
      fieldErrors: [{ field: what, error: problem }],
    });
  }
  return id as string;
}
