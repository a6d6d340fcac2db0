// Invariants of the http plugin's data: the default-credential list keeps the shared format's
// invariants (unique ids and pairs, every source defined, cited and licensed), every entry cites a
// vendor document; web.yaml's hint patterns compile, have one capture group, and stay fast on
// adversarial text (bounded quantifiers: a 256 KiB page of near-matches is scanned in one pass).
import { describe, expect, it } from "vitest";
import { checkDefaultCredentialsInvariants } from "../../src/knowledge/default-credentials.js";
import { findHints } from "../../probes/http/html.js";
import { hintPatterns, httpDefaultCredentials, webKnowledge } from "../../probes/http/knowledge.js";
import { CHECKS } from "../../probes/http/checks.js";

describe("http data files", () => {
  it("default credentials: the shared invariants, a licence per source, a vendor document per entry", () => {
    const f = httpDefaultCredentials();
    expect(checkDefaultCredentialsInvariants(f)).toEqual([]);
    for (const s of Object.values(f.sources)) expect(s.licence).toMatch(/MIT|fact cited/);
    for (const e of f.entries) expect(e.vendorDoc, e.id).toMatch(/^https?:\/\//);
    expect(f.entries.every((e) => !e.defaultMode)).toBe(true); // intrusive only
  });

  it("the default-credential check names what it sends: user names and entry ids, never a password", () => {
    const sends = CHECKS.defaultCredentials.sends();
    expect(sends.length).toBe(httpDefaultCredentials().entries.length);
    const users = new Set(httpDefaultCredentials().entries.map((e) => e.username));
    for (const e of httpDefaultCredentials().entries) {
      if (!users.has(e.password)) expect(sends.join(" "), e.id).not.toContain(e.password);
      if (e.password.length >= 4 && e.password !== e.username) expect(e.id.toLowerCase(), e.id).not.toContain(e.password.toLowerCase());
    }
  });

  it("web.yaml: explained and sourced; every hint pattern has one capture group", () => {
    const k = webKnowledge();
    expect(k.hsts.minMaxAge).toBeGreaterThanOrEqual(15768000);
    for (const p of hintPatterns()) expect(new RegExp(`${p.regex.source}|`).exec("")!.length, p.id).toBe(2);
  });

  it("hint patterns on adversarial near-matches finish (no super-linear backtracking)", () => {
    const page = ("firmware version " + " ".repeat(50) + "v1.").repeat(4000) + "<meta " + "name=generator ".repeat(3000);
    const hints = findHints(page, hintPatterns());
    expect(hints.length).toBeLessThanOrEqual(3);
  });
});
