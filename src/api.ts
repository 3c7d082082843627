/**
 * The raw types generated from openapi.yaml (`leap0/api`), for code that works with the wire
 * format directly. The main entry point does not re-export them, so editors only load this
 * file when you import it.
 * @packageDocumentation
 */
export type { components, operations, paths } from "../generated/schema";
