// Invariants of the MQTT default-credential list (shared format, src/knowledge/default-credentials.ts).
import { describe, expect, it } from "vitest";
import { checkDefaultCredentialsInvariants } from "../../src/knowledge/default-credentials.js";
import { defaultCredentials } from "../../probes/mqtt/knowledge.js";

describe("probes/mqtt/data/default-credentials.yaml", () => {
  const file = defaultCredentials();
  it("keeps the shared invariants (unique ids and pairs, every source cited and licensed)", () => {
    expect(checkDefaultCredentialsInvariants(file)).toEqual([]);
  });
  it("every entry names a user (MQTT CONNECT sends a user name with a password, 3.1.1 §3.1.2.9)", () => {
    for (const e of file.entries) expect(e.username, e.id).toBeTruthy();
  });
  it("nothing is tried in default mode", () => {
    for (const e of file.entries) expect(e.defaultMode ?? false, e.id).toBe(false);
  });
});
