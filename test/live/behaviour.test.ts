/**
 * The shared behaviour suite (test/behaviour/suite.ts) against the live API, through the
 * validating proxy `npm run test:contract` starts (the terminal straight to the API: the proxy
 * cannot carry a WebSocket). It creates three sandboxes and a snapshot and deletes them at the end.
 */
import { Leap0Client } from "../../src";
import { nodeWebSocket } from "../../src/node";
import { behaviourSuite } from "../behaviour/suite";

const PROXY = process.env.LEAP0_CONTRACT_PROXY;
if (!PROXY) throw new Error("run through `npm run test:contract`, which starts the validating proxy");
behaviourSuite({
  name: "live API",
  client: () => new Leap0Client({ baseUrl: PROXY, timeout: 600 }),
  startTimeout: 300,
  terminalClient: () => new Leap0Client({ timeout: 600, webSocket: nodeWebSocket }),
});
