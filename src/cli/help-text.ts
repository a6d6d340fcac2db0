// Help text shared by the commands: the exit codes, one per line (commander wraps descriptions to
// the terminal; these lines are short enough never to break mid-sentence at 80 columns).
export function exitCodesHelp(kind: "audit" | "sweep" | "report" | "record"): string {
  const lines =
    kind === "record"
      ? [
          "  0    recording written",
          "  2    usage or input error, or an output that could not be written",
          "  3    nothing could be audited (no recording written)",
          "  130  interrupted (Ctrl-C): what was gathered is written",
        ]
      : kind === "report"
        ? [
            "  0    reports written",
            "  1    a failing finding at or above --fail-on (when given); with",
            "       --fail-on-error also a check that could not run or decide",
            "  2    bad input (nothing written), or a report that could not be written",
            "  3    a report that could not be rendered (the others are written)",
          ]
        : [
            `  0    nothing failing at or above --fail-on${kind === "sweep" ? " (device or fleet findings)" : ""}`,
            "  1    a failing finding at or above --fail-on; with --fail-on-error",
            "       also a check that could not run (error) or decide (undetermined)",
            "  2    usage or input error, or an output that could not be written",
            "  3    the audit could not run (nothing reachable, internal error),",
            "       or a report could not be rendered (the others are written)",
            "  130  interrupted (Ctrl-C): what was gathered is written, marked interrupted",
          ];
  return `\nExit codes:\n${lines.join("\n")}`;
}
