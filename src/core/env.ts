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

/**
 * Whether this runtime lets the SDK read environment variables: `none` where there is no
 * `process.env` (Workers, browsers), `denied` where reading throws (Deno without `--allow-env`).
 */
export function envAccess(): "ok" | "none" | "denied" {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    if (!env) return "none";
    void env.LEAP0_API_KEY;
    return "ok";
  } catch {
    return "denied";
  }
}
