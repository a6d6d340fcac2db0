// otaudit's own advisory format, for hand-written advisories (YAML or JSON):
//   advisories:
//     - id: OTA-2023-48795            # unique within the file
//       title: Terrapin prefix truncation in OpenSSH before 9.6
//       cve: [CVE-2023-48795]
//       vendor: OpenBSD                # optional; compared when the device states its vendor
//       product: OpenSSH
//       affected: ["< 9.6"]            # version ranges, any of which applies (see version.ts)
//       fixed: "9.6"                   # optional
//       severity: medium               # default high
//       url: https://www.openssh.com/txt/release-9.6
//       source: OpenSSH 9.6 release notes   # where the advisory comes from
import { z } from "zod";
import { Severity } from "../model/common.js";
import type { Advisory } from "./model.js";
import type { ParseIssue } from "./csaf.js";
import { parseRange, parseVersion } from "./version.js";

const YamlAdvisory = z
  .object({
    id: z.string().min(1),
    title: z.string().min(1),
    cve: z.array(z.string().regex(/^CVE-\d{4}-\d{4,}$/, "a CVE id such as CVE-2024-12345")).default([]),
    vendor: z.string().min(1).optional(),
    product: z.string().min(1),
    affected: z.array(z.string().min(1)).min(1, "name at least one affected version range"),
    fixed: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    severity: Severity.default("high"),
    url: z.string().url().optional(),
    remediation: z.string().min(1).optional(),
    source: z.string().min(1),
  })
  .strict();

export const YamlAdvisoryFile = z.object({ advisories: z.array(YamlAdvisory).min(1, "no advisories in the file") }).strict();

export function yamlToAdvisories(raw: unknown, file: string): { advisories?: Advisory[]; issues: ParseIssue[] } {
  const parsed = YamlAdvisoryFile.safeParse(raw);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) };
  const issues: ParseIssue[] = [];
  const seen = new Set<string>();
  const advisories: Advisory[] = [];
  parsed.data.advisories.forEach((a, i) => {
    if (seen.has(a.id)) issues.push({ path: ["advisories", i, "id"], message: `duplicate id '${a.id}'` });
    seen.add(a.id);
    const fixed = a.fixed === undefined ? [] : Array.isArray(a.fixed) ? a.fixed : [a.fixed];
    fixed.forEach((f, k) => {
      if (!parseVersion(f))
        issues.push({
          path: ["advisories", i, "fixed", ...(Array.isArray(a.fixed) ? [k] : [])],
          message: `'${f}' is not a version (must start with a number)`,
        });
    });
    a.affected.forEach((text, k) => {
      const r = parseRange(text);
      if (!r.ok) {
        issues.push({ path: ["advisories", i, "affected", k], message: r.message });
        return;
      }
      const advisory = advisories.find((x) => x.id === a.id);
      const product = {
        product: a.product,
        range: r.range,
        versionsLabel: text,
        cves: a.cve,
        ids: a.cve.length ? [] : [a.id],
        severity: a.severity,
        fixed,
        ...(a.vendor ? { vendor: a.vendor } : {}),
        ...(a.url ? { url: a.url } : {}),
        ...(a.remediation ? { remediation: a.remediation } : {}),
      };
      if (advisory) advisory.products.push(product);
      else advisories.push({ id: a.id, title: a.title, format: "yaml", file, publisher: a.source, ...(a.url ? { url: a.url } : {}), products: [product] });
    });
  });
  return issues.length ? { issues } : { advisories, issues };
}
