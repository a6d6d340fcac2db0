// `otaudit record`: a live audit whose facts are saved as a recording (plus optional hex
// transcripts). The live scorecard is shown as for `scan`; the exit code says whether a recording
// was written, not whether the device has findings. Every destination is checked before the audit
// and none may be an input (credentials, advisories) of the run.
import { dirname, resolve } from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { nothingAudited } from "../engine/audit.js";
import { resolveTargets } from "../engine/targets.js";
import { recordDevices, serializeRecording } from "../fixtures/record.js";
import { checkWritableDir, checkWritableFile, writeFileAtomic } from "../report/write.js";
import { announceIntrusive, buildAuditOptions, runControl } from "./audit-setup.js";
import { finalExitCode, finalize, validateOutputOptions, writeOutputs, type OutputProblems } from "./outputs.js";
import { attachProgress, interruptedByUser } from "./scan-run.js";
import { note, warn } from "./ui.js";
import { plural } from "../report/common.js";
import type { RecordOptions } from "./option-types.js";

export async function runRecord(targets: string[], opts: RecordOptions): Promise<number> {
  const out = resolve(opts.out);
  if (opts.json && opts.json !== "-" && resolve(opts.json) === out) throw new UsageError("--json: must not be the recording file given to --out");
  checkWritableFile(opts.out, `--out ${opts.out}`);
  if (opts.transcripts) checkWritableDir(opts.transcripts, `--transcripts ${opts.transcripts}`);
  const outputOpts = { json: opts.json, failOn: "high" as const, color: opts.color, log: opts.log, credentials: opts.credentials, advisories: opts.advisories };
  validateOutputOptions(outputOpts, { outputs: [{ label: "--out", path: opts.out }] });
  const control = runControl(opts.deadline);
  try {
    const auditOpts = buildAuditOptions({ ...opts, failOn: "high" }, control.signal);
    const devices = await resolveTargets(targets, auditOpts.plugins);
    if (opts.intrusive) announceIntrusive(auditOpts.plugins);
    const transcripts = opts.transcripts ? { dir: resolve(opts.transcripts), recordingDir: dirname(out) } : undefined;
    const stopProgress = attachProgress(auditOpts, devices.length, "record");
    let live;
    try {
      live = await recordDevices(devices, auditOpts, transcripts);
    } finally {
      stopProgress();
    }
    const doc = finalize(live.doc);
    const interrupted = interruptedByUser(control.signal);
    if (nothingAudited(doc)) {
      warn("record: no protocol could be audited on any target; no recording written");
      const problems = await writeOutputs(doc, outputOpts);
      return finalExitCode(problems, interrupted, EXIT.CANNOT_AUDIT);
    }
    const problems: OutputProblems = { write: [], render: [] };
    const attempt = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        problems.write.push(e.message);
        warn(e.message);
      }
    };
    for (const f of live.transcriptFiles) attempt(() => writeFileAtomic(f.path, f.text, "--transcripts"));
    attempt(() => writeFileAtomic(out, serializeRecording(live.recording), "--out"));
    const more = await writeOutputs(doc, outputOpts);
    problems.write.push(...more.write);
    problems.render.push(...more.render);
    const summary = doc.devices
      .map(
        (d) =>
          `${d.host} [${Object.values(d.facts)
            .map((f) => `${f.protocol}:${f.status}`)
            .join(" ")}]`,
      )
      .join(", ");
    if (!problems.write.length)
      note(`recorded ${plural(doc.devices.length, "device")} to ${opts.out}${interrupted ? " (interrupted: partial)" : ""}: ${summary}`);
    if (live.transcriptFiles.length) note(`${plural(live.transcriptFiles.length, "transcript")} in ${opts.transcripts}`);
    return finalExitCode(problems, interrupted, EXIT.OK);
  } finally {
    control.dispose();
  }
}
