// `otaudit scan`: resolve targets, audit them live (or replay recorded facts), write outputs.
import { UsageError } from "../errors.js";
import { auditDevices } from "../engine/audit.js";
import { resolveTargets } from "../engine/targets.js";
import { announceIntrusive, buildAuditOptions, runControl } from "./audit-setup.js";
import { exitCodeFor, explainNothingAudited, finalize, validateOutputOptions, writeOutputs } from "./outputs.js";
import type { ScanOptions } from "./option-types.js";

export async function runScan(targets: string[], opts: ScanOptions): Promise<number> {
  validateOutputOptions(opts);
  if (opts.fromFacts) {
    if (targets.length > 0) throw new UsageError("--from-facts: give either recorded facts or live targets, not both");
    const { runReplay } = await import("./replay-run.js");
    return runReplay(opts.fromFacts, opts);
  }
  const control = runControl(opts.deadline);
  try {
    const auditOpts = buildAuditOptions(opts, control.signal);
    const devices = await resolveTargets(targets, auditOpts.plugins);
    if (opts.intrusive) announceIntrusive(auditOpts.plugins);
    const doc = finalize(await auditDevices(devices, auditOpts));
    await writeOutputs(doc, opts);
    explainNothingAudited(doc);
    return exitCodeFor(doc, opts.failOn);
  } finally {
    control.dispose();
  }
}
