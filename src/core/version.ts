import { version } from "../../package.json";

/**
 * The SDK's version, sent in `User-Agent`. Read from package.json at build time (only this
 * field is inlined), so the version lives in one place and changesets can bump it.
 */
export const VERSION: string = version;

/**
 * Sent as `Leap0-Source` beside the User-Agent on every request and WebSocket handshake: how
 * Leap0's own JavaScript SDK tells the service which client is calling.
 */
export const SDK_SOURCE = "sdk-ts";
