/** Starts one Prism mock of openapi.yaml for the whole run and hands its URL to the tests. */
import type { TestProject } from "vitest/node";
import { type RunningPrism, startPrism } from "../../scripts/prism";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

let prism: RunningPrism | undefined;

export async function setup(project: TestProject): Promise<void> {
  prism = await startPrism();
  project.provide("prismUrl", prism.url);
}

export async function teardown(): Promise<void> {
  await prism?.stop();
}
