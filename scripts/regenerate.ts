/**
 * `npm run regenerate`: after editing openapi.yaml, in one go — regenerate generated/, type-check
 * the whole project (the compiler points at every facade mapping that no longer fits), and print
 * what changed for SDK users against the committed spec. Exits 1 when the type-check fails.
 */
import { spawnSync } from "node:child_process";

function run(title: string, cmd: string, args: string[]): number {
  console.log(`\n== ${title}`);
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  return result.status ?? 1;
}

const generated = run("regenerate generated/ from openapi.yaml", "npm", ["run", "-s", "generate"]);
const typecheck =
  generated === 0 ? run("type-check (src, tests, scripts, examples)", "npm", ["run", "-s", "typecheck"]) : 1;
const diff = run("what changed for SDK users (HEAD:openapi.yaml → openapi.yaml)", "npm", ["run", "-s", "spec:diff"]);

console.log("\n== summary");
console.log(`  generate:   ${generated === 0 ? "ok" : "FAILED"}`);
console.log(`  type-check: ${typecheck === 0 ? "clean" : "errors above: update the facade where the compiler points"}`);
console.log(
  `  spec diff:  ${diff === 0 ? "nothing breaking for users" : diff === 1 ? "BREAKING changes for users (see above): plan a major version" : "failed"}`,
);
console.log(
  "  next:       npm test (test/properties.test.ts checks the parameter rules against the new spec), then README and CHANGELOG",
);
process.exitCode = generated !== 0 || typecheck !== 0 ? 1 : 0;
