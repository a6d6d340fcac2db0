// `otaudit simulate FILE`: option declarations (cheap); the work is in ../simulate-run.ts.
import type { ProtocolPlugin } from "../../plugin.js";
import type { Command } from "commander";
import type { SimulateOptions } from "../option-types.js";
import { csvList } from "../options.js";

export function registerSimulate(program: Command, plugins: readonly ProtocolPlugin[] = []): void {
  const defaults = plugins.flatMap((p) => p.defaultPorts.map((d) => `${d.scheme} ${d.port}`)).join(", ");
  const schemes = plugins.flatMap((p) => p.schemes).join(", ");
  const example = plugins[0] ? `${plugins[0].schemes[0]}=2222` : "scheme=2222";
  program
    .command("simulate")
    .description(
      "serve a device on loopback from a device profile (YAML) or a recording (JSON, from `otaudit record`); prints one service URL per line once every service listens, and runs until Ctrl-C, SIGTERM or its parent process goes away",
    )
    .argument("<file>", "device profile (fixtures/profiles/*.yaml) or recording (otaudit record --out)")
    .option("--host <address>", "loopback address to listen on (127.0.0.0/8 or ::1)", "127.0.0.1")
    .option("--device <host>", "which device of a multi-device recording to serve (its host or name)")
    .option("--protocols <list>", "serve only these protocols, comma separated", csvList)
    .option(
      "--port <scheme=port>",
      `listen on this port for a scheme (${schemes}), e.g. ${example}; repeatable or comma list`,
      (v: string, prev: string[] | undefined) => [...(prev ?? []), ...csvList(v)],
    )
    .option(
      "--default-ports",
      `listen on each protocol's default port (${defaults}), so \`otaudit scan HOST\` and \`otaudit sweep\` find the device; --port overrides one`,
      false,
    )
    .addHelpText(
      "after",
      "\nSeveral devices can share the default ports on different loopback addresses:\n  otaudit simulate legacy.yaml --host 127.0.0.5 --default-ports &\n  otaudit simulate hardened.yaml --host 127.0.0.6 --default-ports &\n  otaudit sweep 127.0.0.5 127.0.0.6\n\nExit codes:\n  0    stopped cleanly\n  2    usage or input error\n  3    a simulator could not start (e.g. a port in use)",
    )
    .action(async (file: string, opts: SimulateOptions) => {
      const { runSimulate } = await import("../simulate-run.js");
      process.exitCode = await runSimulate(file, opts);
    });
}
