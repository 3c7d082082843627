/**
 * Every public method of every exported class must tell editors what it takes and gives, once:
 * its first signature has a summary, a `@param` for each parameter and a `@returns`; each further
 * overload has a summary of its own form. What every call shares is documented once and not
 * required again: the per-call `options` (on `RequestOptions`) and the errors any call can raise
 * (on `RequestOptions`, the error classes and README.md's "Errors"); a `@throws` is written where
 * a method raises something of its own. Runs TypeDoc over the entry points of typedoc.json
 * (constructors, `@internal` and private members are left out the same way the published docs
 * leave them out) and exits 1 listing `Class.method` for every signature that falls short.
 *
 * Run: `npm run -s check:docs`.
 */
import { relative, resolve } from "node:path";
import {
  Application,
  type Context,
  Converter,
  type DeclarationReflection,
  type ProjectReflection,
  type Reflection,
  ReflectionKind,
  type SignatureReflection,
} from "typedoc";
import ts from "typescript";

/**
 * Files whose classes are not checked yet, relative to the repository root. Remove an entry once
 * its file's methods are documented.
 */
const NOT_CHECKED_YET: readonly string[] = [];

const root = resolve(__dirname, "..");

/** The repository-relative file a reflection is declared in, when TypeDoc knows it. */
function fileOf(r: DeclarationReflection | SignatureReflection): string | undefined {
  const source = r.sources?.[0];
  if (!source) return undefined;
  return relative(root, resolve(root, source.fullFileName ?? source.fileName)).replaceAll("\\", "/");
}

/** A call's own `options?: RequestOptions`, documented on the type once. */
function sharedOptions(p: { name: string; type?: { toString(): string } }): boolean {
  return p.name === "options" && p.type?.toString() === "RequestOptions";
}

/**
 * What one signature lacks: the first of a method must have a summary, a `@param` for each
 * parameter (but the shared `options`) and a `@returns`; a further overload, a summary.
 */
function problemsOf(sig: SignatureReflection, first: boolean): string[] {
  const out: string[] = [];
  if (!sig.comment || sig.comment.summary.every((part) => part.text.trim() === "")) out.push("a summary");
  if (!first) return out;
  for (const p of sig.parameters ?? []) {
    if (sharedOptions(p)) continue;
    if (!p.comment || p.comment.summary.every((part) => part.text.trim() === "")) out.push(`@param ${p.name}`);
  }
  const tags = sig.comment?.blockTags ?? [];
  if (!tags.some((t) => t.tag === "@returns")) out.push("@returns");
  return out;
}

/**
 * Checks the classes among the project's reflections (`classIds`): a class exported with
 * `export type` (such as `Sandboxes`) shows up in TypeDoc as an interface, so the kind alone
 * does not tell.
 */
function check(project: ProjectReflection, classIds: ReadonlySet<number>): string[] {
  const failures: string[] = [];
  for (const cls of project.getReflectionsByKind(ReflectionKind.ClassOrInterface) as DeclarationReflection[]) {
    if (!classIds.has(cls.id)) continue;
    const clsFile = fileOf(cls);
    if (clsFile && NOT_CHECKED_YET.includes(clsFile)) continue;
    for (const member of cls.children ?? []) {
      if (member.kind !== ReflectionKind.Method) continue;
      // Inherited members are checked on the class that declares them.
      if (member.inheritedFrom) continue;
      const memberFile = fileOf(member);
      if (memberFile && NOT_CHECKED_YET.includes(memberFile)) continue;
      const sigs = member.signatures ?? [];
      sigs.forEach((sig, i) => {
        const missing = problemsOf(sig, i === 0);
        if (missing.length === 0) return;
        const which = sigs.length > 1 ? ` (overload ${i + 1} of ${sigs.length})` : "";
        failures.push(`${cls.name}.${member.name}${which}: lacks ${missing.join(", ")}`);
      });
    }
  }
  return failures;
}

async function main(): Promise<void> {
  const app = await Application.bootstrapWithPlugins({
    options: resolve(root, "typedoc.json"),
    // Sources are needed to tell which file a class lives in; nothing is written.
    disableSources: false,
    treatWarningsAsErrors: false,
    logLevel: "Error",
  });
  const classIds = new Set<number>();
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context: Context, reflection: Reflection) => {
    let symbol = context.getSymbolFromReflection(reflection);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = context.checker.getAliasedSymbol(symbol);
    if (symbol && symbol.flags & ts.SymbolFlags.Class) classIds.add(reflection.id);
  });
  const project = await app.convert();
  if (!project) {
    console.error("check-docs: TypeDoc could not convert the project (run `npm run -s docs` to see why).");
    process.exit(1);
  }
  const failures = check(project, classIds);
  if (failures.length) {
    console.error(`check-docs: ${failures.length} method signature(s) lack a summary, @param or @returns:`);
    for (const f of failures) console.error(`  ${f}`);
    process.exit(1);
  }
  console.log("check-docs: every public method has its summary, @param and @returns (each overload its summary).");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
