// The IEC 62443-4-2 capability report: per device, per component requirement (CR) and requirement
// enhancement (RE) that the Secure by Demand spec cites, what the evidence supports:
//   verified  the findings of every rule citing it on this device passed (at least one), none failed,
//             none is open (undetermined, could not run, skipped);
//   attested  no verified failure, not verified, and vendor evidence covers an element it anchors;
//   missing   a verified failure (evidence `failed`), open checks (`undecided`) or nothing (`none`).
// Then per level: the highest SL-C whose requirements (the cited ones, with their levels from
// data/iec62443-4-2-levels.yaml) are all verified, and all verified or attested. Policy findings
// are left out (a buyer's preference is no capability); fleet findings naming the device count.
// A pure function of the result document and the spec: the `capability` format writes it as JSON,
// the HTML report shows it as a table.
import { z } from "zod";
import { loadDataFile } from "../data.js";
import { ELEMENTS } from "../catalog/elements.js";
import { secureByDemandSpec } from "../catalog/spec.js";
import { allRuleIds } from "../catalog/rules.js";
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import { isPolicyFinding } from "./rules.js";

export const LEVELS_FILE = "src/policy/data/iec62443-4-2-levels.yaml";
const LevelsFile = z.object({ standard: z.string(), levels: z.record(z.string(), z.number().int().min(1).max(4)) }).strict();

export function requirementLevels(): Record<string, number> {
  return loadDataFile(LEVELS_FILE, LevelsFile).levels;
}

export const Capability = z.enum(["verified", "attested", "missing"]);
export const EvidenceState = z.enum(["passed", "failed", "undecided", "none"]);

export const RequirementCapability = z.object({
  id: z.string(),
  title: z.string(),
  /** the SL-C from which IEC 62443-4-2 requires it (null: not in the levels table) */
  level: z.number().int().nullable(),
  capability: Capability,
  evidence: EvidenceState,
  /** rules of the spec that cite it (the checks that can give evidence) */
  rules: z.array(z.string()),
  findings: z.object({ passed: z.array(z.string()), failed: z.array(z.string()), undecided: z.array(z.string()) }),
  /** elements whose IEC 62443 anchors include it */
  elements: z.array(z.number().int()),
  attestation: z.string().optional(),
});
export type RequirementCapability = z.infer<typeof RequirementCapability>;

export const LevelSummary = z.object({
  level: z.number().int(),
  requirements: z.number().int(),
  verified: z.number().int(),
  attested: z.number().int(),
  failed: z.number().int(),
  undecided: z.number().int(),
  none: z.number().int(),
});

export const DeviceCapability = z.object({
  host: z.string(),
  name: z.string().optional(),
  /** highest SL-C all of whose cited requirements are verified (0: not even SL-C 1) */
  verifiedLevel: z.number().int(),
  /** the same, counting vendor attestations */
  attestedLevel: z.number().int(),
  perLevel: z.array(LevelSummary),
  requirements: z.array(RequirementCapability),
});
export type DeviceCapability = z.infer<typeof DeviceCapability>;

export const CapabilityReport = z.object({
  kind: z.literal("otaudit-capability"),
  formatVersion: z.literal(1),
  standard: z.string(),
  scope: z.string(),
  tool: z.object({ name: z.literal("otaudit"), version: z.string() }),
  run: z.object({ startedAt: z.string(), finishedAt: z.string(), source: z.string() }),
  devices: z.array(DeviceCapability),
});
export type CapabilityReport = z.infer<typeof CapabilityReport>;

export const CAPABILITY_SCOPE =
  "Only the IEC 62443-4-2 requirements a network audit can give evidence for (those the Secure by Demand spec cites); a level here is the capability this evidence supports, not a certification.";

const baseRef = (ref: string) => ref.replace(/ RE ?\d+$/, "");

/** Requirements of IEC 62443-4-2 (CR, CR RE) cited by a non-policy rule of the spec, in the table's order, with their rules. */
function citedRequirements(): { id: string; title: string; rules: string[] }[] {
  const spec = secureByDemandSpec();
  const known = allRuleIds(); // rules the catalog really has (the spec may name one being renamed)
  return Object.entries(spec.requirements)
    .filter(([id]) => id.startsWith("CR "))
    .map(([id, r]) => ({
      id,
      title: r.title,
      rules: Object.entries(spec.rules)
        .filter(([rid, x]) => !rid.startsWith("policy.") && id in x.iec62443 && known.has(rid))
        .map(([rid]) => rid),
    }))
    .filter((r) => r.rules.length > 0);
}

