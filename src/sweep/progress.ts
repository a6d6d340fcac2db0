// Sweep progress on a terminal: devices done/total, failing findings so far, rate and ETA on one
// line of stderr, redrawn at most a few times a second. Silent when stderr is not a TTY (CI, pipes,
// log files), so machine output is never interleaved with it.
import type { SweepStats } from "./run.js";

export class SweepProgress {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    readonly enabled = Boolean(stream.isTTY),
  ) {}

  static line(s: SweepStats, now = Date.now()): string {
    const elapsed = Math.max(0.001, (now - s.startedAt) / 1000);
    const rate = s.done / elapsed;
    const left = s.total - s.alreadyDone - s.done;
    const eta = rate > 0 ? Math.ceil(left / rate) : undefined;
    const resumed = s.alreadyDone ? ` (+${s.alreadyDone} from before)` : "";
    return `sweep: ${s.done + s.alreadyDone}/${s.total} devices${resumed}, ${s.failingFindings} failing findings, ${rate.toFixed(1)} devices/s, ETA ${eta === undefined ? "?" : `${eta}s`}`;
  }

  update(s: SweepStats): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 200 && s.done + s.alreadyDone < s.total) return;
    this.lastDraw = now;
    this.drawn = true;
    this.stream.write(`\r\x1b[K${SweepProgress.line(s, now)}`);
  }

  finish(): void {
    if (this.enabled && this.drawn) this.stream.write("\n");
  }
}
