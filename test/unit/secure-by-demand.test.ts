// Invariants of the Secure by Demand mapping as data (issue 12 §5, src/catalog/secure-by-demand.yaml):
// rule ids unique; every rule in the spec and every spec rule a real rule; every probe-verifiable
// element reachable, attestation-only elements never claimed by a rule; every cited IEC 62443
// requirement known, fitting what the rule checks and anchored in one of the rule's elements; the
// engine, fleet, advisory findings and the catalog take the mapping from the spec; and the rules'
// own meta fields agree with it (until they are removed), except the listed corrections.
import { describe, expect, it } from "vitest";
import { ELEMENTS } from "../../src/catalog/elements.js";
import { allRuleMetas, allRules } from "../../src/catalog/rules.js";
import { secureByDemandSpec, specMapping } from "../../src/catalog/spec.js";
import { runRules } from "../../src/engine/rules.js";
import { DRIFT_RULE_META, driftFindings } from "../../src/fleet/drift.js";
import { evaluateFleet } from "../../src/fleet/index.js";
import { fakePlugin } from "../helpers/fake-plugin.js";
import type { FactsEnvelope } from "../../src/model/facts.js";

const spec = secureByDemandSpec();
const metas = allRuleMetas();

/**
 * Rules whose own meta the spec corrects (the spec is authoritative). The lead empties this list
 * when the duplicated meta fields are stripped from the rules after the protocol branches merge.
 */
const SPEC_CORRECTS_META: Record<string, string> = {
  "ssh.auth.password-single-factor": "drops CR 1.7: the rule does not check password strength (it checks that a password alone is not enough: CR 1.1 RE 2)",
  "modbus.security.client-auth": "drops CR 2.1: requiring a client certificate is device authentication (CR 1.2), not authorization",
  "modbus.write.unauthenticated": "drops CR 3.5: an unauthenticated write is missing authorization (CR 2.1), not input validation",
  "snmp.community.default": "drops CR 7.7: a default community is a default authenticator (CR 1.5), not an unneeded function",
  "snmp.community.write": "drops CR 3.5: a community that may SET is missing authorization (CR 2.1), not input validation",
  "snmp.v3.weak-algorithms": "drops CR 1.2: MD5/SHA-1/DES are a use-of-cryptography finding (CR 4.3)",
  "opcua.security-mode.no-encryption": "adds element 3: whether OPC UA's secure (SignAndEncrypt) variant is offered is open-standards evidence",
  "opcua.user-token.anonymous": "drops CR 2.1: an anonymous token is missing identification (CR 1.1); writes are opcua.anonymous.writable-variables",
  "opcua.auditing.disabled": "adds element 1: elements.md names OPC UA Server.Auditing as configuration-management evidence (changes recorded)",
  "advisory.version-match": "drops CR 3.4: a version advisory does not check software integrity",
  "fleet.remote-access.no-mfa": "drops CR 1.7: the rule does not check password strength",
  "opcua.trust.self-signed-user-certificate":
    "CR 1.8 -> CR 1.9: accepting a never-seen user certificate is public-key user authentication without validation against trust anchors (CR 1.9, an anchor of element 9); CR 1.8 is the server's PKI (element 7)",
  "opcua.rbac.not-advertised":
    "adds element 8, drops CR 1.1: role-based access is authorization (CR 2.1, anchored in element 8), not identification and authentication; element 9 keeps it ('access is role-based')",
  "opcua.anonymous.writable-diagnostics":
    "drops CR 2.1: the diagnostics are audit information (element 2, CR 3.9); CR 2.1 is anchored in element 8 only, and writes to process variables are opcua.anonymous.writable-variables",
  "telnet.auth.cleartext":
    "CR 2.1 -> CR 4.1, drops CR 1.1: a login over Telnet sends the password in clear (authenticator protection in transit, CR 1.5; confidentiality, CR 4.1); it is neither authorization (CR 2.1, element 8) nor missing identification",
  "telnet.cleartext": "adds element 5: Telnet is a cleartext protocol where SSH is the secure one (element 5 is about secure protocols)",
  "ftp.anonymous": "adds element 8: anonymous users get file access without authorization (CR 2.1 is anchored in element 8)",
  "vnc.auth.none": "adds element 8: security type None lets anyone drive the screen without authorization (CR 2.1 is anchored in element 8)",
  "surface.unaudited-service":
    "adds element 6: CR 7.7 (least functionality), the one requirement it cites, is anchored in element 6; each finding still counts for the elements of its port (probes/surface.ts)",
};

