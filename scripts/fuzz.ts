// `npm run fuzz [-- PROTO... ] [--runs N] [--seed S]`: property-based fuzzing of the wire parsers.
// Each scripts/fuzz/<proto>.ts default-exports a FuzzSuite (named targets, each a fast-check
// property that fails when anything but the parser's own typed error escapes). Runs every suite
// (or the named ones) at --runs cases per target (default 10,000), prints one line per target and
// exits 1 if any target found a counterexample (printed with its seed and path to replay it).
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";

export interface FuzzTarget {
  name: string;
  /** a fast-check property over hostile input; it must not throw except for the parser's typed error */
  property: () => fc.IProperty<never> | fc.IAsyncProperty<never>;
}

export interface FuzzSuite {
  protocol: string;
  targets: FuzzTarget[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const runs = Number(arg("--runs") ?? 10_000);
  const seed = arg("--seed") === undefined ? undefined : Number(arg("--seed"));
  const flags = new Set(["--runs", "--seed"]);
  const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !flags.has(all[i - 1] ?? ""));
  const dir = join(dirname(fileURLToPath(import.meta.url)), "fuzz");
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && (wanted.length === 0 || wanted.includes(f.slice(0, -3))));
  if (wanted.length && files.length !== wanted.length) throw new Error(`unknown fuzz suite among: ${wanted.join(", ")} (have: ${readdirSync(dir).join(", ")})`);
  let failed = 0;
  for (const f of files.sort()) {
    const suite = (await import(pathToFileURL(join(dir, f)).href)).default as FuzzSuite;
    for (const t of suite.targets) {
      const started = Date.now();
      const out = await fc.check(t.property() as fc.IAsyncProperty<never>, { numRuns: runs, ...(seed === undefined ? {} : { seed }) });
      const ms = Date.now() - started;
      const line = `${suite.protocol.padEnd(8)} ${t.name.padEnd(58)} ${String(out.numRuns).padStart(7)} cases ${String(ms).padStart(6)} ms`;
      if (out.failed) {
        failed++;
        process.stdout.write(`${line}  FAILED (seed ${out.seed}, path ${out.counterexamplePath}): ${String(out.errorInstance ?? "").split("\n")[0]}\n`);
      } else process.stdout.write(`${line}  0 exceptions escaped\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
