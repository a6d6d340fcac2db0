// `otaudit baseline save` / `otaudit baseline drift`: snapshot a stored sweep as a named baseline,
// and compare a later stored sweep with it (what changed per device).
import { UsageError } from "../errors.js";
import { SweepStore, buildSweepDocument } from "../store/store.js";
import { driftReport, snapshotSweep, type BaselineSnapshot } from "../fleet/drift.js";
import { checkWritableFile, refuseSameFile, writeJson } from "../report/write.js";
import { safeText } from "../report/safe-text.js";
import { plural } from "../report/common.js";
import { say } from "./ui.js";
import type { BaselineOptions } from "./option-types.js";

function pickSweep(store: SweepStore, opts: BaselineOptions) {
  const sweep = opts.sweep ? store.getSweep(opts.sweep) : store.latestSweep();
  if (!sweep) throw new UsageError(opts.sweep ? `--sweep ${opts.sweep}: no such sweep in ${opts.db}` : `--db ${opts.db}: the store holds no sweep`);
  return sweep;
}

export async function runBaselineSave(opts: BaselineOptions): Promise<number> {
  const store = new SweepStore(opts.db, { mustExist: true });
  try {
    const sweep = pickSweep(store, opts);
    const doc = buildSweepDocument(sweep, store.devices(sweep.id));
    store.saveBaseline(opts.name, sweep.id, snapshotSweep(doc, sweep.id));
    say(`otaudit: baseline '${safeText(opts.name)}' saved from sweep ${safeText(sweep.id)} (${plural(doc.devices.length, "device")})\n`);
    return 0;
  } finally {
    store.close();
  }
}

export async function runBaselineDrift(opts: BaselineOptions): Promise<number> {
  if (opts.json) {
    checkWritableFile(opts.json, `--json ${opts.json}`);
    refuseSameFile([{ label: "--json", path: opts.json }], [{ label: "--db", path: opts.db }]);
  }
  const store = new SweepStore(opts.db, { mustExist: true });
  try {
    const baseline = store.getBaseline(opts.name);
    if (!baseline) throw new UsageError(`--name ${opts.name}: no such baseline in ${opts.db} (save one with 'otaudit baseline save')`);
    const sweep = pickSweep(store, opts);
    const report = driftReport(opts.name, baseline as { sweepId: string; createdAt: string; snapshot: BaselineSnapshot }, buildSweepDocument(sweep, store.devices(sweep.id)));
    if (opts.json) writeJson(opts.json, report);
    if (opts.json !== "-") {
      const s = report.summary;
      const lines = [`drift of sweep ${sweep.id} against baseline '${opts.name}' (sweep ${baseline.sweepId}): ${s.changed} changed, ${s.unchanged} unchanged, ${s.new} new, ${s.missing} missing`];
      for (const d of report.devices.filter((x) => x.state !== "unchanged")) {
        lines.push(`  ${d.host}: ${d.state}`);
        for (const c of d.changes) {
          const what = c.added || c.removed ? `${c.added?.length ? `+${c.added.join(" +")}` : ""}${c.removed?.length ? ` -${c.removed.join(" -")}` : ""}` : `${String(c.before ?? "(none)")} -> ${String(c.after ?? "(none)")}`;
          lines.push(`    [${c.category}] ${c.protocol} ${c.path}: ${what.trim()}`);
        }
      }
      say(lines.map(safeText).join("\n") + "\n");
    }
    return report.summary.changed + report.summary.new + report.summary.missing > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}
