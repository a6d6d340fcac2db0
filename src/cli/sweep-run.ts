// `otaudit sweep`: expand targets, open (or resume) the sweep in the store (SQLite or PostgreSQL),
// run the sweep here with progress on a TTY - or, with --distribute, hand its devices to zone
// workers and wait for them (sweep-distribute-run.ts) - then build the whole sweep's result
// document from the store (fleet rules, drift against a baseline), write outputs and compute the
// exit code.
import { setMaxListeners } from "node:events";
import { EXIT, UsageError, UsageErrorCollector } from "../errors.js";
import { loadCredentials, type CredentialEntry } from "../config/credentials.js";
import { severityRank } from "../model/common.js";
import type { ResultDocument } from "../model/result.js";
import { writeResultJson } from "../sweep/write-json.js";
import { SweepStore, buildSweepDocument, checkStoreFile, newSweepId, resolveDb, type Store, type SweepRow, type SweepSettings } from "../store/store.js";
import { openStoreSpec } from "../store/open.js";
import { PASSWORD_IN_ARGUMENT_WARNING } from "../store/db-url.js";
import { expandSweepTargets, type SweepTarget } from "../sweep/targets.js";
import { parseZoneLimits, type PolitenessOptions } from "../sweep/politeness.js";
import { runSweep } from "../sweep/run.js";
import { SweepProgress } from "../sweep/progress.js";
import { renderSweepSummary } from "../sweep/summary.js";
import { driftFindings, driftReport, type BaselineSnapshot } from "../fleet/drift.js";
import type { FleetSection } from "../fleet/model.js";
import { announceIntrusive, buildAuditOptions, runControl, selectPlugins } from "./audit-setup.js";
import { exitCodeFor, finalExitCode, validateOutputOptions, writeOutputs } from "./outputs.js";
import { existsSync, statSync } from "node:fs";
import type { NamedPath } from "../report/write.js";
import { humanView } from "../report/safe-text.js";
import { plural } from "../report/common.js";
import { status, verbose, warn } from "./ui.js";
import { interruptedByUser, verboseProbe } from "./scan-run.js";
import type { SweepOptions } from "./option-types.js";
import { checkDistributeOptions, distributedSettings, failedDevicesWarning, queueCheck, runDistributed } from "./sweep-distribute-run.js";

function sameTargets(a: SweepTarget[], b: SweepTarget[]): boolean {
  return a.length === b.length && a.every((t, i) => t.host.toLowerCase() === b[i]!.host.toLowerCase());
}

async function openSweep(store: Store, targets: string[], opts: SweepOptions, settings: SweepSettings): Promise<{ sweep: SweepRow; targets: SweepTarget[] }> {
  const { protocols } = settings;
  if (opts.resume) {
    const sweep = opts.sweepId ? await store.getSweep(opts.sweepId) : await store.latestSweep(true);
    if (!sweep)
      throw new UsageError(opts.sweepId ? `--sweep-id ${opts.sweepId}: no such sweep in ${store.label}` : `--resume: no unfinished sweep in ${store.label}`);
    const stored = sweep.targets as SweepTarget[];
    if (targets.length > 0) {
      const given = expandSweepTargets(targets, { knownProtocols: protocols, maxRange: opts.maxRange, yes: opts.yes });
      if (!sameTargets(given, stored))
        throw new UsageError(`--resume: the targets differ from sweep ${sweep.id}'s; give none to continue it as it was started`);
    }
    if (sweep.settings.intrusive !== settings.intrusive)
      throw new UsageError(`--resume: sweep ${sweep.id} was started ${sweep.settings.intrusive ? "with" : "without"} --intrusive; resume it the same way`);
    if (sweep.settings.protocols.join(",") !== protocols.join(","))
      throw new UsageError(`--resume: sweep ${sweep.id} audits ${sweep.settings.protocols.join(",")}; resume it with the same --protocols`);
    if (!!sweep.settings.distributed !== !!settings.distributed)
      throw new UsageError(`--resume: sweep ${sweep.id} was started ${sweep.settings.distributed ? "with" : "without"} --distribute; resume it the same way`);
    return { sweep, targets: stored }; // a resumed distributed sweep keeps its stored settings (lease, limits)
  }
  const expanded = expandSweepTargets(targets, { knownProtocols: protocols, maxRange: opts.maxRange, yes: opts.yes });
  const withCredentials = settings.distributed ? expanded.find((t) => t.credentialsFile) : undefined;
  if (withCredentials)
    throw new UsageError(
      `${withCredentials.source}: credentials: with --distribute, device credentials stay in the zones: give them to the workers (otaudit worker --credentials FILE)`,
    );
  const id = opts.sweepId ?? newSweepId();
  if (await store.getSweep(id)) throw new UsageError(`--sweep-id ${id}: already in ${store.label}; add --resume to continue it`);
  return { sweep: await store.createSweep(id, expanded, settings), targets: expanded };
}

/** Every asset's credentials file, read and validated before any network work (all errors at once). */
function loadAssetCredentials(targets: SweepTarget[]): Map<string, CredentialEntry[]> {
  const out = new Map<string, CredentialEntry[]>();
  const errors = new UsageErrorCollector();
  for (const t of targets) {
    if (!t.credentialsFile || out.has(t.credentialsFile)) continue;
    errors.collect(() => out.set(t.credentialsFile!, loadCredentials(t.credentialsFile!)));
  }
  errors.throwIfAny();
  return out;
}

/** Exit code over device findings and fleet findings. */
export function sweepExitCode(doc: ResultDocument, failOn: SweepOptions["failOn"], failOnError = false): number {
  const code = exitCodeFor(doc, failOn, failOnError);
  if (code !== EXIT.OK) return code;
  const fleet = doc.fleet as FleetSection | undefined;
  const threshold = severityRank(failOn);
  return fleet?.findings.some((f) => f.status === "fail" && severityRank(f.severity) >= threshold) ? EXIT.FINDINGS : EXIT.OK;
}

