/**
 * Where a sandbox's own services live. The in-sandbox APIs (code interpreter, desktop) and any
 * port a sandbox exposes are served at `https://{sandboxId}.{sandboxDomain}` (with a port,
 * `https://{sandboxId}-{port}.{sandboxDomain}`). For tests and proxies, `sandboxUrl` replaces
 * that scheme with a template: `{sandboxId}` is replaced by the id, `{port}` by the port; a
 * template without `{sandboxId}` sends every sandbox to that one URL (a local mock).
 *
 * The sandbox id becomes part of a host name, and the API key is sent there: an id that is not a
 * plain DNS label (such as `evil.example/#`) could move the request, and the key, to another
 * host. So ids are checked before any URL is built.
 */
import { SANDBOX_DOMAIN, SANDBOX_SERVER } from "../../generated/operations";
import { refuseField } from "./errors";

/** The sandbox domain unless `sandboxDomain` or `LEAP0_SANDBOX_DOMAIN` says otherwise (the spec's). */
export const DEFAULT_SANDBOX_DOMAIN: string = SANDBOX_DOMAIN;

/** How sandbox URLs are built, after the options and the environment were applied. */
export interface SandboxHosts {
  /** The domain under which sandboxes are served, e.g. `sandbox.leap0.dev`. */
  readonly domain: string;
  /** A URL template that replaces the scheme above, or `undefined`. */
  readonly template: string | undefined;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** `{id}-{port}` is how a port of a sandbox is addressed, so an id ending so names another's port. */
const PORT_SUFFIX = /-(\d{1,5})$/;

/**
 * Checks that a sandbox id can stand in a host name, and names no host but its own: the API key
 * is sent there. Host names ignore case, so `SBX-1` would reach `sbx-1`'s host; and `sbx-1-8080`
 * is port 8080 of sandbox `sbx-1`, which serves the user's own code. Leap0's ids are lower-case
 * and end in letters and digits, never in a dash and a port number.
 */
export function hostSafeId(sandboxId: string): string {
  if (typeof sandboxId !== "string" || !LABEL.test(sandboxId)) {
    refuseField(
      "sandbox id",
      "must be lower-case letters, digits and dashes (it becomes part of a host name, and host names ignore case)",
    );
  }
  const port = PORT_SUFFIX.exec(sandboxId);
  if (port && Number(port[1]) >= 1 && Number(port[1]) <= 65535) {
    refuseField(
      "sandbox id",
      `ends in -${port[1]}, which names port ${port[1]} of sandbox ${JSON.stringify(sandboxId.slice(0, port.index))}, not a sandbox of its own`,
    );
  }
  return sandboxId;
}

function checkPort(port: number | undefined): number | undefined {
  if (port === undefined) return undefined;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    refuseField("port", "must be a whole number from 1 to 65535");
  }
  return port;
}

/**
 * The origin (and any base path of a template) of a sandbox's service, without a trailing slash.
 */
export function sandboxBase(hosts: SandboxHosts, sandboxId: string, port?: number): string {
  const id = hostSafeId(sandboxId);
  const p = checkPort(port);
  if (hosts.template) {
    let url = hosts.template.split("{sandboxId}").join(id);
    url = p === undefined ? url.replace(/[-:]?\{port\}/g, "") : url.split("{port}").join(String(p));
    return url.replace(/\/+$/, "");
  }
  // The spec's server template; a port rides on the id's label (`{id}-{port}`), as Leap0 documents.
  return SANDBOX_SERVER.replace("{sandboxId}", p === undefined ? id : `${id}-${p}`).replace(
    "{sandboxDomain}",
    hosts.domain,
  );
}

/** `https://{id}.{domain}{path}` (or with `-{port}`); `path` always starts with a slash. */
export function invokeUrl(hosts: SandboxHosts, sandboxId: string, path = "/", port?: number): string {
  if (typeof path !== "string") refuseField("path", "must be a string");
  // A leading slash keeps the path a path: "@evil.example" after the host would change the host.
  return `${sandboxBase(hosts, sandboxId, port)}${path.startsWith("/") ? path : `/${path}`}`;
}

/** The same URL as {@link invokeUrl} with `wss://` (or `ws://` for an `http://` template). */
export function websocketUrl(hosts: SandboxHosts, sandboxId: string, path = "/", port?: number): string {
  return invokeUrl(hosts, sandboxId, path, port).replace(/^http(s?):/i, (_m, s: string) => `ws${s}:`);
}
