// Terminal conventions shared by every command (issue 20): -q/--quiet (no scorecard and no "wrote"
// lines: the exit code and the files only; warnings and errors still go to stderr), -v/--verbose
// (human progress per device and protocol on stderr), and a one-line progress display for runs
// of several devices on a terminal. Every line passes the escaping boundary (safeText) and the
// secret scrubber (src/secrets.ts), like logs and reports.
import { safeText } from "../report/safe-text.js";
import { scrub } from "../secrets.js";

export const ui = { quiet: false, verbose: false };

export function setUi(opts: { quiet?: boolean; verbose?: boolean }): void {
  ui.quiet = !!opts.quiet;
  ui.verbose = !!opts.verbose && !opts.quiet;
}

/** Human output on stdout (scorecards, rankings, "wrote FILE"): silent with --quiet. */
export function say(text: string): void {
  if (!ui.quiet) process.stdout.write(text);
}

/** An informational line on stderr ("otaudit: recorded ..."): silent with --quiet. */
export function note(line: string): void {
  if (!ui.quiet) status.line(`otaudit: ${safeText(line)}`);
}

/** A warning on stderr: always shown. */
export function warn(line: string): void {
  status.line(`otaudit: ${safeText(line)}`);
}

/** A --verbose progress line on stderr. */
export function verbose(line: string): void {
  if (ui.verbose) status.line(`otaudit: ${safeText(line)}`);
}

/**
 * The one redrawn status line on a terminal's stderr (TTY only, never with --quiet). Other stderr
 * lines written through `line()` clear it first and redraw it after, so they never interleave.
 */
class StatusLine {
  private current = "";
  private lastDraw = 0;
  stream: NodeJS.WriteStream = process.stderr;

  get enabled(): boolean {
    return !ui.quiet && !!this.stream.isTTY;
  }

  line(text: string): void {
    if (this.current && this.enabled) this.stream.write("\r\x1b[K");
    this.stream.write(scrub(text) + "\n");
    if (this.current && this.enabled) this.stream.write(this.current);
  }

  /** Show `text` (throttled to a few redraws a second unless `force`). */
  set(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.current = safeText(scrub(text));
    this.stream.write(`\r\x1b[K${this.current}`);
  }

  clear(): void {
    if (this.current && this.enabled) this.stream.write("\r\x1b[K");
    this.current = "";
  }
}

export const status = new StatusLine();
