// Cross-check plumbing: run nmap's ssl-enum-ciphers (an independent scanner) on a port and read its
// normal output into versions -> [suite, grade]; compare with the tls plugin's facts (versions
// accepted, suites per version) and judgements (weak or not). Shared by test/tls/nmap-crosscheck.test.ts
// and scripts/bench/tls.ts (which prints the comparison).
import { execFileSync } from "node:child_process";
import type { TlsService } from "../../probes/tls/facts.js";
import { judgeSuite } from "../../probes/tls/judge.js";
import { suiteByName } from "../../probes/tls/wire/suites.js";
import { NMAP } from "./nginx.js";

export type NmapView = Record<string, { suite: string; grade: string; kex: string }[]> & { warnings?: string[] };

/** nmap's version labels -> ours. */
const VERSION: Record<string, string> = { SSLv3: "SSLv3", "TLSv1.0": "TLSv1", "TLSv1.1": "TLSv1.1", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3" };

/** nmap 7.9x names TLS 1.3 suites TLS_AKE_WITH_<cipher>; IANA has TLS_<cipher>. */
export const ianaName = (nmapName: string) => nmapName.replace(/^TLS_AKE_WITH_/, "TLS_");

export function parseNmap(text: string): NmapView {
  const out: NmapView = {};
  const warnings: string[] = [];
  let version: string | undefined;
  for (const line of text.split("\n")) {
    const v = /^\|\s{3}(SSLv3|TLSv1\.[0-3]):\s*$/.exec(line);
    if (v) {
      version = VERSION[v[1]!];
      out[version!] = [];
      continue;
    }
    const c = /^\|\s+([A-Z0-9_]+) \(([^)]*)\) - ([A-F])\s*$/.exec(line);
    if (c && version) out[version]!.push({ suite: ianaName(c[1]!), grade: c[3]!, kex: c[2]! });
    const w = /^\|\s{7}([A-Z][^:]*(?:capped|strength|weak|Broken|Insecure)[^\n]*)$/.exec(line);
    if (w && !warnings.includes(w[1]!.trim())) warnings.push(w[1]!.trim());
  }
  Object.defineProperty(out, "warnings", { value: warnings, enumerable: false });
  return out;
}

export function runNmap(port: number): NmapView {
  const text = execFileSync(NMAP!, ["-Pn", "-n", "-p", String(port), "--script", "ssl-enum-ciphers", "127.0.0.1"], { encoding: "utf8", timeout: 60_000 });
  return parseNmap(text);
}

export interface Comparison {
  versionsOnlyUs: string[];
  versionsOnlyNmap: string[];
  /** per version: suites one tool saw and the other did not */
  suitesOnlyUs: string[];
  suitesOnlyNmap: string[];
  /** suites both saw where nmap's grade (A = fine) and our judgement (weak or not) differ */
  gradeDisagreements: { version: string; suite: string; nmap: string; kex: string; otaudit: string }[];
}

export function compare(svc: TlsService, nmap: NmapView): Comparison {
  const ours = Object.fromEntries(svc.suites.map((s) => [s.version, s.accepted.map((a) => a.name)]));
  const oursV = svc.versions.filter((v) => v.result === "accepted").map((v) => v.version as string);
  const nmapV = Object.keys(nmap);
  const out: Comparison = {
    versionsOnlyUs: oursV.filter((v) => !nmapV.includes(v)),
    versionsOnlyNmap: nmapV.filter((v) => !oursV.includes(v)),
    suitesOnlyUs: [],
    suitesOnlyNmap: [],
    gradeDisagreements: [],
  };
  for (const v of new Set([...oursV, ...nmapV.filter((k) => k !== "warnings")])) {
    const a = ours[v] ?? [];
    const b = (nmap[v] ?? []).map((x) => x.suite);
    out.suitesOnlyUs.push(...a.filter((s) => !b.includes(s)).map((s) => `${v} ${s}`));
    out.suitesOnlyNmap.push(...b.filter((s) => !a.includes(s)).map((s) => `${v} ${s}`));
    for (const x of nmap[v] ?? []) {
      if (!a.includes(x.suite)) continue;
      const j = suiteByName(x.suite) ? judgeSuite(x.suite).status : "unknown";
      if ((x.grade === "A") !== (j === "ok")) out.gradeDisagreements.push({ version: v, suite: x.suite, nmap: x.grade, kex: x.kex, otaudit: j });
    }
  }
  return out;
}

/**
 * Why a grade disagreement is expected, or undefined when it is not explained (a test failure).
 * The same reasons are listed in the README (Parity: TLS).
 */
export function explain(d: Comparison["gradeDisagreements"][number], warnings: readonly string[]): string | undefined {
  if (d.nmap !== "A" && d.otaudit === "ok" && warnings.some((w) => /score capped at F/.test(w)))
    return "nmap caps every suite's grade at F for a weak certificate signature; otaudit judges the suite by its own parts and reports the certificate once (tls.certificate.signature)";
  if (d.nmap === "A" && d.otaudit === "weak" && /^TLS_RSA_WITH_/.test(d.suite))
    return "static RSA key exchange: nmap grades the cipher strength (A); otaudit follows RFC 9325 §4.1 (no forward secrecy) and reports it as weak (low)";
  return undefined;
}
