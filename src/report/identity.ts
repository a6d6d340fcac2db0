// A finding's identity across runs, shared by every format another tool deduplicates on (SARIF
// partialFingerprints, DefectDojo unique_id_from_tool, OCSF finding_info.uid): the rule, the device,
// the protocol and port, and what tells apart several findings of one rule there: the policy clause
// a policy finding names, else the finding's position among identical keys (rules report in a
// stable order). Never a timestamp, a message or evidence that changes between runs.
import { createHash } from "node:crypto";
import type { DeviceResult, Finding } from "../model/result.js";

export interface FindingIdentity {
  finding: Finding;
  /** `rule|host|protocol|port` */
  key: string;
  /** the clause (policy findings) or `#<occurrence>` */
  discriminator: string;
  /** 32 hex digits, stable across runs */
  id: string;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);

/** Identities of a device's findings, in the device's order. */
export function findingIdentities(d: Pick<DeviceResult, "host" | "findings">): FindingIdentity[] {
  const seen = new Map<string, number>();
  return d.findings.map((f) => {
    const key = `${f.ruleId}|${d.host}|${f.protocol}|${f.port ?? ""}`;
    const clause = typeof f.evidence.clause === "string" && f.ruleId.startsWith("policy.") ? f.evidence.clause : undefined;
    if (clause !== undefined) return { finding: f, key, discriminator: clause, id: hash(`${key}#clause:${clause}`) };
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    // `${key}#${n}`: the SARIF fingerprint otaudit has always written (otauditFinding/v1)
    return { finding: f, key, discriminator: `#${occurrence}`, id: hash(`${key}#${occurrence}`) };
  });
}
