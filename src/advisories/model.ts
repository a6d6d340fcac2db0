// The advisory model every input format (CSAF 2.0 JSON, our YAML) is turned into, and the meta of
// the advisory "rule" (elements 11 and 12). Matching (match.ts) reads only this model.
import type { Severity } from "../model/common.js";
import type { RuleMeta } from "../plugin.js";
import type { VersionRange } from "./version.js";

/** One product (and its affected versions) named by an advisory. */
export interface AffectedProduct {
  vendor?: string;
  product: string;
  range: VersionRange;
  /** how the advisory states the versions, for messages: "2.4.1", "< 9.6", "vers:generic/..." */
  versionsLabel: string;
  cves: string[];
  /** other vulnerability ids (vendor PSIRT ids) when no CVE is given */
  ids: string[];
  severity?: Severity;
  /** versions the advisory lists as fixed for this product */
  fixed: string[];
  remediation?: string;
  url?: string;
}

export interface Advisory {
  /** CSAF document.tracking.id, or the YAML entry id */
  id: string;
  title: string;
  format: "csaf" | "yaml";
  file: string;
  publisher?: string;
  /** the advisory's own address (CSAF "self" reference, YAML url) */
  url?: string;
  products: AffectedProduct[];
}

export interface AdvisorySet {
  files: string[];
  advisories: Advisory[];
}

export const ADVISORY_RULE_ID = "advisory.version-match";

export const ADVISORY_RULE_META: RuleMeta = {
  id: ADVISORY_RULE_ID,
  title: "Software version named by a supplied advisory",
  elements: [11, 12],
  // IEC 62443-4-2 CR 3.10 (support for updates), CR 3.4 (software integrity); 62443-4-1 DM-4
  // (addressing security-related issues) and SUM-5 (timely delivery of security patches)
  iec62443: ["CR 3.10", "CR 3.4", "DM-4", "SUM-5"],
  severity: "high",
  safety: "passive",
  remediation:
    "Apply the vendor's fix named by the advisory, or its mitigations until the update can be scheduled. Version-based: confirm against the advisory, since a device (or a distribution build) can carry a fix under an unchanged version string.",
  docs: "Matches the software and firmware versions the plugins observed (banners, device identification objects, server build information, system descriptions) against advisories supplied offline with --advisories (CSAF 2.0 or otaudit YAML). Never guesses CVEs from a banner without supplied advisory data.",
};

/** Distribution builds backport fixes: a match on the upstream version alone is capped here. */
export const DISTRIBUTION_SEVERITY_CAP: Severity = "medium";
