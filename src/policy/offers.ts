// What one device offers, per protocol and named set, for policies: each plugin's `policyFacts`
// over its own facts (validated with the plugin's schema first: a stored result is input), and the
// core's own set of open services (plugin services that answered, plus the open surface or
// discovery ports). A protocol that was not audited, or whose probe failed, shows no set: a clause
// on it is undetermined. The facts envelope says when the probe stopped early; then every set it
// shows is a lower bound.
import type { FactsEnvelope } from "../model/facts.js";
import type { PolicyOffer, ProtocolPlugin } from "../plugin.js";
import { discoveredPorts, DISCOVERY_FACTS, SURFACE_FACTS } from "../engine/surface.js";

/** Why a protocol shows no set at all. */
export type NoOffer =
  | { kind: "not-audited" } // not part of this run (no envelope)
  | { kind: "absent" } // nothing listening on its default port
  | { kind: "failed"; why: string } // the probe failed or its facts are not usable
  | { kind: "no-sets" }; // the plugin declares no policy sets

export type ProtocolOffers = { kind: "ok"; sets: Record<string, PolicyOffer>; port: number | null } | NoOffer;

function incompleteAll(sets: Record<string, PolicyOffer>, why: string): Record<string, PolicyOffer> {
  return Object.fromEntries(
    Object.entries(sets).map(([k, v]) => [k, { offered: v.offered, complete: false, note: v.note && !v.complete ? `${v.note}; ${why}` : why }]),
  );
}

/** A plugin's sets on this device's facts. */
export function pluginOffers(plugin: ProtocolPlugin, envelope: FactsEnvelope | undefined): ProtocolOffers {
  if (!plugin.policyFacts || !plugin.policySets) return { kind: "no-sets" };
  if (!envelope) return { kind: "not-audited" };
  if (envelope.status === "absent") return { kind: "absent" };
  if (envelope.status !== "ok" || envelope.data === undefined)
    return { kind: "failed", why: envelope.error ? `${envelope.error.code}: ${envelope.error.message}` : envelope.status };
  const parsed = plugin.factsSchema.safeParse(envelope.data);
  if (!parsed.success) return { kind: "failed", why: `its facts do not match the ${plugin.id} facts schema` };
  let sets: Record<string, PolicyOffer>;
  try {
    sets = plugin.policyFacts(parsed.data);
  } catch (e) {
    return { kind: "failed", why: `policyFacts failed (${(e as Error).message})` };
  }
  const known = Object.fromEntries(Object.entries(sets).filter(([k]) => k in plugin.policySets!));
  const port = envelope.endpoints[0]?.port ?? null;
  return { kind: "ok", sets: envelope.incomplete ? incompleteAll(known, `the probe stopped early (${envelope.incomplete.code})`) : known, port };
}

/** Service names of the plugins' audited endpoints and of open ports no plugin audited: `name/port`. */
export function servicesOffer(facts: Readonly<Record<string, FactsEnvelope>>): PolicyOffer | undefined {
  const offered = new Set<string>();
  const gaps: string[] = [];
  const pluginPorts = new Set<number>();
  for (const [id, env] of Object.entries(facts)) {
    if (id === SURFACE_FACTS || id === DISCOVERY_FACTS) continue;
    for (const e of env.endpoints) pluginPorts.add(e.port);
    if (env.status === "ok") for (const e of env.endpoints) offered.add(`${e.scheme}/${e.port}`);
    else if (env.status !== "absent") gaps.push(`${id}: ${env.status}`);
  }
  const ports = facts[SURFACE_FACTS] ?? facts[DISCOVERY_FACTS];
  if (!ports) gaps.push("no surface or discovery ports were looked at (host targets of `scan` and `sweep` look at them)");
  else if (ports.incomplete) gaps.push(`the port survey stopped early (${ports.incomplete.code})`);
  for (const p of discoveredPorts(facts)) {
    if (p.state === "open" && !pluginPorts.has(p.port)) offered.add(`${p.service}/${p.port}`);
    else if (p.state !== "open" && p.state !== "closed" && !pluginPorts.has(p.port)) gaps.push(`${p.service}/${p.port}: ${p.state}`);
  }
  if (offered.size === 0 && !ports) return undefined;
  return gaps.length
    ? { offered: [...offered], complete: false, note: gaps.slice(0, 5).join("; ") }
    : { offered: [...offered], complete: true, note: "the plugins' ports and the surface ports otaudit looks at" };
}
