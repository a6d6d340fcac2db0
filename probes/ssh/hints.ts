// Hardening hints per SSH finding and server family (probes/ssh/data/hardening.yaml), like
// ssh-audit's hardening guides: rules attach the hint for the family the banner names (OpenSSH,
// Dropbear) to failing and undetermined outcomes, filled with the offending algorithm names.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import type { RuleOutcome } from "../../src/plugin.js";
import type { SshService } from "./facts.js";

export const HINT_FAMILIES = ["OpenSSH", "Dropbear"] as const;
export type HintFamily = (typeof HINT_FAMILIES)[number];

const FamilyHint = z.union([z.object({ hint: z.string().min(10) }).strict(), z.object({ none: z.string().min(10) }).strict()]);

export const HardeningFile = z
  .object({
    families: z.record(z.enum(HINT_FAMILIES), z.object({ docs: z.url() }).strict()),
    rules: z.record(z.string().regex(/^ssh\.[a-z0-9.-]+$/), z.object({ OpenSSH: FamilyHint, Dropbear: FamilyHint }).strict()),
    dropbear: z.record(z.string(), z.string().regex(/^#define DROPBEAR_[A-Z0-9_]+ 0$/)),
  })
  .strict();
export type HardeningFile = z.infer<typeof HardeningFile>;

export const HARDENING_FILE = "probes/ssh/data/hardening.yaml";

export function hardening(): HardeningFile {
  return loadDataFile(HARDENING_FILE, HardeningFile);
}

/** The hint text for a rule and family, with {names} / {dropbear} filled; undefined when none applies. */
export function hintFor(ruleId: string, family: HintFamily, names: readonly string[] = [], data = hardening()): string | undefined {
  const h = data.rules[ruleId]?.[family];
  if (!h || !("hint" in h)) return undefined;
  const dropbear = [...new Set(names.flatMap((n) => (Object.hasOwn(data.dropbear, n) ? [data.dropbear[n]!] : [])))];
  if (h.hint.includes("{dropbear}") && dropbear.length === 0) return undefined; // nothing Dropbear can switch off
  if (h.hint.includes("{names}") && names.length === 0) return undefined; // nothing named to remove
  return h.hint.replaceAll("{names}", names.join(",")).replaceAll("{dropbear}", dropbear.map((d) => `\`${d}\``).join(", "));
}

export function familyOf(s: SshService): HintFamily | undefined {
  const p = s.banner?.product;
  return p === "OpenSSH" || p === "Dropbear" ? p : undefined;
}

/** Attach `hardening: {family, hint, docs}` to failing or undetermined outcomes of a known family. */
export function withHints(ruleId: string, s: SshService, outcomes: RuleOutcome[], names: (o: RuleOutcome) => string[] = () => []): RuleOutcome[] {
  const family = familyOf(s);
  if (!family) return outcomes;
  const data = hardening();
  return outcomes.map((o) => {
    if (o.status !== "fail" && o.status !== "undetermined") return o;
    const hint = hintFor(ruleId, family, names(o), data);
    if (!hint) return o;
    return { ...o, evidence: { ...(o.evidence ?? {}), hardening: { family, hint, docs: data.families[family]?.docs } } } as RuleOutcome;
  });
}
