// Waivers file (YAML, zod): an accepted risk for one rule on selected devices, with justification,
// approver and expiry date. A waived failing finding stays in every report, marked `waiver`, and
// no longer fails its element or the exit code. A waiver is valid through its expiry date; after
// that it stops applying and the result lists it as expired. A rule id that no rule has is an
// input error (exit 2), never silently ignored.
import { basename } from "node:path";
import { z } from "zod";
import type { Finding, ResultDocument, WaiverReport } from "../model/result.js";
import { deviceMatches, isIsoDate, parseYamlInput, readInputFile, usageErrorFromLines } from "./load.js";

export const WAIVERS_SCHEMA_VERSION = 1;

export const Waiver = z
  .object({
    /** rule id as listed by `otaudit rules`, e.g. snmp.community.default */
    rule: z.string().min(1),
    /** device selectors: address, glob, CIDR or device-name glob */
    devices: z.array(z.string().min(1)).min(1),
    /** only findings on this port (optional) */
    port: z.number().int().min(1).max(65535).optional(),
    justification: z.string().min(1),
    approver: z.string().min(1),
    /** last day the waiver applies (YYYY-MM-DD) */
    expires: z.string().refine(isIsoDate, "a date as YYYY-MM-DD"),
    ticket: z.string().optional(),
  })
  .strict();
export type Waiver = z.infer<typeof Waiver>;

export const WaiversFile = z.object({ schemaVersion: z.literal(WAIVERS_SCHEMA_VERSION), waivers: z.array(Waiver) }).strict();
export type WaiversFile = z.infer<typeof WaiversFile>;

export interface LoadedWaivers {
  source: string;
  /** label used in error lines, e.g. "--waivers w.yaml" */
  label: string;
  file: WaiversFile;
}

export function parseWaivers(text: string, label: string, source = label): LoadedWaivers {
  return { source, label, file: parseYamlInput(text, label, WaiversFile) };
}

export function loadWaivers(path: string): LoadedWaivers {
  return parseWaivers(readInputFile(path, "--waivers"), `--waivers ${path}`, basename(path));
}

/** Reject waivers naming a rule no known rule has (exit 2, `waivers[i].rule: ...` lines). */
export function checkWaiverRules(w: LoadedWaivers, knownRuleIds: ReadonlySet<string>): void {
  const lines: string[] = [];
  w.file.waivers.forEach((x, i) => {
    if (knownRuleIds.has(x.rule)) return;
    const near = [...knownRuleIds].filter((id) => id.split(".")[0] === x.rule.split(".")[0]).slice(0, 5);
    lines.push(
      `${w.label}: waivers[${i}].rule: unknown rule '${x.rule}'${near.length ? ` (rules of that protocol: ${near.join(", ")})` : " (see `otaudit rules`)"}`,
    );
  });
  if (lines.length) throw usageErrorFromLines(lines);
}

/** Today's date as YYYY-MM-DD (UTC), the reference for expiry. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function waiverApplies(w: Waiver, f: Finding, device: { host: string; name?: string }): boolean {
  return w.rule === f.ruleId && (w.port === undefined || w.port === f.port) && w.devices.some((s) => deviceMatches(s, device));
}

/**
 * Mark failing findings covered by a current waiver (the first matching one wins). Marks from an
 * earlier application are removed first, so re-rendering with another waivers file is exact.
 * Pure: returns a new document; scoring is recomputed by the caller (src/evidence/apply.ts).
 */
export function applyWaivers(doc: ResultDocument, w: LoadedWaivers, evaluatedOn: string): { doc: ResultDocument; report: WaiverReport } {
  const counts = w.file.waivers.map(() => 0);
  const devices = doc.devices.map((d) => ({
    ...d,
    findings: d.findings.map((f) => {
      const { waiver: _old, ...plain } = f;
      if (f.status !== "fail") return plain;
      let marked: Finding = plain;
      for (const [i, x] of w.file.waivers.entries()) {
        if (!waiverApplies(x, f, d)) continue;
        if (x.expires < evaluatedOn) continue; // expired: listed in the report, not applied
        counts[i]!++;
        marked = { ...plain, waiver: { justification: x.justification, approver: x.approver, expires: x.expires } };
        break;
      }
      return marked;
    }),
  }));
  const report: WaiverReport = {
    source: w.source,
    evaluatedOn,
    entries: w.file.waivers.map((x, i) => ({
      rule: x.rule,
      devices: x.devices,
      justification: x.justification,
      approver: x.approver,
      expires: x.expires,
      state: x.expires < evaluatedOn ? "expired" : counts[i]! > 0 ? "applied" : "unmatched",
      findings: counts[i]!,
    })),
  };
  return { doc: { ...doc, devices }, report };
}
