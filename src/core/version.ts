import { version } from "../../package.json";

/**
 * The SDK's version, sent in `User-Agent`. Read from package.json at build time (only this
 * field is inlined), so the version lives in one place and changesets can bump it.
 */
export const VERSION: string = version;
