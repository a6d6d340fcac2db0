// Shared vocabulary of the result model: severities, statuses, safety classes, element ids.
import { z } from "zod";
import { FINDING_STATUSES, SEVERITIES, UNDETERMINED_REASONS, VERDICTS } from "./vocabulary.js";

export { SEVERITIES };
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Rank for comparisons: higher is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

/**
 * A finding's status. `pass` needs positive evidence; `undetermined` says the check ran but the
 * device's answers cannot support a verdict either way (unknown names, dropped or unparsed
 * answers, silence, a closed connection) and carries a `reason` (UNDETERMINED_REASONS).
 */
export const FindingStatus = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof FindingStatus>;
export const UndeterminedReason = z.enum(UNDETERMINED_REASONS);
export type UndeterminedReason = z.infer<typeof UndeterminedReason>;

/**
 * Safety class of a check (design.md "Safety classes"):
 * passive = handshakes, banners, endpoint listings; read = reads an unauthenticated client may do;
 * intrusive = login attempts, write-back tests. Only passive and read run by default.
 */
export const SafetyClass = z.enum(["passive", "read", "intrusive"]);
export type SafetyClass = z.infer<typeof SafetyClass>;

export const ElementId = z.number().int().min(1).max(12);
export type ElementId = z.infer<typeof ElementId>;

/**
 * An element's verdict: pass (verified, nothing open), fail, partial (some passes, some checks or
 * services undetermined, skipped or unaudited), undetermined (checks ran, nothing decided),
 * attested (vendor evidence only), unverified (nothing looked at it), error.
 */
export const Verdict = z.enum(VERDICTS);
export type Verdict = z.infer<typeof Verdict>;

/** IEC 62443 requirement id, e.g. "CR 1.1", "CR 1.1 RE 2", "SR 3.1", "SD-4", "DM-1". */
export const Iec62443Ref = z
  .string()
  .regex(/^(CR|SR|EDR|HDR|NDR|CCSC) \d+\.\d+( RE ?\d+)?$|^[A-Z]{2,3}-\d+$/, "an IEC 62443 reference such as 'CR 1.1' or 'SD-4'");