const sorted = <T>(xs: readonly T[]) => [...xs].map(String).sort();

describe("Secure by Demand spec (src/catalog/secure-by-demand.yaml)", () => {
  it("rule ids are unique across plugins, advisories and fleet rules", () => {
    const ids = metas.map((m) => m.meta.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("every rule the engine can report is in the spec, and every spec rule is a real rule", () => {
    const ids = new Set(metas.map((m) => m.meta.id));
    expect(
      [...ids].filter((id) => !spec.rules[id]),
      "rules missing from the spec",
    ).toEqual([]);
    expect(
      Object.keys(spec.rules).filter((id) => !ids.has(id)),
      "spec rules that do not exist",
    ).toEqual([]);
    const inControls = new Set(spec.controls.flatMap((c) => c.rules));
    expect(
      [...inControls].filter((id) => !ids.has(id)),
      "control rules that do not exist",
    ).toEqual([]);
    expect(
      [...ids].filter((id) => !inControls.has(id)),
      "rules that count for no element",
    ).toEqual([]);
  });

  it("one control per element; every probe-verifiable element is reachable; attestation-only elements have no rule", () => {
    expect(spec.controls.map((c) => c.element)).toEqual(ELEMENTS.map((e) => e.id));
    for (const el of ELEMENTS) {
      const rules = spec.controls.find((c) => c.element === el.id)!.rules;
      if (el.verifiedBy === "attest") expect(rules, `element ${el.id} (${el.name}) is attestation-only`).toEqual([]);
      else expect(rules.length, `element ${el.id} (${el.name}) is ${el.verifiedBy}: some rule must give evidence for it`).toBeGreaterThan(0);
    }
  });

  it("every cited requirement is known, fits what the rule checks, and is anchored in one of the rule's elements", () => {
    const problems: string[] = [];
    for (const [id, rule] of Object.entries(spec.rules)) {
      const elements = specMapping(id)!.elements.map((e) => ELEMENTS.find((x) => x.id === e)!);
      for (const ref of Object.keys(rule.iec62443)) {
        const req = spec.requirements[ref];
        if (!req) {
          problems.push(`${id}: ${ref} is not in requirements`);
          continue;
        }
        if (!req.fits.some((t) => rule.checks.includes(t)))
          problems.push(`${id}: ${ref} (${req.title}) fits ${req.fits.join("/")}, the rule checks ${rule.checks.join("/")}`);
        const base = ref.replace(/ RE ?\d+$/, "");
        const anchored = elements.some((el) => [...el.iec62443_4_2, ...el.iec62443_4_1].some((a) => a === ref || a === base));
        if (!anchored) problems.push(`${id}: ${ref} is an anchor of none of its elements (${elements.map((e) => e.id).join(", ")})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("unauthenticated writes cite authorization (CR 2.1), never input validation (CR 3.5); nothing cites CR 1.7 without checking password strength", () => {
    const writes = ["modbus.write.unauthenticated", "snmp.community.write", "opcua.anonymous.writable-variables"];
    for (const id of writes) {
      expect(specMapping(id)!.iec62443, id).toContain("CR 2.1");
      expect(specMapping(id)!.iec62443, id).not.toContain("CR 3.5");
    }
    for (const [id, r] of Object.entries(spec.rules)) if (Object.keys(r.iec62443).includes("CR 1.7")) expect(r.checks, id).toContain("password-strength");
  });

  it("every check tag and every requirement is used (no dead vocabulary)", () => {
    const tags = new Set(Object.values(spec.rules).flatMap((r) => r.checks));
    const fits = new Set(Object.values(spec.requirements).flatMap((r) => r.fits));
    expect(
      [...tags].filter((t) => !fits.has(t)),
      "check tags no requirement fits",
    ).toEqual([]);
    const cited = new Set(Object.values(spec.rules).flatMap((r) => Object.keys(r.iec62443)));
    const unused = Object.keys(spec.requirements).filter((r) => !cited.has(r));
    // kept on purpose, cited by no rule yet: element 9 anchors no probe checks (unique accounts,
    // lockout), and what input validation would need (no rule checks it)
    expect(sorted(unused)).toEqual(sorted(["CR 1.1 RE 1", "CR 1.11", "CR 3.5"]));
  });

  it("the rules' own meta agrees with the spec, except the listed corrections (each a real difference)", () => {
    const differs = (id: string, m: { elements: readonly number[]; iec62443: readonly string[] }) => {
      const s = specMapping(id)!;
      return sorted(m.elements).join() !== sorted(s.elements).join() || sorted(m.iec62443).join() !== sorted(s.iec62443).join();
    };
    const unexpected = metas
      .filter(({ meta }) => differs(meta.id, meta) && !SPEC_CORRECTS_META[meta.id])
      .map(
        ({ meta }) =>
          `${meta.id}: meta ${meta.elements}/${meta.iec62443.join(", ")} vs spec ${specMapping(meta.id)!.elements}/${specMapping(meta.id)!.iec62443.join(", ")}`,
      );
    expect(unexpected, "a rule's meta changed: move the change into secure-by-demand.yaml (the spec is authoritative)").toEqual([]);
    const stale = Object.keys(SPEC_CORRECTS_META).filter((id) => !metas.some(({ meta }) => meta.id === id && differs(id, meta)));
    expect(stale, "listed corrections that no longer differ: remove them from SPEC_CORRECTS_META").toEqual([]);
  });
});

describe("the spec is what findings and the catalog carry", () => {
  it("the catalog's elements and IEC 62443 references are the spec's", () => {
    for (const r of allRules()) expect({ id: r.id, elements: r.elements, iec62443: r.iec62443 }).toEqual({ id: r.id, ...specMapping(r.id)! });
  });

  it("a device finding takes the spec's mapping, not the rule's meta", () => {
    const plugin = fakePlugin();
    const rule = plugin.rules[0]!;
    const id = "opcua.auditing.disabled"; // a real rule id whose spec mapping differs from its meta
    const borrowed = { ...plugin, rules: [{ ...rule, meta: { ...rule.meta, id, elements: [2 as const], iec62443: ["CR 2.8"] } }] };
    const envelope: FactsEnvelope = {
      protocol: "fake",
      status: "ok",
      endpoints: [],
      startedAt: "2025-01-01T00:00:00.000Z",
      durationMs: 1,
      probeVersion: "1",
      data: { weak: false, algorithms: ["aes128-ctr"] },
    };
    const [f] = runRules(borrowed, envelope, { host: "h", intrusive: false, credentialed: false });
    expect({ elements: f!.elements, iec62443: f!.iec62443 }).toEqual(specMapping(id));
    expect(f!.elements).toContain(1);
  });

  it("fleet findings and drift findings take the spec's mapping; drift reaches element 1", () => {
    const fleet = evaluateFleet([]);
    for (const f of fleet.findings) expect({ elements: f.elements, iec62443: f.iec62443 }).toEqual(specMapping(f.ruleId));
    const drift = driftFindings({
      baseline: "q4",
      baselineSweepId: "s1",
      baselineCreatedAt: "2025-01-01T00:00:00.000Z",
      devices: [
        {
          host: "10.0.0.1",
          state: "changed",
          changes: [{ category: "firmware", protocol: "ssh", path: "services[port=22].banner.software", before: "OpenSSH_9.2", after: "OpenSSH_9.6" }],
        },
        { host: "10.0.0.2", state: "unchanged", changes: [] },
        { host: "10.0.0.3", state: "new", changes: [] },
        { host: "10.0.0.4", state: "missing", changes: [] },
      ],
      summary: { changed: 1, unchanged: 1, new: 1, missing: 1 },
    });
    expect(drift.map((f) => [f.status, f.devices])).toEqual([
      ["fail", ["10.0.0.1"]],
      ["fail", ["10.0.0.3"]],
      ["undetermined", ["10.0.0.4"]],
      ["pass", ["10.0.0.2"]],
    ]);
    for (const f of drift)
      expect({ ruleId: f.ruleId, elements: f.elements, iec62443: f.iec62443 }).toEqual({ ruleId: DRIFT_RULE_META.id, ...specMapping(DRIFT_RULE_META.id)! });
    expect(drift[0]!.elements).toEqual([1]);
    expect(drift[0]!.message).toMatch(/10\.0\.0\.1: 1 configuration change\(s\) since baseline 'q4' \(firmware\)/);
    expect(drift[2]!.reason).toBe("no-answer");
  });
});
