// Vendor evidence file (YAML, zod-validated, JSON Schema via `otaudit evidence schema`): per
// product, the manufacturer's answers to our questions for each element (src/evidence/questions.ts)
// with the evidence behind them, plus structured artifacts (SBOM, security.txt, CSAF advisories,
// threat model, roadmap, end of support), who attested and when.
//
// What an answer does to scoring (src/engine/scoring.ts): an element is *attested* for a device
// when the product's answers cover every question of that element, none is `no`, and at least one
// is `yes` or `partial` (each of which must name evidence). Attestation never makes an element
// `pass`, and a probe-verified failure always wins over it.
import { basename } from "node:path";
import { z } from "zod";
import { ELEMENTS } from "../catalog/elements.js";
import type { Attestations } from "../engine/scoring.js";
import type { EvidenceApplied } from "../model/result.js";
import { EVIDENCE_QUESTIONS, questionsFor } from "./questions.js";
import { deviceMatches, isIsoDate, parseYamlText, readInputFile, usageErrorFromLines } from "./load.js";
import { zodIssueLines } from "../errors.js";

export const EVIDENCE_SCHEMA_VERSION = 1;

const isoDate = z.string().refine(isIsoDate, "a date as YYYY-MM-DD");
/** The message of an identity field the template leaves empty; parseEvidence folds these into one line. */
export const NOT_FILLED = "not filled in";
const filled = z.string().min(1, NOT_FILLED);
const filledDate = z.string().superRefine((v, ctx) => {
  if (v === "") ctx.addIssue({ code: "custom", message: NOT_FILLED });
  else if (!isIsoDate(v)) ctx.addIssue({ code: "custom", message: "a date as YYYY-MM-DD" });
});
const webUrl = z.url({ protocol: /^https?$/, error: "an http(s) URL" });
const elementKey = z.string().regex(/^(1[0-2]|[1-9])$/, "an element number 1..12");

export const Answer = z.enum(["yes", "no", "partial", "not_applicable", "unanswered"]);
export type Answer = z.infer<typeof Answer>;

export const AnswerEntry = z
  .object({
    answer: Answer.default("unanswered"),
    /** document references (title + section, file name) or URLs that back the answer */
    evidence: z.array(z.string().min(1)).default([]),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((a.answer === "yes" || a.answer === "partial") && a.evidence.length === 0)
      ctx.addIssue({ code: "custom", path: ["evidence"], message: `a '${a.answer}' answer needs at least one evidence reference` });
  });
export type AnswerEntry = z.infer<typeof AnswerEntry>;

export const Artifacts = z
  .object({
    sbom: z
      .object({ format: z.enum(["spdx", "cyclonedx"]), location: z.string().min(1) })
      .strict()
      .optional(),
    securityTxt: webUrl.optional().describe("RFC 9116 security.txt URL"),
    psirt: webUrl.optional().describe("vulnerability disclosure policy / PSIRT page"),
    csafAdvisories: z.array(webUrl).optional().describe("CSAF 2.0 advisory or provider-metadata URLs"),
    threatModel: z
      .object({ summary: z.string().min(1), methodology: z.string().optional(), reviewedOn: isoDate })
      .strict()
      .optional(),
    roadmap: z
      .object({ location: z.string().min(1), summary: z.string().optional() })
      .strict()
      .optional(),
    endOfSupport: isoDate.optional().describe("last day of security updates"),
  })
  .strict();

