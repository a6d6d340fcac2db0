// Two feature probes, one raw hello each, at the best version up to TLS 1.2 the server accepted and
// with suites it is known to accept (so a refusal is about the feature, not the suites):
//   compression: DEFLATE (1) offered before null (0) (RFC 3749); a ServerHello choosing 1 means TLS
//     compression is on (CRIME, CVE-2012-4929); TLS 1.3 has no compression (RFC 8446 §4.1.2).
//   weak groups: ECDHE suites with only named curves below 224 bits in supported_groups (RFC 8422
//     §5.1.1); a server with no common curve must not choose an ECC suite (RFC 8422 §5.1), so an
//     ECDHE choice here names the weak curve it will use.
import { MIN_EC_BITS } from "../../src/knowledge/key-strength.js";
import type { FeatureProbe, SuiteScan, VersionEntry } from "./facts.js";
import { classifyHello } from "./hello-plan.js";
import { featureHello, type ScanEnv } from "./scan.js";
import { isConnectFailure } from "./wire/client.js";
import { GROUPS, versionCode, type VersionName } from "./wire/constants.js";
import { suiteByCode } from "./wire/suites.js";

const LEGACY_ORDER: VersionName[] = ["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"];

/** Named elliptic curves below the EC minimum of src/knowledge/key-strength.ts. */
export const WEAK_EC_GROUPS = Object.entries(GROUPS)
  .filter(([, g]) => g.kind === "ec" && (g.bits ?? 0) < MIN_EC_BITS)
  .map(([code]) => Number(code));

/** The best version <= TLS 1.2 with a complete or partial list of accepted suites. */
export function bestLegacy(versions: VersionEntry[], suites: SuiteScan[]): { version: VersionName; codes: number[] } | undefined {
  for (const v of LEGACY_ORDER) {
    if (versions.find((x) => x.version === v)?.result !== "accepted") continue;
    const codes = suites.find((s) => s.version === v)?.accepted.map((a) => a.code) ?? [];
    if (codes.length) return { version: v, codes };
  }
  return undefined;
}

export async function probeCompression(env: ScanEnv, best: { version: VersionName; codes: number[] }): Promise<FeatureProbe> {
  const offered = [1, 0];
  env.log.info({ action: "tls-compression", safety: "passive", endpoint: env.url, version: best.version }, "raw ClientHello offering DEFLATE");
  const r = await featureHello(env, best.version, best.codes, { compressionMethods: offered });
  const c = classifyHello(r, versionCode(best.version), new Set(best.codes));
  const method = isConnectFailure(r) ? undefined : r.flight.serverHello?.compressionMethod;
  const base = { version: best.version, offered, ...(method !== undefined ? { method } : {}) };
  if (method !== undefined && !offered.includes(method))
    return { ...base, result: "error", detail: `the ServerHello chose compression method ${method}, which was not offered` };
  if (c.result === "accepted" || c.result === "incomplete")
    return {
      ...base,
      result: "accepted",
      detail: method === 1 ? "the server chose DEFLATE compression" : "the server chose no compression (null) with DEFLATE offered",
    };
  return { ...base, result: c.result, ...(c.detail ? { detail: c.detail } : {}) };
}

/** Only when the server accepted an ECDHE suite up to TLS 1.2: does it also take a weak curve? */
export async function probeWeakGroups(env: ScanEnv, best: { version: VersionName; codes: number[] }): Promise<FeatureProbe | undefined> {
  const ecdhe = best.codes.filter((c) => suiteByCode(c)?.keyExchange === "ECDHE");
  if (ecdhe.length === 0 || best.version === "SSLv3") return undefined;
  env.log.info({ action: "tls-weak-groups", safety: "passive", endpoint: env.url, version: best.version }, "raw ClientHello offering only weak curves");
  const r = await featureHello(env, best.version, ecdhe, { groups: WEAK_EC_GROUPS });
  const c = classifyHello(r, versionCode(best.version), new Set(ecdhe));
  const base = { version: best.version, offered: WEAK_EC_GROUPS };
  if (c.result === "accepted" || c.result === "incomplete") {
    if (c.group === undefined) return { ...base, result: "error", detail: "an ECDHE suite was chosen but no curve could be read from the ServerKeyExchange" };
    if (!WEAK_EC_GROUPS.includes(c.group))
      return { ...base, result: "error", group: c.group, detail: `the server chose curve ${GROUPS[c.group]?.name ?? c.group}, which was not offered` };
    return { ...base, result: "accepted", group: c.group, detail: `the server chose ${GROUPS[c.group]?.name ?? c.group} with only weak curves offered` };
  }
  return { ...base, result: c.result, ...(c.detail ? { detail: c.detail } : {}) };
}
