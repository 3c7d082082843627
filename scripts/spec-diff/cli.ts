/**
 * `npm run spec:diff -- OLD.yaml NEW.yaml [--json]`: what changed between two versions of the
 * contract, classified as breaking or not for SDK users. With no files: the committed
 * openapi.yaml (HEAD) against the working copy. Exit code 1 when something breaking changed.
 */
import { diffDocuments, formatReport } from "./diff";
import { loadSpec, loadSpecAtRevision } from "./load";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const files = args.filter((a) => a !== "--json");
  if (files.length !== 0 && files.length !== 2) {
    console.error("usage: npm run spec:diff -- [OLD.yaml NEW.yaml] [--json]");
    process.exitCode = 2;
    return;
  }
  const [before, after] =
    files.length === 2
      ? await Promise.all([loadSpec(files[0] as string), loadSpec(files[1] as string)])
      : await Promise.all([loadSpecAtRevision("HEAD:openapi.yaml"), loadSpec("openapi.yaml")]);
  const changes = diffDocuments(before, after);
  const breaking = changes.filter((c) => c.breaking).length;
  if (json) {
    console.log(JSON.stringify({ breaking, nonBreaking: changes.length - breaking, changes }, null, 2));
  } else {
    console.log(
      files.length === 2 ? `${files[0]} → ${files[1]}\n` : "HEAD:openapi.yaml → openapi.yaml (working copy)\n",
    );
    console.log(formatReport(changes));
  }
  if (breaking > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
