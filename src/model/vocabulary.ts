// Plain constant vocabularies (no zod), safe to import on the CLI's start-up path.
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type SeverityName = (typeof SEVERITIES)[number];
export const SAFETY_CLASSES = ["passive", "read", "intrusive"] as const;

/** Report formats `--format` accepts (renderers in src/report/). */
export const REPORT_FORMATS = ["json", "html", "sarif", "junit", "csv", "md", "defectdojo", "ocsf", "cyclonedx", "capability"] as const;

/** Finding statuses (see src/model/common.ts FindingStatus). */
export const FINDING_STATUSES = ["fail", "pass", "undetermined", "error", "not_applicable", "skipped"] as const;

/**
 * Why a check is `undetermined` (design.md "Evidence before verdict"): never a pass.
 * - unknown-value: a name, URI or code the knowledge base does not know (algorithm, policy, OID)
 * - answer-dropped: answers arrived but were dropped (other request id, malformed, unmatched)
 * - unparsed: an answer could not be parsed
 * - no-answer: silence where an answer was needed to decide
 * - connection-closed: the peer closed or reset before the question was answered
 * - not-attempted: the check could not be tried (no method offered, no credentials, budget spent)
 * - incomplete: the probe stopped (cap, deadline) before this part was gathered
 * - unobservable: default mode cannot know (e.g. an empty password without a login attempt)
 * - no-evidence: the rule returned a pass without evidence (the engine's guard)
 */
export const UNDETERMINED_REASONS = [
  "unknown-value",
  "answer-dropped",
  "unparsed",
  "no-answer",
  "connection-closed",
  "not-attempted",
  "incomplete",
  "unobservable",
  "no-evidence",
] as const;

/** Element verdicts, best first for display (see src/model/common.ts Verdict). */
export const VERDICTS = ["pass", "fail", "partial", "undetermined", "attested", "unverified", "error"] as const;
