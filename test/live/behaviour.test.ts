/**
 * The shared behaviour suite (test/behaviour/suite.ts) against the live API, through the
 * validating proxy `npm run test:contract` starts. It creates two sandboxes and a snapshot and
 * deletes them at the end.
 */
import { Leap0Client } from "../../src";
import { behaviourSuite } from "../behaviour/suite";

const PROXY = process.env.LEAP0_CONTRACT_PROXY;
if (!PROXY) throw new Error("run through `npm run test:contract`, which starts the validating proxy");
behaviourSuite({
  name: "live API",
  client: () => new Leap0Client({ baseUrl: PROXY, timeout: 600 }),
  startTimeout: 300,
});
