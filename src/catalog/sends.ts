// What a run sends to a device, per protocol, built from each plugin's declared checks (their
// safety class, description and, where declared, the exact values they send): `otaudit rules
// --sends` prints it and the README's "What a default run sends" section is this text (a test
// compares them), so neither can drift from the checks the probes declare.
import type { ProtocolPlugin } from "../plugin.js";

export interface SentCheck {
  id: string;
  safety: "passive" | "read" | "intrusive";
  description: string;
  values?: string[];
}

export interface ProtocolSends {
  protocol: string;
  title: string;
  /** passive and read checks: what every default run may send */
  defaultRun: SentCheck[];
  /** intrusive checks: only with --intrusive */
  intrusiveOnly: SentCheck[];
}

export function runSends(plugins: readonly ProtocolPlugin[]): ProtocolSends[] {
  return plugins.map((p) => {
    const checks: SentCheck[] = p.checks.map((c) => {
      const values = c.sends?.();
      return { id: c.id, safety: c.safety, description: c.description, ...(values ? { values } : {}) };
    });
    return {
      protocol: p.id,
      title: p.title,
      defaultRun: checks.filter((c) => c.safety !== "intrusive"),
      intrusiveOnly: checks.filter((c) => c.safety === "intrusive"),
    };
  });
}

/** Markdown-friendly text (also what `otaudit rules --sends` prints). */
export function renderSends(sends: ProtocolSends[]): string {
  const line = (c: SentCheck) =>
    `- \`${c.id}\` (${c.safety}): ${c.description}${c.values?.length ? `; exactly: ${c.values.map((v) => `\`${v}\``).join(", ")}` : ""}`;
  const out: string[] = [];
  for (const s of sends) {
    out.push(`**${s.title}** (\`${s.protocol}\`), default run:`, "", ...s.defaultRun.map(line), "");
    if (s.intrusiveOnly.length) out.push(`Only with \`--intrusive\`:`, "", ...s.intrusiveOnly.map(line), "");
  }
  return out.join("\n");
}
