/**
 * Answers in the shapes the contract gives them: JSON bodies with their status, empty 204s, and
 * the error bodies (`ErrorResponse`, `ValidationErrorResponse`) the real API sends.
 */
import { snake } from "../core/keys";

/** A JSON answer. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** An answer with no body. */
export function empty(status = 204): Response {
  return new Response(null, { status });
}

/** An error answer: `{ message }`, as the contract's `ErrorResponse`. */
export function failure(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A 400 with one entry per refused field, under its wire name, as `ValidationErrorResponse`. */
export function invalid(errors: { field: string; error: string }[]): Response {
  return json(400, {
    message: "Invalid request",
    errors: errors.map((e) => ({ field: e.field.split(".").map(snake).join("."), error: e.error })),
  });
}

/** Thrown by a handler to answer with an error status instead of a result. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Refuses the call with `status` and the contract's `{ message }`. */
export function refuse(status: number, message: string): never {
  throw new Refusal(status, message);
}
