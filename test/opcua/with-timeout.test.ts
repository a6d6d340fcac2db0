// withTimeout (probes/opcua/session.ts): an abort ends the wait at once, also when the run was
// already aborted before the call (an abort event never fires for an aborted signal).
import { describe, expect, it } from "vitest";
import { TimeoutError, withTimeout } from "../../probes/opcua/session.js";

describe("opcua withTimeout", () => {
  it("rejects at once when the signal is already aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    const never = new Promise<never>(() => {});
    const r = await Promise.race([
      withTimeout(never, 60_000, "CreateSession", ac.signal).then(
        () => "resolved",
        (e: unknown) => e,
      ),
      new Promise((resolve) => setImmediate(() => resolve("still waiting"))),
    ]);
    expect(r).toBeInstanceOf(TimeoutError);
    expect((r as Error).message).toBe("CreateSession aborted");
  });

  it("rejects when the signal aborts during the wait", async () => {
    const ac = new AbortController();
    const p = withTimeout(new Promise<never>(() => {}), 60_000, "BrowseNext", ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow("BrowseNext aborted");
  });

  it("passes the value through", async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, "read")).resolves.toBe(7);
  });
});
