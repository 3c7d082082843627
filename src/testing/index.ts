/**
 * leap0/testing: an in-memory Leap0 that keeps the contract, for testing code that uses the SDK
 * without a network, a key or real sandboxes. The real SDK runs above it; only the transport is
 * replaced. Needs the `just-bash` package (commands run in its bash emulator), and for
 * `sandbox.git` the `isomorphic-git` package (loaded on the first git call).
 * @packageDocumentation
 */

export { type DesktopFixtures, type DesktopHandler, desktop, type ScreenshotRequest } from "./desktop";
export type { GitCredentials, GitRemoteFixture } from "./git";
export {
  type CodeContext,
  type CodeErrorEvent,
  type CodeEvent,
  type CodeExitEvent,
  type CodeInterpreterHandler,
  type CodeOutputEvent,
  type CodeResultEvent,
  type CodeResultItem,
  type CodeRun,
  type CodeRuntime,
  codeInterpreter,
} from "./interpreter";
export { type LspErrorAnswer, type LspErrorBody, type LspHandler, type LspRequest, lsp, lspError } from "./lsp";
export {
  createMockLeap0,
  type Fault,
  type MockHandler,
  MockLeap0,
  type MockLeap0Options,
  type PortServer,
  type RecordedCall,
} from "./mock";
export { type CommandCall, type CommandHandler, type CommandResult, command } from "./process";
