// Fuzz runner: `npm run fuzz [-- NAME... --runs N --seed S]` runs scripts/fuzz/NAME.ts (all when none
// named), each in its own process, and exits 1 if any reports an exception that escaped a parser.
// Each script fuzzes one protocol's wire parsers at 10,000+ cases per target by default.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("./fuzz/", import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "lib.ts")
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();
const args = process.argv.slice(2);
const flags: string[] = [];
const names: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i]!.startsWith("--")) flags.push(args[i]!, args[++i] ?? "");
  else names.push(args[i]!);
}
let failed = false;
for (const name of names.length ? names : available) {
  if (!available.includes(name)) {
    console.error(`fuzz: unknown target '${name}' (available: ${available.join(", ")})`);
    process.exit(2);
  }
  console.log(`== fuzz ${name} ==`);
  const r = spawnSync(process.execPath, ["--import", "tsx", `${dir}${name}.ts`, ...flags], { stdio: "inherit" });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
