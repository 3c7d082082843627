/**
 * Every exported error class names itself: `err.name` is its export name, which is what logs,
 * error trackers and `err.name === "Leap0NotFoundError"` checks see. The packed tarball is held
 * to the same, minified by a consumer too, in test/package.test.ts.
 */
import { describe, expect, test } from "vitest";
import * as leap0 from "../src";

/** Every exported constructor whose instances are Errors, by export name. */
function errorClasses(mod: Record<string, unknown>): [string, new (...args: never[]) => Error][] {
  return Object.entries(mod).filter(
    (e): e is [string, new (...args: never[]) => Error] =>
      typeof e[1] === "function" && (e[1] as { prototype?: unknown }).prototype instanceof Error,
  );
}

describe("error names", () => {
  const classes = errorClasses(leap0);

  test("the public API exports every error family", () => {
    expect(classes.length).toBeGreaterThanOrEqual(28);
  });

  test.each(classes)("%s: name, String() and the stack's first line say the export name", (exported, Class) => {
    // A message and two empty objects fit every constructor (details, a JSON-RPC error, a result).
    const err = Reflect.construct(Class, ["boom", {}, {}]) as Error;
    expect(err.name).toBe(exported);
    expect(String(err)).toMatch(new RegExp(`^${exported}: `));
    expect(err.stack?.split("\n")[0]).toBe(String(err));
  });
});
