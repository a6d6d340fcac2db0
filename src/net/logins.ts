// Transport kit, login part: the one pacing loop every protocol with credentials uses for intrusive
// default-credential attempts (and bench logins that try several entries). At most `budget`
// attempts per device and protocol (below common lockout thresholds), `delayMs` apart, stopping at
// the first accepted credential, at the first attempt the device did not answer properly (a
// misbehaving device is not pushed on), and on abort. What was tried is always returned: "no
// attempt was possible" is never read as "none accepted".
import { sleep } from "./tcp.js";

export type LoginResult = { outcome: "accepted" } | { outcome: "rejected" } | { outcome: "error"; error: string };

export interface LoginAttempt<E> {
  entry: E;
  result: LoginResult;
}

export interface LoginRun<E> {
  attempts: LoginAttempt<E>[];
  /** the first accepted entry, if any */
  accepted?: E;
  /** entries planned (within the budget) but not tried, and why */
  notTried: { entry: E; why: "aborted" | "stopped-after-error" | "accepted-earlier" }[];
  /** true only when every planned entry got a definite answer (accepted or rejected) */
  complete: boolean;
}

export interface Pacing {
  budget: number;
  delayMs: number;
}

export async function attemptLogins<E>(
  entries: readonly E[],
  pacing: Pacing,
  tryOne: (entry: E, index: number) => Promise<LoginResult>,
  signal?: AbortSignal,
): Promise<LoginRun<E>> {
  const planned = entries.slice(0, Math.max(0, pacing.budget));
  const run: LoginRun<E> = { attempts: [], notTried: [], complete: false };
  let stop: LoginRun<E>["notTried"][number]["why"] | undefined;
  for (const [i, entry] of planned.entries()) {
    if (!stop && signal?.aborted) stop = "aborted";
    if (stop) {
      run.notTried.push({ entry, why: stop });
      continue;
    }
    if (i > 0 && pacing.delayMs > 0) await sleep(pacing.delayMs, signal);
    if (signal?.aborted) {
      stop = "aborted";
      run.notTried.push({ entry, why: stop });
      continue;
    }
    let result: LoginResult;
    try {
      result = await tryOne(entry, i);
    } catch (e) {
      result = { outcome: "error", error: (e as Error).message };
    }
    run.attempts.push({ entry, result });
    if (result.outcome === "accepted") {
      run.accepted = entry;
      stop = "accepted-earlier";
    } else if (result.outcome === "error") stop = "stopped-after-error";
  }
  run.complete = run.accepted !== undefined || (run.attempts.length === planned.length && run.attempts.every((a) => a.result.outcome === "rejected"));
  return run;
}
