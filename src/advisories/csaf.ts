// CSAF 2.0 (OASIS Common Security Advisory Framework v2.0) documents -> the advisory model.
// Read defensively: only what matching needs is validated (zod), unknown fields are ignored, and
// every problem names its field path (`vulnerabilities[0].product_status.known_affected[1]: ...`).
//   §3.1 document: csaf_version "2.0", title, publisher.name, tracking.id, references (self),
//        aggregate_severity.text
//   §3.2.1 product_tree.branches (§3.1.2 branch categories: vendor / product_family /
//        product_name / product_version / product_version_range), full_product_names,
//        relationships (§3.2.1.3: a firmware "installed_on" a device gets its own product id)
//   §3.2.3 vulnerabilities[]: cve, ids, title, product_status (known_affected, first_affected,
//        last_affected, fixed, first_fixed), remediations (category vendor_fix, details, url,
//        product_ids), scores (products, cvss_v3.baseSeverity)
import { z } from "zod";
import { severityRank, type Severity } from "../model/common.js";
import type { Advisory, AffectedProduct } from "./model.js";
import { productTokens, vendorTokens } from "./names.js";
import { parseRange, parseVersion, upperBound, type VersionRange } from "./version.js";

const BranchCategory = z.enum([
  "architecture",
  "host_name",
  "language",
  "legacy",
  "patch_level",
  "product_family",
  "product_name",
  "product_version",
  "product_version_range",
  "service_pack",
  "specification",
  "vendor",
]);

const FullProductName = z.object({ product_id: z.string().min(1), name: z.string().min(1) });

interface CsafBranch {
  category: z.infer<typeof BranchCategory>;
  name: string;
  product?: z.infer<typeof FullProductName>;
  branches?: CsafBranch[];
}
const Branch: z.ZodType<CsafBranch> = z.lazy(() =>
  z.object({
    category: BranchCategory,
    name: z.string().min(1),
    product: FullProductName.optional(),
    branches: z.array(Branch).min(1).optional(),
  }),
);

const ProductIds = z.array(z.string().min(1)).optional();

