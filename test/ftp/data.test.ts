// Invariants of the FTP knowledge: default accounts (shared format) and greeting patterns.
import { describe, expect, it } from "vitest";
import { checkDefaultCredentialsInvariants } from "../../src/knowledge/default-credentials.js";
import { defaultCredentials, productPatterns, recogniseProduct } from "../../probes/ftp/knowledge.js";

describe("probes/ftp/data/default-credentials.yaml", () => {
  const file = defaultCredentials();
  it("keeps the shared invariants", () => expect(checkDefaultCredentialsInvariants(file)).toEqual([]));
  it("every entry names a user, and none is anonymous (that is the read-class check)", () => {
    for (const e of file.entries) {
      expect(e.username, e.id).toBeTruthy();
      expect(["anonymous", "ftp"]).not.toContain(e.username!.toLowerCase());
      expect(e.defaultMode ?? false).toBe(false);
    }
  });
});

describe("probes/ftp/data/products.yaml", () => {
  const file = productPatterns();
  it("every pattern compiles, matches its examples, and names the version it captures", () => {
    for (const p of file.products) {
      const re = new RegExp(p.pattern);
      for (const ex of p.examples) {
        const m = re.exec(ex);
        expect(m, `${p.id}: ${ex}`).not.toBeNull();
        if (p.version) expect(m![p.version], p.id).toMatch(/^\d/);
        expect(recogniseProduct(ex)?.product).toBe(p.product);
      }
    }
  });
  it("no pattern has a nested quantifier (linear on hostile text)", () => {
    for (const p of file.products) expect(p.pattern, p.id).not.toMatch(/\([^)]*[+*][^)]*\)[+*{]/);
  });
  it("2 KiB of hostile greeting is matched quickly and without a product", () => {
    expect(recogniseProduct("220 " + "(vsFTPd 3.".repeat(200))).toBeUndefined();
  });
});
