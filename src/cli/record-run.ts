// `otaudit record`: a live audit whose facts are saved as a recording (plus optional hex
// transcripts). The live scorecard is shown as for `scan`; the exit code says whether a recording
// was written, not whether the device has findings.
import { dirname, resolve } from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { nothingAudited } from "../engine/audit.js";
import { resolveTargets } from "../engine/targets.js";
import { recordDevices, serializeRecording } from "../fixtures/record.js";
import { writeFileAtomic } from "../report/write.js";
import { announceIntrusive, buildAuditOptions, runControl } from "./audit-setup.js";
import { finalize, writeOutputs } from "./outputs.js";
import type { RecordOptions } from "./option-types.js";

export async function runRecord(targets: string[], opts: RecordOptions): Promise<number> {
  const out = resolve(opts.out);
  if (opts.json && opts.json !== "-" && resolve(opts.json) === out) throw new UsageError("--json: must not be the recording file given to --out");
  const control = runControl(opts.deadline);
  try {
    const auditOpts = buildAuditOptions({ ...opts, failOn: "high" }, control.signal);
    const devices = await resolveTargets(targets, auditOpts.plugins);
    if (opts.intrusive) announceIntrusive(auditOpts.plugins);
    const transcripts = opts.transcripts ? { dir: resolve(opts.transcripts), recordingDir: dirname(out) } : undefined;
    const live = await recordDevices(devices, auditOpts, transcripts);
    const doc = finalize(live.doc);
    if (nothingAudited(doc)) {
      process.stderr.write("otaudit: record: no protocol could be audited on any target; no recording written\n");
      await writeOutputs(doc, { json: opts.json, failOn: "high", color: opts.color });
      return EXIT.CANNOT_AUDIT;
    }
    for (const f of live.transcriptFiles) writeFileAtomic(f.path, f.text);
    writeFileAtomic(out, serializeRecording(live.recording));
    await writeOutputs(doc, { json: opts.json, failOn: "high", color: opts.color });
    const summary = doc.devices.map((d) => `${d.host} [${Object.values(d.facts).map((f) => `${f.protocol}:${f.status}`).join(" ")}]`).join(", ");
    process.stderr.write(`otaudit: recorded ${doc.devices.length} device(s) to ${opts.out}: ${summary}\n`);
    if (live.transcriptFiles.length) process.stderr.write(`otaudit: ${live.transcriptFiles.length} transcript(s) in ${opts.transcripts}\n`);
    return EXIT.OK;
  } finally {
    control.dispose();
  }
}
