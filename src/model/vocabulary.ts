// Plain constant vocabularies (no zod), safe to import on the CLI's start-up path.
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type SeverityName = (typeof SEVERITIES)[number];
export const SAFETY_CLASSES = ["passive", "read", "intrusive"] as const;

/** Report formats `--format` accepts (renderers in src/report/). */
export const REPORT_FORMATS = ["json", "html", "sarif", "junit", "csv", "md"] as const;
