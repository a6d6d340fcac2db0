// `otaudit scan --from-facts FILE`: rules, scoring and reports over a recording, no network.
// Bad input exits 2 before anything is written; facts recorded by another probe version are
// reported (stderr and run.recording.stale in the result document).
import { UsageError } from "../errors.js";
import { describeStale } from "../fixtures/format.js";
import { loadRecording, replayRecording } from "../fixtures/replay.js";
import { PLUGINS } from "../../probes/registry.js";
import { selectPlugins } from "./audit-setup.js";
import { exitCodeFor, finalExitCode, finalize, writeOutputs } from "./outputs.js";
import { warn } from "./ui.js";
import type { ScanOptions } from "./option-types.js";
import { loadAdvisoryFiles } from "../advisories/load.js";

export async function runReplay(file: string, opts: ScanOptions): Promise<number> {
  if (opts.intrusive) throw new UsageError("--intrusive: recorded facts keep the mode they were recorded in; record again with --intrusive");
  if (opts.credentials) throw new UsageError("--credentials: recorded facts need no credentials (the recording says which protocols had them)");
  const plugins = selectPlugins(opts.protocols);
  const recording = loadRecording(file, PLUGINS);
  const advisories = opts.advisories?.length ? loadAdvisoryFiles(opts.advisories) : undefined;
  const doc = finalize(replayRecording(recording, { plugins, failOn: opts.failOn, file, advisories }));
  for (const s of doc.run.recording?.stale ?? []) warn(`warning: ${file}: ${describeStale(s)}`);
  const problems = await writeOutputs(doc, opts);
  return finalExitCode(problems, false, exitCodeFor(doc, opts.failOn, opts.failOnError));
}