type Judged = Pick<Finding, "ruleId" | "status" | "severity" | "iec62443">;

/** The device's findings and the fleet findings naming it (policy findings left out). */
function evidenceOf(doc: ResultDocument, d: DeviceResult): Judged[] {
  const fleet = (doc.fleet as { findings?: (Judged & { devices?: string[] })[] } | undefined)?.findings ?? [];
  return [...d.findings.filter((f) => !isPolicyFinding(f)), ...fleet.filter((f) => Array.isArray(f.devices) && f.devices.includes(d.host))];
}

function requirementCapability(
  req: { id: string; title: string; rules: string[] },
  evidence: readonly Judged[],
  d: DeviceResult,
  levels: Record<string, number>,
): RequirementCapability {
  const mine = evidence.filter((f) => f.iec62443.includes(req.id));
  const ids = (p: (f: Judged) => boolean) => [...new Set(mine.filter(p).map((f) => f.ruleId))];
  const failed = ids((f) => f.status === "fail" && f.severity !== "info");
  const passed = ids((f) => f.status === "pass");
  const undecided = ids((f) => f.status === "undetermined" || f.status === "error" || f.status === "skipped");
  const elements = ELEMENTS.filter((e) => [...e.iec62443_4_2, ...e.iec62443_4_1].some((a) => a === req.id || a === baseRef(req.id))).map((e) => e.id);
  const attestation = d.elements.find((e) => elements.includes(e.id) && e.attestation !== undefined)?.attestation;
  const state = failed.length ? "failed" : undecided.length ? "undecided" : passed.length ? "passed" : "none";
  const capability = state === "passed" ? "verified" : state !== "failed" && attestation !== undefined ? "attested" : "missing";
  return {
    id: req.id,
    title: req.title,
    level: levels[req.id] ?? null,
    capability,
    evidence: state,
    rules: req.rules,
    findings: { passed, failed, undecided },
    elements,
    ...(capability === "attested" ? { attestation: attestation! } : {}),
  };
}

/** The highest level L such that every requirement of level <= L satisfies `ok` (0 when level 1 does not). */
function highestLevel(reqs: readonly RequirementCapability[], ok: (r: RequirementCapability) => boolean, top: number): number {
  let got = 0;
  for (let l = 1; l <= top; l++) {
    if (!reqs.filter((r) => r.level !== null && r.level <= l).every(ok)) break;
    got = l;
  }
  return got;
}

export function deviceCapability(doc: ResultDocument, d: DeviceResult): DeviceCapability {
  const levels = requirementLevels();
  const evidence = evidenceOf(doc, d);
  const requirements = citedRequirements().map((r) => requirementCapability(r, evidence, d, levels));
  const top = Math.max(0, ...requirements.map((r) => r.level ?? 0));
  const perLevel = Array.from({ length: top }, (_, i) => {
    const at = requirements.filter((r) => r.level === i + 1);
    const n = (p: (r: RequirementCapability) => boolean) => at.filter(p).length;
    return {
      level: i + 1,
      requirements: at.length,
      verified: n((r) => r.capability === "verified"),
      attested: n((r) => r.capability === "attested"),
      failed: n((r) => r.evidence === "failed"),
      undecided: n((r) => r.capability === "missing" && r.evidence === "undecided"),
      none: n((r) => r.capability === "missing" && r.evidence === "none"),
    };
  });
  return {
    host: d.host,
    ...(d.name ? { name: d.name } : {}),
    verifiedLevel: highestLevel(requirements, (r) => r.capability === "verified", top),
    attestedLevel: highestLevel(requirements, (r) => r.capability !== "missing", top),
    perLevel,
    requirements,
  };
}

export function capabilityReport(doc: ResultDocument): CapabilityReport {
  return {
    kind: "otaudit-capability",
    formatVersion: 1,
    standard: loadDataFile(LEVELS_FILE, LevelsFile).standard,
    scope: CAPABILITY_SCOPE,
    tool: { name: "otaudit", version: doc.tool.version },
    run: { startedAt: doc.run.startedAt, finishedAt: doc.run.finishedAt, source: doc.run.source },
    devices: doc.devices.map((d) => deviceCapability(doc, d)),
  };
}
