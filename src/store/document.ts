// A sweep as a result document, from any store: devices in target order, the fleet section
// evaluated over them (src/fleet/). The same function builds the document of a local sweep, of a
// distributed one (after the workers stored every device) and of `otaudit report --db`.
import { UsageError } from "../errors.js";
import type { ResultDocument } from "../model/result.js";
import { newResultDocument } from "../model/result.js";
import { TOOL_VERSION } from "../version.js";
import { evaluateFleet } from "../fleet/index.js";
import type { Store, StoredDevice, SweepRow } from "./types.js";

/** Assemble a sweep's result document (devices in target order, fleet section evaluated). */
export function buildSweepDocument(sweep: SweepRow, stored: StoredDevice[], opts: { interrupted?: boolean; finishedAt?: string } = {}): ResultDocument {
  const finishedAt = opts.finishedAt ?? sweep.finishedAt ?? new Date().toISOString();
  const devices = stored.map((d) => d.result);
  const zones = new Map(stored.map((d) => [d.host, d.zone ?? undefined] as const));
  return {
    ...newResultDocument(
      {
        startedAt: sweep.createdAt,
        finishedAt,
        intrusive: sweep.settings.intrusive,
        protocols: sweep.settings.protocols,
        failOn: sweep.settings.failOn,
        interrupted: opts.interrupted ?? sweep.status !== "done",
        source: "live",
      },
      devices,
      TOOL_VERSION,
    ),
    fleet: evaluateFleet(devices, { zoneOf: (host) => zones.get(host), sweepId: sweep.id }) as unknown as Record<string, unknown>,
  };
}

/** A stored sweep (the latest without `sweepId`) as a result document; UsageError when missing. */
export async function loadSweepDocument(store: Store, sweepId?: string): Promise<ResultDocument> {
  const sweep = sweepId ? await store.getSweep(sweepId) : await store.latestSweep();
  if (!sweep) throw new UsageError(sweepId ? `--sweep ${sweepId}: no such sweep in ${store.label}` : `--db ${store.label}: the store holds no sweep`);
  return buildSweepDocument(sweep, await store.devices(sweep.id));
}
