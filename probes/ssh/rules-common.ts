// Shared pieces of the SSH rules (pure): one outcome list per audited service, the algorithm
// judgement (rule-kit judgeItems: weak -> fail, unknown or cut name-lists -> undetermined, empty ->
// undetermined, known good -> pass with the names as evidence), and key strength via the shared
// key-strength knowledge (src/knowledge/key-strength.ts).
import type { RuleOutcome } from "../../src/plugin.js";
import { error, judgeItems, notApplicable, undetermined, type JudgedItem } from "../../src/rule-kit.js";
import { judgeKey, type KeyStrength } from "../../src/knowledge/key-strength.js";
import type { SshAlgorithms, SshFacts, SshPublicKey, SshService } from "./facts.js";
import { algorithmDatabase, classify, reasonText, type AlgorithmCategory, type AlgorithmVerdict } from "./knowledge.js";
import { withHints } from "./hints.js";

export function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/**
 * Run `fn` for each audited service; a service the probe could not audit yields an `error`
 * outcome for its port (never a pass). Failing and undetermined outcomes get the hardening hint
 * of the service's family (names from `evidence.weak`).
 */
export function perService(facts: SshFacts, ruleId: string, fn: (s: SshService) => RuleOutcome | RuleOutcome[] | null): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    if (s.error) {
      out.push(error(`could not audit ${s.url}: ${s.error.code}: ${s.error.message}`, { url: s.url, error: s.error }, { port: s.port }));
      continue;
    }
    const r = fn(s);
    if (r === null) continue;
    const list = (Array.isArray(r) ? r : [r]).map((o) => ({ ...o, port: o.port ?? s.port }) as RuleOutcome);
    out.push(...withHints(ruleId, s, list, (o) => (Array.isArray(o.evidence?.weak) ? (o.evidence.weak as string[]) : [])));
  }
  return out;
}

export function isSsh1Only(s: SshService): boolean {
  return s.banner !== undefined && s.banner.protocolVersion !== "2.0" && s.banner.protocolVersion !== "1.99";
}

/** Outcome when a rule needs the KEXINIT algorithms and they are not there. */
export function noAlgorithms(s: SshService): RuleOutcome {
  if (isSsh1Only(s)) return notApplicable(`${s.url} speaks SSH-1 only (${s.banner!.raw}); no SSH-2 algorithms to check`, { banner: s.banner!.raw });
  return error(`${s.url}: the server's KEXINIT was not read`);
}

export const ALGORITHM_LISTS: Record<AlgorithmCategory, (a: SshAlgorithms) => string[]> = {
  kex: (a) => a.kex,
  hostKey: (a) => a.hostKey,
  cipher: (a) => unique([...a.cipherClientToServer, ...a.cipherServerToClient]),
  mac: (a) => unique([...a.macClientToServer, ...a.macServerToClient]),
  compression: (a) => unique([...a.compressionClientToServer, ...a.compressionServerToClient]),
};

/** KEXINIT name-lists behind each category (RFC 4253 §7.1 field names). */
export const WIRE_LISTS: Record<AlgorithmCategory, string[]> = {
  kex: ["kex_algorithms"],
  hostKey: ["server_host_key_algorithms"],
  cipher: ["encryption_algorithms_client_to_server", "encryption_algorithms_server_to_client"],
  mac: ["mac_algorithms_client_to_server", "mac_algorithms_server_to_client"],
  compression: ["compression_algorithms_client_to_server", "compression_algorithms_server_to_client"],
};

export const CATEGORY_LABEL: Record<AlgorithmCategory, string> = {
  kex: "key exchange algorithm",
  hostKey: "host key algorithm",
  cipher: "cipher",
  mac: "MAC",
  compression: "compression algorithm",
};

/** Name-lists of this category that the parser had to cut (more names than it keeps). */
export function cutLists(category: AlgorithmCategory, a: SshAlgorithms) {
  const lists = WIRE_LISTS[category];
  return (a.irregularities ?? []).filter((i) => lists.includes(i.list) && i.truncated);
}

/** A weak-algorithm outcome for one category; `extraWeak` adds context-dependent weaknesses. */
export function algorithmOutcome(
  category: AlgorithmCategory,
  s: SshService,
  extraWeak: (offered: AlgorithmVerdict[]) => AlgorithmVerdict[] = () => [],
): RuleOutcome {
  if (!s.algorithms) return noAlgorithms(s);
  const db = algorithmDatabase();
  const offered = ALGORITHM_LISTS[category](s.algorithms)
    .map((n) => classify(category, n, db))
    .filter((v) => v.status !== "marker");
  const extra = new Map(extraWeak(offered).map((v) => [v.name, v]));
  const items: JudgedItem[] = offered.map((v0) => {
    const v = extra.get(v0.name) ?? v0;
    const item: JudgedItem = { name: v.name, status: v.status === "weak" ? "weak" : v.status === "unknown" ? "unknown" : "ok", reasons: v.reasons };
    if (v.severity) item.severity = v.severity;
    return item;
  });
  const label = CATEGORY_LABEL[category];
  const o = judgeItems(items, `${label}s`);
  if (o.status === "fail" && o.evidence?.reasons) {
    const reasons = o.evidence.reasons as Record<string, string[]>;
    o.evidence.reasons = Object.fromEntries(Object.entries(reasons).map(([n, rs]) => [n, rs.map((r) => `${r}: ${reasonText(r, db)}`)]));
  }
  const cut = cutLists(category, s.algorithms);
  if (cut.length && o.status === "pass") {
    return undetermined(
      "incomplete",
      `the server offered more ${label}s than otaudit keeps (${cut.map((c) => `${c.list}: ${c.total} names`).join("; ")}); the ones left out were not judged`,
      { ...o.evidence, cut },
    );
  }
  return o;
}

/** Strength of a public key through the shared key-strength table. */
export function sshKeyStrength(k: Pick<SshPublicKey, "keyType" | "bits" | "curve" | "unknownType">): KeyStrength {
  const t = k.keyType;
  if (k.unknownType) return { status: "unknown", detail: `key type ${t} is not one otaudit can parse` };
  if (t === "ssh-rsa") return judgeKey("rsa", k.bits);
  if (t === "ssh-dss") return judgeKey("dsa", k.bits);
  if (t.startsWith("ecdsa-sha2-") || t === "sk-ecdsa-sha2-nistp256@openssh.com") {
    // RFC 5656 §3.1: the blob's curve identifier is the one the key type names; anything else is
    // not a key otaudit can judge (the probe refuses such a blob; recorded facts are checked too)
    const named = /^(?:sk-)?ecdsa-sha2-([^@]+)/.exec(t)?.[1];
    if (k.curve !== undefined && k.curve !== named) return { status: "unknown", detail: `curve ${k.curve} does not match the key type ${t}` };
    return judgeKey("ec", k.bits, k.curve ?? named);
  }
  if (t === "ssh-ed25519" || t === "sk-ssh-ed25519@openssh.com") return judgeKey("ed25519");
  if (t === "ssh-ed448") return judgeKey("ed448");
  return judgeKey(t);
}
