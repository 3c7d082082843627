/** Reads an environment variable where there is one (Node, Bun, Deno with --allow-env); never throws. */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name]?.trim();
    return value ? value : undefined;
  } catch {
    return undefined;
  }
}
