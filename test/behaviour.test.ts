/** The shared behaviour suite (test/behaviour/suite.ts) against leap0/testing, in every `npm test`. */
import { createMockLeap0 } from "../src/testing";
import { behaviourSuite } from "./behaviour/suite";

const mock = createMockLeap0();
behaviourSuite({ name: "leap0/testing", client: () => mock.client, startTimeout: 10 });
