// `otaudit scan`: resolve targets, audit them live (or replay recorded facts), write outputs.
// Progress: a status line on a terminal for several devices, --verbose lines per device and
// protocol; Ctrl-C still writes what was gathered (marked interrupted) and exits 130.
import { UsageError } from "../errors.js";
import { auditDevices, type AuditOptions } from "../engine/audit.js";
import { resolveTargets } from "../engine/targets.js";
import { announceIntrusive, buildAuditOptions, runControl } from "./audit-setup.js";
import { exitCodeFor, explainNothingAudited, finalExitCode, finalize, validateOutputOptions, writeOutputs } from "./outputs.js";
import { status, verbose } from "./ui.js";
import type { ScanOptions } from "./option-types.js";
import { plural } from "../report/common.js";

/** The --verbose line of a probe starting or ending (scan, record, sweep). */
export const verboseProbe: NonNullable<AuditOptions["onProbe"]> = (e) => {
  if (!e.envelope) verbose(`${e.host}: ${e.protocol}: probing`);
  else
    verbose(
      `${e.host}: ${e.protocol}: ${e.envelope.status}${e.envelope.error ? ` (${e.envelope.error.message})` : ""}${e.envelope.incomplete ? ` (incomplete: ${e.envelope.incomplete.message})` : ""} in ${e.envelope.durationMs} ms`,
    );
};

/** --verbose lines per protocol and device, and the terminal status line for several devices. */
export function attachProgress(audit: AuditOptions, total: number, label = "scan"): () => void {
  let done = 0;
  let failing = 0;
  const draw = (force = false) => total > 1 && status.set(`${label}: ${done}/${plural(total, "device")}, ${failing} failing so far`, force);
  audit.onProbe = verboseProbe;
  const previous = audit.onDeviceDone;
  audit.onDeviceDone = (d) => {
    previous?.(d);
    done++;
    const f = d.findings.filter((x) => x.status === "fail" && !x.waiver).length;
    failing += f;
    verbose(`${d.host}: done, ${plural(f, "failing finding")}`);
    draw(done === total);
  };
  draw(true);
  return () => status.clear();
}

export function interruptedByUser(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as Error | undefined)?.message === "interrupted";
}

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
    const stopProgress = attachProgress(auditOpts, devices.length);
    let raw;
    try {
      raw = await auditDevices(devices, auditOpts);
    } finally {
      stopProgress();
    }
    const doc = finalize(raw);
    const problems = await writeOutputs(doc, opts);
    explainNothingAudited(doc);
    return finalExitCode(problems, interruptedByUser(control.signal), exitCodeFor(doc, opts.failOn, opts.failOnError));
  } finally {
    control.dispose();
  }
}
