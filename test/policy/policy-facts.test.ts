// The plugin hook for policies (policySets + policyFacts, probes/<id>/policy.ts): on every real
// facts sample of the fixture library and the real-daemon recordings, and on every mutation the
// no-false-pass harness makes of them (test/invariants), policyFacts never throws and shows only
// declared sets; a set is complete only where the facts show all of it; and a policy made from the
// real facts never passes on facts whose values were replaced by unknown ones.
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import type { Finding } from "../../src/model/result.js";
import { setFindings } from "../../src/policy/evaluate-sets.js";
import type { Policy } from "../../src/policy/format.js";
import { pluginOffers } from "../../src/policy/offers.js";
import { POLICY_CONCERNS } from "../../src/policy/rules.js";
import { samples, variants } from "../invariants/harness.js";
import { checkPlugin } from "../../src/plugin-loader.js";
import { fakePlugin } from "../helpers/fake-plugin.js";
import { UNKNOWN_TOKEN } from "../invariants/mutators.js";

const all = samples();
const byPlugin = (id: string) => all.filter((s) => s.plugin.id === id);
const sample = (id: string, source: string) => all.find((s) => s.plugin.id === id && s.source === source)!;

/** A policy allowing exactly what each complete set of `env` offers. */
function goldenPolicy(pluginId: string, env: FactsEnvelope): Policy {
  const plugin = PLUGINS.find((p) => p.id === pluginId)!;
  const o = pluginOffers(plugin, env);
  const sets =
    o.kind === "ok"
      ? Object.fromEntries(
          Object.entries(o.sets)
            .filter(([, v]) => v.complete)
            .map(([k, v]) => [k, { allow: v.offered }]),
        )
      : {};
  return { otauditPolicy: 1, name: "golden", severity: "high", offers: { [pluginId]: sets }, requirements: [], source: "test" };
}

const statuses = (fs: Finding[]) => Object.fromEntries(fs.map((f) => [f.evidence.clause as string, f.status]));

