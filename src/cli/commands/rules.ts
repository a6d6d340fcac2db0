// `otaudit rules [--element N]`: the rule catalog with elements, IEC 62443 references and safety;
// `otaudit rules --sends`: what a run sends to a device, built from the plugins' declared checks.
import type { Command } from "commander";
import { positiveInt } from "../options.js";

export function registerRules(program: Command): void {
  program
    .command("rules")
    .description("list the rules with their elements, IEC 62443 references, severity and safety class")
    .option("--element <n>", "only rules mapped to this element (1-12)", positiveInt("--element", 12))
    .option("--protocol <id>", "only this protocol's rules")
    .option("--json", "print as JSON", false)
    .option("--sends", "instead: what a run sends to a device, per protocol (default run, and what only --intrusive adds)", false)
    .action(async (opts: { element?: number; protocol?: string; json: boolean; sends: boolean }) => {
      const { allRules } = await import("../../catalog/rules.js");
      const { UsageError } = await import("../../errors.js");
      const catalog = allRules();
      const protocols = [...new Set(catalog.map((r) => r.protocol))];
      if (opts.protocol && !protocols.includes(opts.protocol))
        throw new UsageError(`--protocol: unknown protocol '${opts.protocol}' (known: ${protocols.join(", ")})`);
      if (opts.sends) {
        const { PLUGINS, loadRegistry } = await import("../../../probes/registry.js");
        await loadRegistry();
        const { renderSends, runSends } = await import("../../catalog/sends.js");
        const sends = runSends(PLUGINS.filter((p) => !opts.protocol || p.id === opts.protocol));
        process.stdout.write(opts.json ? JSON.stringify(sends, null, 2) + "\n" : renderSends(sends));
        return;
      }
      const rules = catalog.filter((r) => (!opts.protocol || r.protocol === opts.protocol) && (!opts.element || r.elements.includes(opts.element)));
      if (opts.json) {
        process.stdout.write(JSON.stringify(rules, null, 2) + "\n");
        return;
      }
      for (const r of rules) {
        process.stdout.write(
          `${r.id.padEnd(34)} ${r.severity.padEnd(9)} ${r.safety.padEnd(10)} el ${r.elements.join(",").padEnd(8)} ${r.iec62443.join(", ").padEnd(24)} ${r.title}\n`,
        );
      }
      process.stdout.write(`${rules.length} rules\n`);
    });
}
