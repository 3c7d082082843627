/** Naming rules shared by the emitter and the tests: wire names → camelCase keys and type names. */
import { camel } from "../../src/core/keys";

// The key rules live in the runtime (src/core/keys.ts), so the generator and the SDK cannot disagree.
export { camel, snake } from "../../src/core/keys";

/** The error every spec shape the emitter cannot express raises: the generator fails loudly. */
export class SpecError extends Error {
  override name = "SpecError";
}

/** `createSandbox` → `CreateSandbox`; `filesystemLS` → `FilesystemLS`. */
export function pascal(name: string): string {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval"
  ).split(" "),
);

/** True when `name` can be written as a bare identifier (and a `const` name). */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !RESERVED.has(name);
}

/** A property key as written in emitted code: bare when possible, quoted otherwise. */
export function propKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
