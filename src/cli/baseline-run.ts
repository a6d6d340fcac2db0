// `otaudit baseline save` / `otaudit baseline drift`: snapshot a stored sweep as a named baseline,
// and compare a later stored sweep with it (what changed per device). Either store backend.
import { UsageError } from "../errors.js";
import { buildSweepDocument, openStore, resolveDb, type Store } from "../store/store.js";
import { driftReport, snapshotSweep, type BaselineSnapshot } from "../fleet/drift.js";
import { checkWritableFile, refuseSameFile, writeJson } from "../report/write.js";
import { safeText } from "../report/safe-text.js";
import { plural } from "../report/common.js";
import { say, warn } from "./ui.js";
import type { BaselineOptions } from "./option-types.js";

async function pickSweep(store: Store, opts: BaselineOptions) {
  const sweep = opts.sweep ? await store.getSweep(opts.sweep) : await store.latestSweep();
  if (!sweep) throw new UsageError(opts.sweep ? `--sweep ${opts.sweep}: no such sweep in ${store.label}` : `--db ${store.label}: the store holds no sweep`);
  return sweep;
}

export async function runBaselineSave(opts: BaselineOptions): Promise<number> {
  const store = await openStore(opts, { mustExist: true, warn });
  try {
    const sweep = await pickSweep(store, opts);
    const doc = buildSweepDocument(sweep, await store.devices(sweep.id));
    await store.saveBaseline(opts.name, sweep.id, snapshotSweep(doc, sweep.id));
    say(`otaudit: baseline '${safeText(opts.name)}' saved from sweep ${safeText(sweep.id)} (${plural(doc.devices.length, "device")})\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function runBaselineDrift(opts: BaselineOptions): Promise<number> {
  const db = resolveDb(opts);
  if (opts.json) {
    checkWritableFile(opts.json, `--json ${opts.json}`);
    if (db?.kind === "sqlite") refuseSameFile([{ label: "--json", path: opts.json }], [{ label: "--db", path: db.file }]);
  }
  const store = await openStore(opts, { mustExist: true, readonly: true, warn });
  try {
    const baseline = await store.getBaseline(opts.name);
    if (!baseline) throw new UsageError(`--name ${opts.name}: no such baseline in ${store.label} (save one with 'otaudit baseline save')`);
    const sweep = await pickSweep(store, opts);
    const report = driftReport(
      opts.name,
      baseline as { sweepId: string; createdAt: string; snapshot: BaselineSnapshot },
      buildSweepDocument(sweep, await store.devices(sweep.id)),
    );
    if (opts.json) writeJson(opts.json, report);
    if (opts.json !== "-") {
      const s = report.summary;
      const lines = [
        `drift of sweep ${sweep.id} against baseline '${opts.name}' (sweep ${baseline.sweepId}): ${s.changed} changed, ${s.unchanged} unchanged, ${s.new} new, ${s.missing} missing`,
      ];
      for (const d of report.devices.filter((x) => x.state !== "unchanged")) {
        lines.push(`  ${d.host}: ${d.state}`);
        for (const c of d.changes) {
          const what =
            c.added || c.removed
              ? `${c.added?.length ? `+${c.added.join(" +")}` : ""}${c.removed?.length ? ` -${c.removed.join(" -")}` : ""}`
              : `${String(c.before ?? "(none)")} -> ${String(c.after ?? "(none)")}`;
          lines.push(`    [${c.category}] ${c.protocol} ${c.path}: ${what.trim()}`);
        }
      }
      say(lines.map(safeText).join("\n") + "\n");
    }
    return report.summary.changed + report.summary.new + report.summary.missing > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