export const CsafDocument = z.object({
  document: z.object({
    category: z.string().min(1),
    csaf_version: z.literal("2.0", { error: "only CSAF 2.0 is supported" }),
    title: z.string().min(1),
    publisher: z.object({ name: z.string().min(1) }),
    tracking: z.object({ id: z.string().min(1) }),
    references: z.array(z.object({ category: z.string().optional(), url: z.string().url(), summary: z.string().optional() })).optional(),
    aggregate_severity: z.object({ text: z.string() }).optional(),
  }),
  product_tree: z
    .object({
      branches: z.array(Branch).optional(),
      full_product_names: z.array(FullProductName).optional(),
      relationships: z
        .array(
          z.object({
            category: z.string(),
            full_product_name: FullProductName,
            product_reference: z.string().min(1),
            relates_to_product_reference: z.string().min(1),
          }),
        )
        .optional(),
    })
    .optional(),
  vulnerabilities: z
    .array(
      z.object({
        cve: z
          .string()
          .regex(/^CVE-\d{4}-\d{4,}$/, "a CVE id such as CVE-2024-12345")
          .optional(),
        ids: z.array(z.object({ system_name: z.string(), text: z.string() })).optional(),
        title: z.string().optional(),
        product_status: z
          .object({
            known_affected: ProductIds,
            first_affected: ProductIds,
            last_affected: ProductIds,
            fixed: ProductIds,
            first_fixed: ProductIds,
            known_not_affected: ProductIds,
            under_investigation: ProductIds,
            recommended: ProductIds,
          })
          .optional(),
        remediations: z
          .array(z.object({ category: z.string(), details: z.string().optional(), url: z.string().optional(), product_ids: ProductIds }))
          .optional(),
        scores: z
          .array(
            z.object({
              products: z.array(z.string()),
              cvss_v3: z.object({ baseSeverity: z.string().optional(), baseScore: z.number().optional() }).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});
export type CsafDocument = z.infer<typeof CsafDocument>;

/** A product id's place in the product tree. */
interface Descriptor {
  vendor?: string;
  product?: string;
  /** exact version (product_version) */
  version?: string;
  range?: VersionRange;
  rangeText?: string;
  name: string;
}

export interface ParseIssue {
  path: PropertyKey[];
  message: string;
}

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: "critical",
  high: "high",
  important: "high",
  medium: "medium",
  moderate: "medium",
  low: "low",
  none: "info",
  info: "info",
  informational: "info",
};
export function severityFromText(text: string | undefined): Severity | undefined {
  return text ? SEVERITY_WORDS[text.trim().toLowerCase()] : undefined;
}

function walkBranches(branches: CsafBranch[], path: PropertyKey[], ctx: Omit<Descriptor, "name">, out: Map<string, Descriptor>, issues: ParseIssue[]): void {
  branches.forEach((b, i) => {
    const here = [...path, i];
    const next: Omit<Descriptor, "name"> = { ...ctx };
    if (b.category === "vendor") next.vendor = b.name;
    else if (b.category === "product_name") next.product = b.name;
    else if (b.category === "product_family" && !next.product) next.product = b.name;
    else if (b.category === "product_version") {
      if (!parseVersion(b.name)) issues.push({ path: [...here, "name"], message: `'${b.name}' is not a version (must start with a number)` });
      next.version = b.name;
    } else if (b.category === "product_version_range") {
      const r = parseRange(b.name);
      if (!r.ok) issues.push({ path: [...here, "name"], message: r.message });
      else {
        next.range = r.range;
        next.rangeText = b.name;
      }
    }
    if (b.product) {
      if (out.has(b.product.product_id)) issues.push({ path: [...here, "product", "product_id"], message: `duplicate product id '${b.product.product_id}'` });
      out.set(b.product.product_id, { ...next, name: b.product.name });
    }
    if (b.branches) walkBranches(b.branches, [...here, "branches"], next, out, issues);
  });
}

function descriptorRange(d: Descriptor): { range: VersionRange; label: string } {
  if (d.range) return { range: d.range, label: d.rangeText! };
  if (d.version) {
    const r = parseRange(`=${d.version}`);
    if (r.ok) return { range: r.range, label: d.version };
  }
  return { range: { kind: "all", text: "*" }, label: "all versions" };
}

const sameName = (a: string | undefined, b: string | undefined, tokens: (s: string) => string[]) =>
  a === undefined || b === undefined ? a === b : tokens(a).join(" ") === tokens(b).join(" ");

/** Validate and convert one CSAF 2.0 document. Issues carry field paths from the document root. */
export function csafToAdvisory(raw: unknown, file: string): { advisory?: Advisory; issues: ParseIssue[] } {
  const parsed = CsafDocument.safeParse(raw);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) };
  const doc = parsed.data;
  const issues: ParseIssue[] = [];
  const products = new Map<string, Descriptor>();
  walkBranches(doc.product_tree?.branches ?? [], ["product_tree", "branches"], {}, products, issues);
  // full_product_names carry no structure: their name is kept, versions unknown (never matched by version)
  for (const p of doc.product_tree?.full_product_names ?? []) if (!products.has(p.product_id)) products.set(p.product_id, { name: p.name });
  (doc.product_tree?.relationships ?? []).forEach((r, i) => {
    const component = products.get(r.product_reference);
    if (!component) issues.push({ path: ["product_tree", "relationships", i, "product_reference"], message: `unknown product id '${r.product_reference}'` });
    else products.set(r.full_product_name.product_id, { ...component, name: r.full_product_name.name });
  });

  const docSeverity = severityFromText(doc.document.aggregate_severity?.text);
  const selfUrl = doc.document.references?.find((r) => r.category === "self")?.url ?? doc.document.references?.[0]?.url;
  const byProduct = new Map<string, AffectedProduct>();
  (doc.vulnerabilities ?? []).forEach((v, vi) => {
    const status = v.product_status ?? {};
    for (const [key, ids] of Object.entries(status))
      (ids ?? []).forEach((id, k) => {
        if (!products.has(id))
          issues.push({ path: ["vulnerabilities", vi, "product_status", key, k], message: `unknown product id '${id}' (not in product_tree)` });
      });
    const affected = [...(status.known_affected ?? []), ...(status.first_affected ?? []), ...(status.last_affected ?? [])];
    const fixedIds = [...(status.fixed ?? []), ...(status.first_fixed ?? [])];
    for (const pid of new Set(affected)) {
      const d = products.get(pid);
      if (!d) continue;
      if (!d.product) {
        issues.push({
          path: ["vulnerabilities", vi, "product_status"],
          message: `product '${pid}' (${d.name}) has no product_name branch: cannot be matched by name`,
        });
        continue;
      }
      const { range, label } = descriptorRange(d);
      const fixed = fixedIds
        .map((id) => products.get(id))
        .filter((f): f is Descriptor => !!f && sameName(f.vendor, d.vendor, vendorTokens) && sameName(f.product, d.product, productTokens) && !!f.version)
        .map((f) => f.version!);
      const hint = upperBound(range);
      if (fixed.length === 0 && hint) fixed.push(hint);
      const score = v.scores?.find((s) => s.products.includes(pid))?.cvss_v3?.baseSeverity;
      const severity = severityFromText(score) ?? docSeverity;
      const fix =
        v.remediations?.find((r) => r.category === "vendor_fix" && (r.product_ids ?? []).includes(pid)) ??
        v.remediations?.find((r) => (r.product_ids ?? []).includes(pid));
      const prev = byProduct.get(pid);
      const cves = v.cve ? [v.cve] : [];
      const otherIds = v.cve ? [] : (v.ids ?? []).map((x) => x.text);
      if (prev) {
        prev.cves = [...new Set([...prev.cves, ...cves])];
        prev.ids = [...new Set([...prev.ids, ...otherIds])];
        prev.fixed = [...new Set([...prev.fixed, ...fixed])];
        if (severity && (!prev.severity || severityRank(severity) > severityRank(prev.severity))) prev.severity = severity;
        prev.remediation ??= fix?.details;
        prev.url ??= fix?.url;
      } else {
        const entry: AffectedProduct = { product: d.product, range, versionsLabel: label, cves, ids: otherIds, fixed };
        if (d.vendor) entry.vendor = d.vendor;
        if (severity) entry.severity = severity;
        if (fix?.details) entry.remediation = fix.details;
        if (fix?.url) entry.url = fix.url;
        byProduct.set(pid, entry);
      }
    }
  });
  if (issues.length) return { issues };
  const advisory: Advisory = {
    id: doc.document.tracking.id,
    title: doc.document.title,
    format: "csaf",
    file,
    publisher: doc.document.publisher.name,
    products: [...byProduct.values()],
  };
  if (selfUrl) advisory.url = selfUrl;
  return { advisory, issues };
}
