// What the DNP3 plugin declares to the core (plugin contract v2): its checks with safety classes, the
// `--dnp3-master` and `--dnp3-addresses` options, and the cleartext scheme (DNP3 over TCP has no
// security of its own; Secure Authentication authenticates critical requests but encrypts nothing).
import { z } from "zod";
import type { CheckDecl, PluginDiscoveryDecl, PluginOptionDecl } from "../../src/plugin.js";

/**
 * Master address used as the link-layer source (opendnp3 and many SCADA masters default to 1).
 * Outstations that only talk to their configured master stay silent to another source address:
 * the probe then reports no answer (never a pass), and the operator can name the master address.
 */
export const DEFAULT_MASTER = 1;
/** Outstation addresses tried by default, in order (common factory settings: 10, 1024 opendnp3, 1, 4). Never a broadcast (0xFFFD-0xFFFF) or the self address 0xFFFC. */
export const DEFAULT_OUTSTATIONS = [10, 1024, 1, 4] as const;
export const MAX_OUTSTATIONS = 8;

export const DNP3_CHECKS = {
  linkStatus: {
    id: "dnp3.link-status",
    safety: "passive",
    description:
      "REQUEST_LINK_STATUS (link function 9, IEEE 1815-2012 §9.2.6.2) to outstation addresses 10, 1024, 1, 4 (or --dnp3-addresses) from master address 1 (or --dnp3-master), one at a time, stopping at the first that answers; never a broadcast address",
  },
  attributes: {
    id: "dnp3.attributes",
    safety: "read",
    description:
      "one READ (function 1) of device attributes g0v252, 250, 242, 243, 248, 247, 246 (manufacturer, product, software and hardware version, serial, names), then one READ of g0v209 (Secure Authentication version); no class 0/1/2/3 read, no application confirm",
  },
} as const satisfies Record<string, CheckDecl>;

const address = z.coerce.number().int().min(0).max(0xffef);

function parseAddresses(v: string): number[] | string {
  const parts = v.split(",").map((s) => s.trim());
  if (parts.length === 0 || parts.length > MAX_OUTSTATIONS) return `1 to ${MAX_OUTSTATIONS} addresses`;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,5}$/.test(p)) return `'${p}' is not an address`;
    const n = Number(p);
    if (n >= 0xfff0) return `${n} is reserved (0xFFFC self address, 0xFFFD-0xFFFF broadcasts: never sent)`;
    out.push(n);
  }
  return [...new Set(out)];
}

export function outstationPlan(option: string | undefined, master: number): number[] {
  const list = option ? parseAddresses(option) : [...DEFAULT_OUTSTATIONS];
  return (typeof list === "string" ? [...DEFAULT_OUTSTATIONS] : list).filter((a) => a !== master);
}

export function masterAddress(option: string | undefined): number {
  const r = option === undefined ? undefined : address.safeParse(option);
  return r?.success ? r.data : DEFAULT_MASTER;
}

export const DNP3_OPTIONS: PluginOptionDecl[] = [
  {
    name: "master",
    valueName: "address",
    description: "DNP3 master (source) address the probe uses, 0-65519 (default 1)",
    schema: z
      .string()
      .regex(/^\d{1,5}$/, "expected a number 0-65519")
      .refine((v) => Number(v) < 0xfff0, "0xFFF0-0xFFFF are reserved or broadcast addresses"),
  },
  {
    name: "addresses",
    valueName: "list",
    description: `DNP3 outstation addresses to try, e.g. 10,1024 (at most ${MAX_OUTSTATIONS}; default 10,1024,1,4; broadcasts are refused)`,
    schema: z.string().superRefine((v, ctx) => {
      const r = parseAddresses(v);
      if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
    }),
  },
];

export const DNP3_DISCOVERY: PluginDiscoveryDecl = { cleartextSchemes: ["dnp3"] };
