// `otaudit demo`: start the bundled simulated devices on loopback, audit them, show the scorecards.
import type { Command } from "commander";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("audit the bundled simulated devices (a legacy PLC and a hardened controller) on loopback and write ./otaudit-demo/result.json")
    .option("--out <dir>", "folder for the demo's result", "otaudit-demo")
    .option("--no-color", "no colour on the terminal")
    .action(async (opts: { out: string; color: boolean }) => {
      const { runDemo } = await import("../demo-run.js");
      process.exitCode = await runDemo(opts);
    });
}
