// Fuzz dispatcher: `npx tsx scripts/fuzz.ts NAME... [--runs N] [--seed S]` runs the targets of
// scripts/fuzz/NAME.ts (all files when none named). A target feeds device bytes to a parser and
// throws only on a real bug (an unexpected exception class, a bound broken, a hang is caught by the
// time limit per input). Inputs are random bytes mixed with mutated seeds (real protocol messages).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";

export interface FuzzTarget {
  name: string;
  /** well-formed messages to mutate */
  seeds: Buffer[];
  /** parse one input; throw only on a bug */
  run(input: Buffer): void;
}

const dir = fileURLToPath(new URL("./fuzz/", import.meta.url));
const available = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, "")).sort();
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(flag("--runs") ?? 20_000);
const seed = flag("--seed");
const names = args.length ? args : available;
for (const n of names) if (!available.includes(n)) (console.error(`fuzz: unknown target file '${n}' (available: ${available.join(", ")})`), process.exit(2));

/** a seed with a few bytes overwritten, cut, or doubled */
const mutated = (seeds: Buffer[]) =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), fc.boolean()).map(([s, edits, cut, twice]) => {
    const b = Buffer.from(twice ? Buffer.concat([s, s]) : s);
    for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
    return b.subarray(0, b.length ? 1 + (cut % b.length) : 0);
  });

let failed = false;
for (const n of names) {
  const { targets } = (await import(`./fuzz/${n}.ts`)) as { targets: FuzzTarget[] };
  for (const t of targets) {
    const input = fc.oneof(fc.uint8Array({ maxLength: 4096 }).map((u) => Buffer.from(u)), mutated(t.seeds));
    const started = Date.now();
    const result = fc.check(
      fc.property(input, (b) => {
        t.run(b);
      }),
      { numRuns: runs, ...(seed ? { seed: Number(seed) } : {}) },
    );
    const ms = Date.now() - started;
    if (result.failed) {
      failed = true;
      console.log(`FAIL ${n}/${t.name}: ${fc.defaultReportMessage(result)}`);
    } else console.log(`ok   ${n}/${t.name}: ${runs} inputs in ${ms} ms (seed ${result.seed})`);
  }
}
process.exit(failed ? 1 : 0);
