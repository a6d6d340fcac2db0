// What every probe phase gets: the probe context, the endpoint, the probe's overall budget (an
// absolute Deadline) and the phase's own time window, and how a phase says it was cut short.
import type { Deadline } from "../../src/net/index.js";
import type { ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import type { SshService } from "./facts.js";

export interface PhaseEnv {
  ctx: ProbeContext;
  ep: ServiceEndpoint;
  /** the probe's overall budget (all endpoints); no phase runs past it */
  budget: Deadline;
}

/** A phase's window: `multiple` x --timeout from now, never past the overall budget. */
export function phaseWindow(env: PhaseEnv, multiple: number): Deadline {
  return env.budget.within(env.ctx.timeoutMs * multiple);
}

/** One operation's deadline inside a window: at most one --timeout. */
export function stepDeadline(env: PhaseEnv, window: Deadline): Deadline {
  return window.within(env.ctx.timeoutMs);
}

/** Record that a phase was cut short (its window or the overall budget ran out, or the run was aborted). */
export function noteCut(service: SshService, phase: string, message: string): void {
  (service.phasesCut ??= []).push({ phase, message });
}
