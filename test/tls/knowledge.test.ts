// Invariants of THE TLS knowledge (probes/tls/data/tls.yaml), shared by the tls plugin and
// Modbus/TCP Security: both judge with the same functions (one server, one verdict); features and
// expiry entries explained and sourced; validity windows judged at a given time, dates that do not
// parse never valid. (The per-suite and per-key tables are also checked by test/modbus/knowledge.test.ts.)
import { describe, expect, it } from "vitest";
import * as modbusJudge from "../../probes/modbus/tls-judge.js";
import * as modbusKnowledge from "../../probes/modbus/knowledge.js";
import { judgeCertificate, judgeGroup, judgeSuite, judgeValidity, judgeVersionCode } from "../../probes/tls/judge.js";
import { familyCodes, TLS_KNOWLEDGE_FILE, tlsKnowledge } from "../../probes/tls/knowledge.js";
import { allSuites } from "../../probes/tls/wire/suites.js";

const k = tlsKnowledge();

describe("TLS knowledge (probes/tls/data/tls.yaml)", () => {
  it("lives in the tls plugin, and Modbus/TCP Security judges with the very same functions and data", () => {
    expect(TLS_KNOWLEDGE_FILE).toBe("probes/tls/data/tls.yaml");
    expect(modbusKnowledge.tlsKnowledge).toBe(tlsKnowledge);
    expect(modbusKnowledge.TLS_KNOWLEDGE_FILE).toBe(TLS_KNOWLEDGE_FILE);
    for (const fn of ["judgeSuite", "judgeVersionCode", "judgeGroup", "judgeGroupName", "judgeDhBits", "judgeCertificate"] as const)
      expect(modbusJudge[fn], fn).toBeTypeOf("function");
    expect(modbusJudge.judgeSuite).toBe(judgeSuite);
    expect(modbusJudge.judgeCertificate).toBe(judgeCertificate);
  });

  it("every entry has a reason and a source; features and expiry are explained", () => {
    for (const v of k.versions) expect(v.source.length, v.version).toBeGreaterThan(3);
    for (const w of k.weakSuites) expect(w.reason.length, w.id).toBeGreaterThan(10);
    expect(k.features.compression.source).toMatch(/CVE-2012-4929/);
    expect(k.features.insecureRenegotiation.source).toMatch(/RFC 5746/);
    expect(k.expiry.warningDays).toBeGreaterThan(0);
  });

  it("the weak families cover every suite the registry knows as NULL, anonymous, export, RC4, DES, 3DES or static RSA", () => {
    const covered = new Set(k.weakSuites.flatMap((w) => familyCodes(w.match)));
    for (const s of allSuites()) {
      if (s.kind !== "legacy") continue;
      const weakByParts =
        s.export || s.authentication === "anon" || /^(NULL|RC4|DES|3DES|RC2|IDEA)/.test(s.cipher) || (s.keyExchange === "RSA" && !/PSK/.test(s.name));
      if (weakByParts && /^(RSA|DHE|ECDHE|DH_anon|ECDH_anon|DH|ECDH)$/.test(s.keyExchange)) {
        if (!covered.has(s.code) && s.keyExchange !== "DH" && s.keyExchange !== "ECDH") expect.soft(covered.has(s.code), s.name).toBe(true);
        expect(judgeSuite(s.code).status, s.name).toBe("weak");
      }
    }
  });

  it("versions: exactly SSLv3, TLS 1.0 and 1.1 weak; an unknown code unknown", () => {
    expect([0x0300, 0x0301, 0x0302].map((c) => judgeVersionCode(c).status)).toEqual(["weak", "weak", "weak"]);
    expect([0x0303, 0x0304].map((c) => judgeVersionCode(c).status)).toEqual(["ok", "ok"]);
    expect(judgeVersionCode(0x7f17).status).toBe("unknown");
    expect(judgeGroup(0xfafa).status).toBe("unknown");
  });
});

describe("validity windows (RFC 5280 §4.1.2.5)", () => {
  const at = new Date("2026-06-01T00:00:00Z");
  it.each([
    ["2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "valid"],
    ["2026-01-01T00:00:00Z", "2026-06-10T00:00:00Z", "expiring"],
    ["2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "expired"],
    ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "not-yet-valid"],
    ["2026-07-01T00:00:00Z", "2026-01-01T00:00:00Z", "never-valid"],
    ["otaudit-unknown-1", "2027-01-01T00:00:00Z", "unknown"],
    ["2026-01-01T00:00:00Z", "", "unknown"],
  ])("%s .. %s -> %s", (from, to, want) => {
    expect(judgeValidity(from, to, at).status).toBe(want);
  });
});
