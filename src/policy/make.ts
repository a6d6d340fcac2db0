// `otaudit policy make`: a policy from a golden device (ssh-audit's -M is the model). What the device
// offers in every set its facts show completely becomes that set's allowed list; a set it shows only
// in part (a lower bound) is left out and listed under `notIncluded` with why, because an allow-list
// made from a lower bound would make the golden device itself undetermined. The device's open
// services become `offers.services.open` when the surface ports were looked at.
import { stringify } from "yaml";
import { UsageError } from "../errors.js";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import type { ProtocolPlugin } from "../plugin.js";
import { POLICY_FORMAT_VERSION, type PolicyDocument, type SetClause } from "./format.js";
import { pluginOffers, servicesOffer } from "./offers.js";
import { SERVICES_KEY, SERVICES_SET } from "./rules.js";

export interface MakeOptions {
  /** host or name of the golden device (needed when the result holds several) */
  device?: string;
  name?: string;
  /** the result file, recorded in `madeFrom` */
  resultFile: string;
  toolVersion: string;
  now?: Date;
}

export function pickDevice(doc: ResultDocument, wanted: string | undefined): DeviceResult {
  const hosts = doc.devices.map((d) => (d.name ? `${d.host} (${d.name})` : d.host)).join(", ");
  if (wanted === undefined) {
    if (doc.devices.length === 1) return doc.devices[0]!;
    throw new UsageError(
      doc.devices.length === 0
        ? "RESULT: the result holds no device"
        : `--device: the result holds ${doc.devices.length} devices; name the golden one (${hosts})`,
    );
  }
  const d = doc.devices.find((x) => x.host === wanted || x.name === wanted);
  if (!d) throw new UsageError(`--device ${wanted}: no such device in the result (${hosts || "none"})`);
  return d;
}

const sorted = (xs: readonly string[]) => [...new Set(xs)].sort((a, b) => a.localeCompare(b));

export function makePolicy(doc: ResultDocument, plugins: readonly ProtocolPlugin[], opts: MakeOptions): PolicyDocument {
  const d = pickDevice(doc, opts.device);
  const label = d.name ? `${d.name} (${d.host})` : d.host;
  const offers: Record<string, Record<string, SetClause>> = {};
  const notIncluded: { set: string; why: string }[] = [];
  for (const plugin of plugins) {
    if (!plugin.policySets) continue;
    const o = pluginOffers(plugin, d.facts[plugin.id]);
    if (o.kind !== "ok") {
      const why =
        o.kind === "absent"
          ? "the golden device does not serve it"
          : o.kind === "not-audited"
            ? "not audited in this result"
            : o.kind === "failed"
              ? `not shown (${o.why})`
              : "no sets";
      if (o.kind !== "no-sets") notIncluded.push({ set: `${plugin.id}.*`, why });
      continue;
    }
    for (const set of Object.keys(plugin.policySets)) {
      const offer = o.sets[set];
      if (!offer) notIncluded.push({ set: `${plugin.id}.${set}`, why: "the facts do not show it" });
      else if (!offer.complete) notIncluded.push({ set: `${plugin.id}.${set}`, why: `shown only in part: ${offer.note ?? "a lower bound"}` });
      else (offers[plugin.id] ??= {})[set] = { allow: sorted(offer.offered) };
    }
  }
  const services = servicesOffer(d.facts);
  if (services?.complete) offers[SERVICES_KEY] = { [SERVICES_SET]: { allow: sorted(services.offered) } };
  else
    notIncluded.push({
      set: `${SERVICES_KEY}.${SERVICES_SET}`,
      why: services ? `shown only in part: ${services.note}` : "the surface ports were not looked at (scan a host target, not service URLs)",
    });
  if (Object.keys(offers).length === 0) throw new UsageError(`RESULT: device ${label} shows no complete set to make a policy from`);
  return {
    otauditPolicy: POLICY_FORMAT_VERSION,
    name: opts.name ?? `golden ${label}`,
    description: `What ${label} offers, as allowed sets: anything else another device offers deviates. Made by otaudit policy make; review before use.`,
    madeFrom: { result: opts.resultFile, device: d.host, tool: opts.toolVersion, at: (opts.now ?? new Date()).toISOString() },
    severity: "high",
    offers,
    requirements: [],
    ...(notIncluded.length ? { notIncluded } : {}),
  };
}

/** The policy as YAML with a header saying what it is. */
export function policyYaml(p: PolicyDocument): string {
  const header = [
    "# otaudit policy (otaudit policy schema prints its JSON Schema; README 'Policies').",
    "# offers.<protocol>.<set>.allow: what a device may offer; deny / require are accepted too.",
    "# A value outside `allow` is a failing finding naming the clause; a set a device does not show",
    "# completely is undetermined, never a pass.",
  ].join("\n");
  return `${header}\n${stringify(p, { lineWidth: 0 })}`;
}
