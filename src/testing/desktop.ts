/**
 * The desktop API a desktop sandbox serves on its own host (28 operations): state an agent's
 * loop can rely on (the pointer moves with move, click and drag; the screen has a size;
 * recordings start, stop, list, download and delete), screenshots that are real images of the
 * size asked for, and handlers for what the mock cannot know (windows, processes, the image).
 * SCAFFOLD: being written; answers nothing yet.
 */
import type { Handler } from "./control";
import type { CommandPolicy } from "./process";

/** What a test may supply for the desktop (all optional; contract-valid defaults otherwise). */
export interface DesktopFixtures {
  /** The image a screenshot returns, for the region and format asked (default: a plain grey image of that size). */
  screenshot?(request: ScreenshotRequest): Uint8Array | Promise<Uint8Array>;
  /** The open windows, as the SDK names their fields (default: one terminal window). */
  windows?(sandboxId: string): Record<string, unknown>[] | Promise<Record<string, unknown>[]>;
  /** The desktop's processes, as the SDK names their fields (default: the four, all running). */
  processes?(sandboxId: string): Record<string, unknown>[] | Promise<Record<string, unknown>[]>;
}

/** What a screenshot was asked for. */
export interface ScreenshotRequest {
  /** The sandbox whose screen it is. */
  sandboxId: string;
  /** Left edge of the region, in pixels. */
  x: number;
  /** Top edge of the region, in pixels. */
  y: number;
  /** Width of the image, in pixels. */
  width: number;
  /** Height of the image, in pixels. */
  height: number;
  /** `png` or `jpeg`. */
  format: "png" | "jpeg";
  /** JPEG quality, when asked for. */
  quality: number | undefined;
}

/** A desktop handler: made by {@link desktop}, given to `createMockLeap0({ handlers })` or `mock.use()`. */
export interface DesktopHandler extends DesktopFixtures {
  /** What kind of handler this is. */
  readonly kind: "desktop";
}

/** A handler that supplies the desktop's windows, processes or screenshots (see {@link DesktopFixtures}). */
export function desktop(fixtures: DesktopFixtures): DesktopHandler {
  return { kind: "desktop", ...fixtures };
}

/** The desktop operations, by operationId, given the mock's handlers. */
export function desktopHandlers(_policy: CommandPolicy): Record<string, Handler> {
  return {};
}