/** Inventory files among the targets (inputs a --json or --log must never overwrite). */
function inventoryFiles(targets: string[]): NamedPath[] {
  return targets.filter((t) => existsSync(t) && statSync(t).isFile()).map((path) => ({ label: "inventory", path }));
}

export async function runSweepCommand(targets: string[], opts: SweepOptions): Promise<number> {
  // the store is read and written: no other output may be it; a foreign file is refused unchanged
  const db = resolveDb({ db: opts.db, dbEnv: opts.dbEnv });
  validateOutputOptions(opts, { inputs: [...inventoryFiles(targets), ...(db?.kind === "sqlite" ? [{ label: "--db", path: db.file }] : [])] });
  if (db?.kind === "sqlite") checkStoreFile(db.file);
  if (opts.resume && !db) throw new UsageError("--resume: needs --db FILE (the store of the interrupted sweep)");
  if (opts.baseline && !db) throw new UsageError("--baseline: needs --db FILE (baselines live in the store)");
  if (!opts.resume && targets.length === 0) throw new UsageError("TARGET: give at least one address, CIDR range or inventory file (.csv, .yaml)");
  checkDistributeOptions(opts, db?.kind);
  const politeness: PolitenessOptions = {
    concurrency: opts.concurrency,
    zoneLimits: parseZoneLimits(opts.zoneLimit),
    deviceRate: opts.deviceRate,
    giveUpAfter: opts.giveUpAfter,
    backoffBaseMs: Math.min(2000, Math.max(100, Math.round(opts.discoveryTimeout / 2))),
  };
  const protocols = selectPlugins(opts.protocols).map((p) => p.id);
  const settings: SweepSettings = {
    intrusive: opts.intrusive,
    protocols,
    failOn: opts.failOn,
    ...(opts.distribute ? { distributed: distributedSettings(opts, politeness) } : {}),
  };
  if (db?.kind === "postgres" && db.passwordInArgument) warn(PASSWORD_IN_ARGUMENT_WARNING);
  const store: Store = db ? await openStoreSpec(db, opts.distribute ? await queueCheck() : {}) : new SweepStore(":memory:");
  const control = runControl(opts.deadline);
  // every device in flight listens for the abort (discovery, pacing, probes): not a leak
  setMaxListeners(Math.max(10, opts.concurrency * 8), control.signal);
  try {
    const baseline = opts.baseline ? await store.getBaseline(opts.baseline) : undefined;
    if (opts.baseline && !baseline)
      throw new UsageError(`--baseline ${opts.baseline}: no such baseline in ${store.label} (save one with 'otaudit baseline save')`);
    const { sweep, targets: sweepTargets } = await openSweep(store, targets, opts, settings);
    const audit = buildAuditOptions(opts, control.signal);
    const assetCredentials = loadAssetCredentials(sweepTargets);
    if (opts.intrusive) announceIntrusive(audit.plugins);
    // progress: the status line on a terminal (not with --no-progress or --quiet), --verbose lines
    const showProgress = opts.progress !== false;
    audit.onProbe = verboseProbe;
    let outcome: { interrupted: boolean; failed?: number };
    try {
      outcome = sweep.settings.distributed
        ? await runDistributed(store, sweep, sweepTargets, sweep.settings.distributed, control.signal, showProgress)
        : await runSweep({
            audit,
            politeness,
            discoveryTimeoutMs: Math.min(opts.discoveryTimeout, opts.timeout),
            store,
            sweepId: sweep.id,
            targets: sweepTargets,
            assetCredentials,
            onDeviceDone: (d, stats) => {
              verbose(`${d.host}: done, ${plural(d.findings.filter((f) => f.status === "fail" && !f.waiver).length, "failing finding")}`);
              if (showProgress) status.set(SweepProgress.line(stats), stats.done + stats.alreadyDone >= stats.total);
            },
          });
    } finally {
      status.clear();
    }
    // a distributed sweep with devices whose jobs failed for good is incomplete: --resume retries them
    const incomplete = outcome.interrupted || (outcome.failed ?? 0) > 0;
    await store.finishSweep(sweep.id, incomplete ? "interrupted" : "done");
    const finished = (await store.getSweep(sweep.id))!;
    // device results were scrubbed as they were stored; the fleet section and drift derive from them,
    // and every chunk written out is scrubbed again (no whole-document copy: 1,000 devices are big)
    const doc = buildSweepDocument(finished, await store.devices(sweep.id));
    if (baseline) {
      const fleet = doc.fleet as FleetSection;
      fleet.drift = driftReport(opts.baseline!, baseline as { sweepId: string; createdAt: string; snapshot: BaselineSnapshot }, doc);
      fleet.findings.push(...driftFindings(fleet.drift)); // element 1: drift is a finding
    }
    // --policy, --evidence and --waivers as for scan; the JSON streamed (no whole-document copy)
    const problems = await writeOutputs(
      doc,
      opts,
      (d) => renderSweepSummary(humanView(d), { sweepId: sweep.id, ...(db ? { db: store.label } : {}) }),
      (target, d) => writeResultJson(target, d),
    );
    // devices no worker could audit: the audit of those could not run (exit 3)
    if (outcome.failed) warn(failedDevicesWarning(outcome.failed));
    return finalExitCode(problems, interruptedByUser(control.signal), outcome.failed ? EXIT.CANNOT_AUDIT : sweepExitCode(doc, opts.failOn, opts.failOnError));
  } finally {
    control.dispose();
    await store.close();
  }
}
