// `otaudit evidence init`: a vendor evidence template with every question for every element, as
// commented YAML. It is rejected until the identity fields (vendor, product, attestedBy, attestedOn)
// are filled in; every answer starts `unanswered`, so an unfilled element attests nothing.
import { ELEMENTS } from "../catalog/elements.js";
import { EVIDENCE_SCHEMA_VERSION } from "./evidence.js";
import { questionsFor } from "./questions.js";

function comment(text: string, indent: string, width = 96): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && indent.length + 2 + line.length + 1 + w.length > width) {
      lines.push(`${indent}# ${line}`);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(`${indent}# ${line}`);
  return lines;
}

export function evidenceTemplate(): string {
  const out: string[] = [
    "# otaudit vendor evidence: the manufacturer's answers for the 12 Secure by Demand OT elements.",
    "# Fill one `products` entry per product. Answer each question with yes | no | partial |",
    "# not_applicable (leave `unanswered` if unknown); `yes` and `partial` need at least one evidence",
    "# reference (document title and section, file name or URL). An element counts as *attested*",
    "# when every question of it is answered, none is `no`, and one is yes/partial. Attested is",
    "# never the same as verified: a failure that otaudit observes on the device always wins.",
    "# Validate with: otaudit evidence check --evidence THIS_FILE   (schema: otaudit evidence schema)",
    `schemaVersion: ${EVIDENCE_SCHEMA_VERSION}`,
    "products:",
    '  - vendor: ""          # manufacturer',
    '    product: ""         # product name',
    '    version: ""         # firmware / software version the answers cover',
    "    # which audited devices are this product: address, glob (10.0.*), CIDR, or device-name glob",
    '    devices: ["*"]',
    '    attestedBy: { name: "", role: "", organisation: "" }',
    '    attestedOn: ""   # YYYY-MM-DD',
    "    artifacts: {}",
    "    # artifacts (all optional):",
    "    #   sbom: { format: spdx | cyclonedx, location: FILE-OR-URL }",
    "    #   securityTxt: https://vendor.example/.well-known/security.txt   (RFC 9116)",
    "    #   psirt: https://vendor.example/psirt",
    "    #   csafAdvisories: [https://vendor.example/.well-known/csaf/provider-metadata.json]",
    "    #   threatModel: { summary: TEXT, methodology: MITRE EMB3D, reviewedOn: YYYY-MM-DD }",
    "    #   roadmap: { location: DOC-OR-URL, summary: TEXT }",
    "    #   endOfSupport: YYYY-MM-DD",
    "    elements:",
  ];
  for (const el of ELEMENTS) {
    out.push(
      `      # ${el.id}. ${el.name} (${el.verifiedBy === "attest" ? "only the vendor can show this" : el.verifiedBy === "probe" ? "otaudit verifies this on the device; answers add context" : "partly verified on the device, partly by these answers"})`,
    );
    out.push(`      "${el.id}":`);
    out.push("        answers:");
    for (const x of questionsFor(el.id)) {
      out.push(...comment(x.question, "          "));
      out.push(...comment(`evidence: ${x.evidenceHint}`, "          "));
      out.push(`          "${x.id}": { answer: unanswered, evidence: [] }`);
    }
  }
  return out.join("\n") + "\n";
}
