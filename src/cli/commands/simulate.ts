// `otaudit simulate FILE`: option declarations (cheap); the work is in ../simulate-run.ts.
import type { Command } from "commander";
import type { SimulateOptions } from "../option-types.js";
import { csvList } from "../options.js";

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("serve a device on loopback from a device profile (YAML) or a recording (JSON, from\n`otaudit record`); prints one service URL per line once every service listens, runs until\nCtrl-C or SIGTERM")
    .argument("<file>", "device profile (fixtures/profiles/*.yaml) or recording (otaudit record --out)")
    .option("--host <address>", "loopback address to listen on (127.0.0.0/8 or ::1)", "127.0.0.1")
    .option("--device <host>", "which device of a multi-device recording to serve (its host or name)")
    .option("--protocols <list>", "serve only these protocols, comma separated", csvList)
    .addHelpText("after", "\nExit codes: 0 stopped cleanly, 2 usage or input error, 3 a simulator could not start.")
    .action(async (file: string, opts: SimulateOptions) => {
      const { runSimulate } = await import("../simulate-run.js");
      process.exitCode = await runSimulate(file, opts);
    });
}
