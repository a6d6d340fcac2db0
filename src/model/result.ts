// The result document (contract for other tools): devices with facts, findings, element verdicts.
import { z } from "zod";
import { ElementId, FindingStatus, Iec62443Ref, SafetyClass, Severity, UndeterminedReason, Verdict } from "./common.js";
import { AnyFactsEnvelope, ServiceEndpoint, factsEnvelope } from "./facts.js";

/** 2.0.0: `undetermined` status and verdict, finding `reason` and `occurrences`, element `unaudited`. */
export const SCHEMA_VERSION = "2.0.0";

export const Finding = z.object({
  ruleId: z.string(),
  title: z.string(),
  status: FindingStatus,
  severity: Severity,
  elements: z.array(ElementId),
  iec62443: z.array(Iec62443Ref),
  protocol: z.string(),
  port: z.number().int().nullable(),
  message: z.string(),
  /** why the outcome is `undetermined` (always set then; optional on other statuses) */
  reason: UndeterminedReason.optional(),
  /** a rule that reported the same status many times is aggregated into one finding with this count */
  occurrences: z.number().int().positive().optional(),
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.string(),
  safety: SafetyClass,
  waiver: z.object({ justification: z.string(), approver: z.string(), expires: z.string() }).optional(),
});
export type Finding = z.infer<typeof Finding>;

export const ElementEntry = z.object({
  id: ElementId,
  name: z.string(),
  verdict: Verdict,
  /** how the verdict is known: probe-verified checks, vendor attestation only, or nothing */
  basis: z.enum(["verified", "attested", "none"]),
  counts: z.object({
    fail: z.number().int(),
    pass: z.number().int(),
    error: z.number().int(),
    skipped: z.number().int(),
    undetermined: z.number().int().default(0),
  }),
  /** services found on the device that bear on this element but that no plugin audited (e.g. "tcp/102 s7comm") */
  unaudited: z.array(z.string()).optional(),
  attestation: z.string().optional(),
});
export type ElementEntry = z.infer<typeof ElementEntry>;

export const DeviceResult = z.object({
  host: z.string(),
  name: z.string().optional(),
  services: z.array(ServiceEndpoint),
  facts: z.record(z.string(), AnyFactsEnvelope),
  findings: z.array(Finding),
  elements: z.array(ElementEntry).length(12),
  score: z.number().min(0).max(100).optional(),
});
export type DeviceResult = z.infer<typeof DeviceResult>;

/** One vendor evidence product applied to devices of this result (src/evidence, issue 7). */
export const EvidenceApplied = z.object({
  source: z.string(),
  vendor: z.string(),
  product: z.string(),
  attestedBy: z.string(),
  attestedOn: z.string(),
  devices: z.array(z.string()),
  elements: z.array(ElementId),
});
export type EvidenceApplied = z.infer<typeof EvidenceApplied>;

/** The waivers file as evaluated on `evaluatedOn`: applied, expired (not applied) or matching nothing. */
export const WaiverReport = z.object({
  source: z.string(),
  evaluatedOn: z.string(),
  entries: z.array(
    z.object({
      rule: z.string(),
      devices: z.array(z.string()),
      justification: z.string(),
      approver: z.string(),
      expires: z.string(),
      state: z.enum(["applied", "expired", "unmatched"]),
      findings: z.number().int().nonnegative(),
    }),
  ),
});
export type WaiverReport = z.infer<typeof WaiverReport>;

export const ResultDocument = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal("otaudit"), version: z.string() }),
  run: z.object({
    startedAt: z.string(),
    finishedAt: z.string(),
    durationMs: z.number().nonnegative(),
    intrusive: z.boolean(),
    protocols: z.array(z.string()),
    failOn: Severity,
    interrupted: z.boolean(),
    source: z.enum(["live", "recorded"]).default("live"),
    /** `scan --from-facts`: the recording replayed, and facts recorded by another probe version */
    recording: z
      .object({
        file: z.string(),
        recordedAt: z.string(),
        toolVersion: z.string(),
        stale: z.array(z.object({ host: z.string(), protocol: z.string(), recordedVersion: z.string(), currentVersion: z.string() })),
      })
      .optional(),
  }),
  devices: z.array(DeviceResult),
  fleet: z.record(z.string(), z.unknown()).optional(),
  /** vendor evidence files applied (--evidence): which product's attestations went to which devices */
  evidence: z.array(EvidenceApplied).optional(),
  /** waivers file applied (--waivers): every waiver with its state; expired ones are listed, not applied */
  waivers: WaiverReport.optional(),
});
export type ResultDocument = z.infer<typeof ResultDocument>;

/**
 * The published result schema: the same document, with each protocol's facts typed by its
 * plugin's own zod schema (so `otaudit schema` documents every fact a plugin records).
 */
export function buildPublishedResultSchema(factsSchemas: Record<string, z.ZodType>) {
  const facts = z.object(Object.fromEntries(Object.entries(factsSchemas).map(([id, s]) => [id, factsEnvelope(s).optional()]))).catchall(AnyFactsEnvelope);
  return ResultDocument.extend({ devices: z.array(DeviceResult.extend({ facts })) });
}

export type RunInfo = ResultDocument["run"];

/**
 * Bring an older result document (parsed JSON, not yet validated) to the current schema version.
 * 1.0.0 documents are valid 2.0.0 content (no `undetermined` yet; element counts gain
 * `undetermined: 0` through the schema default), so only the version changes.
 */
export function upgradeResultDocument(raw: unknown): unknown {
  if (raw && typeof raw === "object" && (raw as { schemaVersion?: unknown }).schemaVersion === "1.0.0")
    return { ...(raw as object), schemaVersion: SCHEMA_VERSION };
  return raw;
}

/**
 * The one place a result document is assembled (live scans, replays, sweeps): schema and tool
 * version, run timing derived from start and finish.
 */
export function newResultDocument(
  run: Omit<RunInfo, "startedAt" | "finishedAt" | "durationMs"> & { startedAt: Date | string; finishedAt: Date | string },
  devices: DeviceResult[],
  toolVersion: string,
): ResultDocument {
  const startedAt = new Date(run.startedAt).toISOString();
  const finishedAt = new Date(run.finishedAt).toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "otaudit", version: toolVersion },
    run: { ...run, startedAt, finishedAt, durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)) },
    devices,
  };
}
