/** Types of bodies.mjs (plain JS so the benchmark server runs under node without a loader). */
export declare const SANDBOX: string;
export declare const SNAPSHOT: string;
