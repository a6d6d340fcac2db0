// Politeness for the sweep (design.md "Safety classes"): a global concurrency limit, per-zone
// limits, one connection per device at a time (the device's steps run one after another), an
// optional per-device connection rate, and backoff of a device that stops answering: after a
// timeout the next attempt waits (exponentially longer), and after `giveUpAfter` consecutive
// timeouts the device is left alone for the rest of the sweep.
import pLimit, { type LimitFunction } from "p-limit";
import { UsageError } from "../errors.js";
import { sleep } from "../net/tcp.js";

export interface PolitenessOptions {
  /** devices worked on at once across the sweep */
  concurrency: number;
  /** zone -> devices at once in that zone ("*" = every zone without its own limit) */
  zoneLimits: Map<string, number>;
  /** max new connections per second to one device (undefined = no pacing beyond one at a time) */
  deviceRate?: number;
  /** consecutive timeouts after which a device is given up */
  giveUpAfter: number;
  /** first backoff delay after a timeout (doubles each time) */
  backoffBaseMs: number;
}

export const DEFAULT_ZONE = "default";

/** Parse `--zone-limit cell-1=2,dmz=8,*=4`. */
export function parseZoneLimits(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!text) return out;
  for (const part of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_.:*-]+)=(\d+)$/.exec(part);
    if (!m || Number(m[2]) < 1) throw new UsageError(`--zone-limit: '${part}' is not ZONE=N with N >= 1 (e.g. cell-1=2,*=8)`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** Per-device pacing and health: every connection to the device goes through beforeConnection(). */
export class DevicePacer {
  private lastStart = 0;
  private consecutiveTimeouts = 0;
  private nextDelayMs = 0;
  timeouts = 0;
  backoffWaitMs = 0;

  constructor(private readonly opts: Pick<PolitenessOptions, "deviceRate" | "giveUpAfter" | "backoffBaseMs">) {}

  get givenUp(): boolean {
    return this.consecutiveTimeouts >= this.opts.giveUpAfter;
  }

  async beforeConnection(signal?: AbortSignal): Promise<void> {
    const minGap = this.opts.deviceRate ? 1000 / this.opts.deviceRate : 0;
    const wait = Math.max(this.nextDelayMs, this.lastStart + minGap - Date.now());
    if (this.nextDelayMs > 0) this.backoffWaitMs += this.nextDelayMs;
    this.nextDelayMs = 0;
    if (wait > 0) await sleep(wait, signal);
    this.lastStart = Date.now();
  }

  /** What the last attempt got: an answer (any answer, a refusal too) or a timeout. */
  record(outcome: "answered" | "timeout"): void {
    if (outcome === "answered") {
      this.consecutiveTimeouts = 0;
      return;
    }
    this.timeouts++;
    this.consecutiveTimeouts++;
    this.nextDelayMs = this.opts.backoffBaseMs * 2 ** (this.consecutiveTimeouts - 1);
  }
}

/** Global and per-zone limits: a device waits for its zone's slot first, so it holds no global slot meanwhile. */
export class SweepLimiter {
  private readonly global: LimitFunction;
  private readonly zones = new Map<string, LimitFunction>();

  constructor(private readonly opts: PolitenessOptions) {
    this.global = pLimit(Math.max(1, opts.concurrency));
  }

  run<T>(zone: string | undefined, fn: () => Promise<T>): Promise<T> {
    const z = zone ?? DEFAULT_ZONE;
    const limit = this.opts.zoneLimits.get(z) ?? this.opts.zoneLimits.get("*");
    if (limit === undefined) return this.global(fn);
    let zl = this.zones.get(z);
    if (!zl) this.zones.set(z, (zl = pLimit(limit)));
    return zl(() => this.global(fn));
  }
}
