/**
 * `npm run conformance`: holds openapi.yaml against the three published Leap0 contracts
 * (control plane, code interpreter, desktop) with the shared conformance tool. The contracts
 * and the tool live in ../shared, beside the repository (CI checks it out there); without
 * them this says so in one sentence instead of failing with a Python traceback.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tool = "../shared/tools/spec_conformance.py";
const refs = [
  "../shared/reference/leap0-api.yaml",
  "../shared/reference/code-interpreter-api.yaml",
  "../shared/reference/desktop-api.yaml",
];

if (![tool, ...refs].every((file) => existsSync(join(root, file)))) {
  console.error(
    "conformance: ../shared/reference not found (it sits beside the repository in CI); cannot check the spec against the published contracts.",
  );
  process.exit(1);
}

const args = [tool, ...refs.flatMap((ref) => ["--ref", ref]), "openapi.yaml"];
const run = spawnSync("python3", args, { cwd: root, stdio: "inherit" });
if (run.error) {
  console.error(`conformance: could not run python3 (${run.error.message}).`);
  process.exit(1);
}
process.exit(run.status ?? 1);
