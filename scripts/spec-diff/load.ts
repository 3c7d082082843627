/** Loads an OpenAPI document with every `$ref` resolved, through Redocly's parser. */
import { execFileSync } from "node:child_process";
import { bundle, bundleFromString, createConfig } from "@redocly/openapi-core";

type Json = Record<string, unknown>;

/** A dereferenced document from a file. */
export async function loadSpec(path: string): Promise<Json> {
  const config = await createConfig({});
  const { bundle: doc } = await bundle({ ref: path, config, dereference: true });
  return doc.parsed as Json;
}

/** A dereferenced document from a git revision of a file, e.g. `HEAD:openapi.yaml`. */
export async function loadSpecAtRevision(revisionPath: string): Promise<Json> {
  const source = execFileSync("git", ["show", revisionPath], { encoding: "utf8" });
  const config = await createConfig({});
  const { bundle: doc } = await bundleFromString({ source, absoluteRef: revisionPath, config, dereference: true });
  return doc.parsed as Json;
}