describe("plugin policy declarations", () => {
  it("every declared set has a concern the core knows and a title; plugins with sets also derive them", () => {
    for (const p of PLUGINS) {
      if (!p.policySets) continue;
      expect(typeof p.policyFacts, p.id).toBe("function");
      for (const [name, d] of Object.entries(p.policySets)) {
        expect(POLICY_CONCERNS as readonly string[], `${p.id}.${name}`).toContain(d.concern);
        expect(d.title.length, `${p.id}.${name}`).toBeGreaterThan(5);
      }
    }
    expect(
      PLUGINS.filter((p) => p.policySets)
        .map((p) => p.id)
        .sort(),
    ).toEqual(expect.arrayContaining(["modbus", "opcua", "snmp", "ssh"]));
  });

  it("checkPlugin: sets and policyFacts come together, set names a policy file can name, known concerns", () => {
    const p = fakePlugin();
    expect(checkPlugin({ ...p, policySets: { algos: { title: "algorithms", concern: "cryptography" } } }, [])).toEqual([
      expect.stringMatching(/policySets and policyFacts come together/),
    ]);
    expect(checkPlugin({ ...p, policySets: { "bad name": { title: "x", concern: "magic" as never } }, policyFacts: () => ({}) }, [])).toEqual([
      expect.stringMatching(/policy set name "bad name"/),
      expect.stringMatching(/concern must be one of cryptography/),
    ]);
    expect(checkPlugin({ ...p, policySets: { algos: { title: "algorithms", concern: "cryptography" } }, policyFacts: () => ({}) }, [])).toEqual([]);
    expect(checkPlugin({ ...p, id: "services" }, [])).toEqual(expect.arrayContaining([expect.stringMatching(/id is reserved by the core/)]));
  });

  it("on every sample and every mutation of it: no throw, declared sets only, offered values are strings", () => {
    let checked = 0;
    for (const s of all) {
      if (!s.plugin.policyFacts) continue;
      for (const v of [{ data: s.envelope.data }, ...variants(s.plugin, s.envelope.data)]) {
        const parsed = s.plugin.factsSchema.safeParse(v.data);
        if (!parsed.success) continue;
        const sets = s.plugin.policyFacts(parsed.data);
        checked++;
        for (const [name, offer] of Object.entries(sets)) {
          expect(s.plugin.policySets, `${s.source}: ${s.plugin.id}.${name} is declared`).toHaveProperty(name);
          expect(offer.offered.every((x) => typeof x === "string")).toBe(true);
          if (!offer.complete) expect(offer.note, `${s.source}: ${s.plugin.id}.${name}: an incomplete set says why`).toBeTruthy();
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("a policy made from real facts never passes once the facts' values are unknown (b-unknown-strings)", () => {
    const problems: string[] = [];
    for (const s of all) {
      if (!s.plugin.policyFacts) continue;
      const policy = goldenPolicy(s.plugin.id, s.envelope);
      for (const v of variants(s.plugin, s.envelope.data).filter((x) => x.mutation === "b-unknown-strings")) {
        const parsed = s.plugin.factsSchema.safeParse(v.data);
        if (!parsed.success) continue;
        const sets = s.plugin.policyFacts(parsed.data);
        const findings = setFindings(policy, { [s.plugin.id]: { ...s.envelope, data: parsed.data } }, PLUGINS);
        for (const f of findings) {
          const set = String(f.evidence.clause).split(".").pop()!;
          if (f.status === "pass" && sets[set]?.offered.some((x) => UNKNOWN_TOKEN.test(x)))
            problems.push(`${s.source} (${v.at}): ${f.evidence.clause} passed with unknown values`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("complete only where the facts show the whole set", () => {
  it("ssh: KEXINIT lists are complete; a cut or empty name-list, or a service not audited, leaves the set incomplete", () => {
    const s = sample("ssh", "library/legacy-plc");
    const data = structuredClone(s.envelope.data) as { services: { algorithms: { kex: string[]; irregularities?: unknown[] } }[] };
    const ssh = PLUGINS.find((p) => p.id === "ssh")!;
    expect(ssh.policyFacts!(data).kex!.complete).toBe(true);
    data.services[0]!.algorithms.irregularities = [
      { list: "kex_algorithms", total: 900, kept: 64, truncated: true, duplicates: 0, empty: 0, overlong: 0, nonPrintable: 0 },
    ];
    expect(ssh.policyFacts!(data).kex).toMatchObject({ complete: false, note: expect.stringMatching(/cut at 64 of 900/) });
    data.services[0]!.algorithms.kex = [];
    data.services[0]!.algorithms.irregularities = [];
    expect(ssh.policyFacts!(data).kex).toMatchObject({ complete: false, note: expect.stringMatching(/empty/) });
  });

  it("snmp: v1/v2c are shown absent only by a VACM read; silence leaves versions incomplete", () => {
    const snmp = PLUGINS.find((p) => p.id === "snmp")!;
    const hardened = sample("snmp", "library/hardened-controller").envelope.data as Record<string, unknown>;
    expect(snmp.policyFacts!(hardened as never).versions).toMatchObject({ offered: ["v3"], complete: false });
    const proven = { ...hardened, access: { via: "v3 user ops (authPriv)", communityGroups: "absent" } };
    expect(snmp.policyFacts!(proven as never).versions).toEqual({ offered: ["v3"], complete: true });
    expect(snmp.policyFacts!(hardened as never).v3Levels, "no supplied v3 user: no levels shown").toBeUndefined();
  });

  it("modbus: the chosen cipher suites are never complete; a refused port offers nothing; a port not looked at leaves variants incomplete", () => {
    const modbus = PLUGINS.find((p) => p.id === "modbus")!;
    const legacy = sample("modbus", "library/legacy-plc").envelope.data as { plain: unknown[]; secure: unknown[] };
    const sets = modbus.policyFacts!(legacy as never);
    expect(sets.tlsCipherSuites!.complete).toBe(false);
    expect(sets.tlsVersions).toEqual({ offered: [], complete: true });
    expect(sets.variants).toEqual({ offered: ["plain"], complete: true });
    expect(modbus.policyFacts!({ ...legacy, secure: [] } as never).variants).toMatchObject({ offered: ["plain"], complete: false });
  });

  it("opcua: an endpoint list not read to its end leaves every set incomplete", () => {
    const opcua = PLUGINS.find((p) => p.id === "opcua")!;
    const d = sample("opcua", "library/legacy-plc").envelope.data as { endpointList: { declared: number; kept: number } };
    expect(opcua.policyFacts!(d as never).securityPolicies!.complete).toBe(true);
    const cut = { ...d, endpointList: { ...d.endpointList, declared: d.endpointList.kept + 3 } };
    for (const offer of Object.values(opcua.policyFacts!(cut as never))) expect(offer.complete).toBe(false);
  });

  it("a probe that stopped early (incomplete envelope) makes every set a lower bound: a clause on it fails or is undetermined, never passes", () => {
    for (const id of ["ssh", "modbus", "opcua"]) {
      const s = byPlugin(id)[0]!;
      const policy = goldenPolicy(id, s.envelope);
      const stopped = { ...s.envelope, incomplete: { code: "cap", message: "probe cap reached" } };
      const found = statuses(setFindings(policy, { [id]: stopped }, PLUGINS));
      expect(Object.values(found).length, id).toBeGreaterThan(0);
      expect(
        Object.values(found).filter((x) => x === "pass"),
        id,
      ).toEqual([]);
    }
  });
});
