// Benchmark dispatcher: `npm run bench -- NAME...` runs scripts/bench/NAME.ts; `npm run bench` alone
// runs the summary table (scripts/bench/summary.ts), `npm run bench -- all` every benchmark.
// Benchmarks print figures side by side with peer tools when those are installed; they are not tests.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("./bench/", import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();
const wanted = process.argv.slice(2);
const names = wanted.length === 0 ? ["summary"] : wanted.includes("all") ? available : wanted;
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`bench: unknown benchmark '${name}' (available: ${available.join(", ")})`);
    process.exit(2);
  }
  console.log(`\n== bench ${name} ==`);
  const mod = (await import(`./bench/${name}.ts`)) as { default: () => Promise<void> };
  await mod.default();
}