export const Product = z
  .object({
    vendor: filled,
    product: filled,
    version: z.string().optional(),
    /** which audited devices are this product: host address, glob, CIDR, or device-name glob */
    devices: z.array(z.string().min(1)).min(1),
    attestedBy: z.object({ name: filled, role: filled, organisation: filled, email: z.email().optional() }).strict(),
    attestedOn: filledDate,
    artifacts: Artifacts.default({}),
    elements: z.record(elementKey, z.object({ answers: z.record(z.string(), AnswerEntry).default({}) }).strict()).default({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [el, body] of Object.entries(p.elements)) {
      const known = new Set(questionsFor(Number(el)).map((x) => x.id));
      for (const qid of Object.keys(body.answers))
        if (!known.has(qid))
          ctx.addIssue({
            code: "custom",
            path: ["elements", el, "answers", qid],
            message: `no question '${qid}' for element ${el} (known: ${[...known].join(", ")})`,
          });
    }
  });
export type Product = z.infer<typeof Product>;

export const EvidenceFile = z
  .object({
    schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
    products: z.array(Product).min(1),
  })
  .strict();
export type EvidenceFile = z.infer<typeof EvidenceFile>;

export interface LoadedEvidence {
  source: string;
  file: EvidenceFile;
}

/**
 * Parse and validate an evidence file. The identity fields a template leaves empty are reported in
 * one line per product (`source: products[0]: not filled in: vendor, product, ...`), not one
 * "too small" line each; every other problem keeps its own `path.to.field: message` line.
 */
export function parseEvidence(text: string, source: string): LoadedEvidence {
  const raw = parseYamlText(text, source);
  const parsed = EvidenceFile.safeParse(raw ?? {});
  if (parsed.success) return { source, file: parsed.data };
  const unfilled = new Map<string, string[]>();
  const others = parsed.error.issues.filter((i) => {
    if (i.message !== NOT_FILLED || i.path[0] !== "products" || typeof i.path[1] !== "number") return true;
    const key = `products[${i.path[1]}]`;
    unfilled.set(key, [...(unfilled.get(key) ?? []), i.path.slice(2).join(".")]);
    return false;
  });
  const lines = [...[...unfilled].map(([p, fields]) => `${source}: ${p}: ${NOT_FILLED}: ${fields.join(", ")}`), ...zodIssueLines(source, others)];
  throw usageErrorFromLines(lines);
}

export function loadEvidence(path: string): LoadedEvidence {
  const loaded = parseEvidence(readInputFile(path, "--evidence"), `--evidence ${path}`);
  return { ...loaded, source: basename(path) };
}

/** The note shown for an attested element, or undefined when the answers do not attest it. */
export function elementAttestation(p: Product, element: number): string | undefined {
  const questions = questionsFor(element);
  if (questions.length === 0) return undefined;
  const answers = p.elements[String(element)]?.answers ?? {};
  const given = questions.map((x) => answers[x.id]?.answer ?? "unanswered");
  if (given.includes("unanswered") || given.includes("no")) return undefined;
  if (!given.some((a) => a === "yes" || a === "partial")) return undefined;
  const count = (a: Answer) => given.filter((x) => x === a).length;
  const parts = [
    `yes ${count("yes")}`,
    count("partial") ? `partial ${count("partial")}` : "",
    count("not_applicable") ? `n/a ${count("not_applicable")}` : "",
  ].filter(Boolean);
  const refs = [...new Set(questions.flatMap((x) => answers[x.id]?.evidence ?? []))];
  return `${p.vendor} ${p.product}: ${parts.join(", ")} of ${questions.length} (${p.attestedBy.name}, ${p.attestedBy.role}, ${p.attestedOn}); evidence: ${refs.join("; ")}`;
}

/** The first product whose device selectors match this device (evidence files list products in priority order). */
export function productFor(evidence: LoadedEvidence, device: { host: string; name?: string }): Product | undefined {
  return evidence.file.products.find((p) => p.devices.some((s) => deviceMatches(s, device)));
}

export function attestationsFor(product: Product | undefined): Attestations {
  const out: Attestations = new Map();
  if (!product) return out;
  for (const el of ELEMENTS) {
    const note = elementAttestation(product, el.id);
    if (note !== undefined) out.set(el.id, note);
  }
  return out;
}

/** Summary of which product's attestations went to which devices (recorded in the result). */
export function evidenceSummary(evidence: LoadedEvidence, devices: { host: string; name?: string }[]): EvidenceApplied[] {
  return evidence.file.products.map((p) => ({
    source: evidence.source,
    vendor: p.vendor,
    product: p.product,
    attestedBy: `${p.attestedBy.name} (${p.attestedBy.role}, ${p.attestedBy.organisation})`,
    attestedOn: p.attestedOn,
    devices: devices.filter((d) => productFor(evidence, d) === p).map((d) => d.host),
    elements: [...attestationsFor(p).keys()],
  }));
}

/** Question count, for the template and tests. */
export const QUESTION_COUNT = EVIDENCE_QUESTIONS.length;
