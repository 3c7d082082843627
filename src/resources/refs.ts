import { pathId } from "../core/validate";
import type { Ref } from "../models";

/** Checks a {@link Ref} (an id, or anything with an `id`) and returns the id; `what` names it in errors. */
export function refId(ref: Ref, what: string): string {
  const id = typeof ref === "object" && ref !== null ? (ref as { id?: unknown }).id : ref;
  return pathId(id, what);
}
