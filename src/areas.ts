/**
 * The in-sandbox areas' classes as values (`leap0/areas`), for `instanceof` checks and the like.
 * The main entry exports them as types only: `sandbox.filesystem` and the other areas load their
 * code on first use, and a value import from `leap0` would load it with the SDK.
 * @packageDocumentation
 */
export { CodeInterpreterClient } from "./resources/sandbox/code-interpreter";
export { DesktopClient } from "./resources/sandbox/desktop";
export { FilesystemClient } from "./resources/sandbox/filesystem";
export { GitClient } from "./resources/sandbox/git";
export { LspClient, LspServer } from "./resources/sandbox/lsp";
export { ProcessClient } from "./resources/sandbox/process";
