// StoreReader over result documents (`otaudit serve RESULT.json [...]`): each document is one
// "sweep", ordered by its run's start time, so two results of the same plant show drift between
// them. Documents are validated like `otaudit report` does (a broken file exits 2 naming the field).
// A document's own fleet section, vendor evidence and waivers are served as they were written.
import { basename } from "node:path";
import { UsageError } from "../errors.js";
import type { ResultDocument } from "../model/result.js";
import type { FleetSection } from "../fleet/model.js";
import { loadResultDocument } from "../cli/report-run.js";
import type { BaselineInfo, DevicePage, DeviceRow, StoreReader, SweepInfo } from "./reader.js";

interface Loaded {
  info: SweepInfo;
  doc: ResultDocument;
  rows: DeviceRow[];
}

function zoneOf(doc: ResultDocument, host: string, inventoryZone: string | undefined): string | null {
  const fleet = doc.fleet as Partial<FleetSection> | undefined;
  const gap = fleet?.gaps?.find((g) => g.host === host);
  return gap?.zone ?? inventoryZone ?? null;
}

export class DocumentReader implements StoreReader {
  readonly label: string;
  private readonly loaded: Loaded[];

  constructor(files: string[]) {
    if (files.length === 0) throw new UsageError("RESULT: give result documents (JSON) or a sweep store with --db FILE");
    const used = new Set<string>();
    this.loaded = files.map((file) => {
      const doc = loadResultDocument(file);
      let id = basename(file).replace(/\.json$/i, "");
      for (let i = 2; used.has(id); i++) id = `${basename(file).replace(/\.json$/i, "")}-${i}`;
      used.add(id);
      const rows = doc.devices.map((result, seq) => {
        const inv = (result.facts.discovery?.data as { inventory?: { zone?: string } } | undefined)?.inventory?.zone;
        return { host: result.host, seq, zone: zoneOf(doc, result.host, inv), result };
      });
      const info: SweepInfo = {
        id,
        createdAt: doc.run.startedAt,
        finishedAt: doc.run.finishedAt,
        status: doc.run.interrupted ? "interrupted" : "done",
        devices: rows.length,
      };
      return { info, doc, rows };
    });
    this.loaded.sort((a, b) => b.info.createdAt.localeCompare(a.info.createdAt));
    this.label = files.length === 1 ? basename(files[0]!) : `${files.length} result documents`;
  }

  private get(sweepId: string): Loaded | undefined {
    return this.loaded.find((l) => l.info.id === sweepId);
  }

  async sweeps(): Promise<SweepInfo[]> {
    return this.loaded.map((l) => ({ ...l.info }));
  }

  async devicePage(sweepId: string, after: number | null, limit: number): Promise<DevicePage> {
    const rows = this.get(sweepId)?.rows ?? [];
    const start = after ?? 0;
    const page = rows.slice(start, start + limit);
    return { rows: page, cursor: start + page.length, more: start + page.length < rows.length };
  }

  async device(sweepId: string, host: string): Promise<DeviceRow | undefined> {
    return this.get(sweepId)?.rows.find((r) => r.host === host);
  }

  async baselines(): Promise<BaselineInfo[]> {
    return [];
  }

  async baseline(): Promise<undefined> {
    return undefined;
  }

  async storedFleet(sweepId: string): Promise<FleetSection | undefined> {
    return this.get(sweepId)?.doc.fleet as FleetSection | undefined;
  }

  async documentExtras(sweepId: string): Promise<{ evidence?: unknown[]; waivers?: unknown } | undefined> {
    const doc = this.get(sweepId)?.doc;
    return doc ? { ...(doc.evidence ? { evidence: doc.evidence } : {}), ...(doc.waivers ? { waivers: doc.waivers } : {}) } : undefined;
  }

  async close(): Promise<void> {}
}
