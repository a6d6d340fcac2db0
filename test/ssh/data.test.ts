// Invariants of the SSH security-knowledge data files (probes/ssh/data/*.yaml).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ALGORITHM_CATEGORIES, algorithmDatabase, defaultCredentials } from "../../probes/ssh/knowledge.js";
import { checkDefaultCredentialsInvariants } from "../../src/knowledge/default-credentials.js";
import { LOGIN_BUDGET_DEFAULT } from "../../src/plugin.js";
import { hardening, hintFor, HINT_FAMILIES } from "../../probes/ssh/hints.js";
import { SSH_RULES } from "../../probes/ssh/rules.js";
import { itWithDaemon } from "../helpers/daemons.js";

const db = algorithmDatabase();
const require = createRequire(import.meta.url);

describe("algorithm database (algorithms.yaml)", () => {
  it("every reason used is defined, and every defined reason is used", () => {
    const used = new Set<string>();
    for (const cat of ALGORITHM_CATEGORIES) {
      for (const [name, e] of Object.entries(db[cat])) {
        for (const r of [...e.reasons, ...e.notes]) {
          expect(db.reasons, `${cat}.${name} cites ${r}`).toHaveProperty(r);
          used.add(r);
        }
      }
    }
    expect([...Object.keys(db.reasons)].filter((r) => !used.has(r))).toEqual([]);
  });

  it("weak entries carry a severity and at least one reason; others carry neither", () => {
    for (const cat of ALGORITHM_CATEGORIES) {
      for (const [name, e] of Object.entries(db[cat])) {
        if (e.status === "weak") {
          expect(e.severity, `${cat}.${name}`).toBeDefined();
          expect(e.reasons.length, `${cat}.${name}`).toBeGreaterThan(0);
        } else {
          expect(e.severity, `${cat}.${name}`).toBeUndefined();
          expect(e.reasons, `${cat}.${name}`).toEqual([]);
        }
      }
    }
  });

  it("names are valid SSH algorithm names (RFC 4251 §6: printable, no comma, at most 64 chars)", () => {
    for (const cat of ALGORITHM_CATEGORIES) for (const name of Object.keys(db[cat])) expect(name).toMatch(/^[\x21-\x2b\x2d-\x7e]{1,64}$/);
  });

  it("flags are consistent with the names (CBC, ETM, chacha20)", () => {
    for (const [name, e] of Object.entries(db.cipher))
      expect(e.flags.includes("CBC"), name).toBe(name.endsWith("-cbc") || name === "rijndael-cbc@lysator.liu.se");
    for (const [name, e] of Object.entries(db.mac)) expect(e.flags.includes("ETM"), name).toBe(name.includes("-etm@"));
    expect(db.cipher["chacha20-poly1305@openssh.com"]!.flags).toContain("CHACHA20_POLY1305");
    expect(db.kex["kex-strict-s-v00@openssh.com"]!.status).toBe("marker");
  });

  it("the issue's weak set is classified weak: group1, SHA-1 kex, CBC, 3DES, MD5, SHA-1 MACs, DSA, ssh-rsa", () => {
    for (const n of ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1"]) expect(db.kex[n]!.status).toBe("weak");
    for (const n of ["3des-cbc", "aes128-cbc", "arcfour"]) expect(db.cipher[n]!.status).toBe("weak");
    for (const n of ["hmac-md5", "hmac-sha1", "hmac-sha1-96"]) expect(db.mac[n]!.status).toBe("weak");
    for (const n of ["ssh-dss", "ssh-rsa"]) expect(db.hostKey[n]!.status).toBe("weak");
    expect(db.compression.zlib!.status).toBe("weak");
  });

  it("classifies every algorithm ssh2 supports", () => {
    const c = require("ssh2/lib/protocol/constants.js") as Record<string, string[]>;
    const lists: [keyof typeof db, string[]][] = [
      ["kex", c.SUPPORTED_KEX!],
      ["hostKey", c.SUPPORTED_SERVER_HOST_KEY!],
      ["cipher", c.SUPPORTED_CIPHER!],
      ["mac", c.SUPPORTED_MAC!],
      ["compression", c.SUPPORTED_COMPRESSION!],
    ];
    for (const [cat, names] of lists) for (const n of names) expect(db[cat as "kex"], `${cat}: ${n}`).toHaveProperty([n]);
  });

  itWithDaemon("classifies every algorithm the installed OpenSSH knows (ssh -Q)", existsSync("/usr/bin/ssh"), "needs /usr/bin/ssh (openssh-client)", () => {
    const q = (what: string) => execFileSync("/usr/bin/ssh", ["-Q", what], { encoding: "utf8" }).split("\n").filter(Boolean);
    for (const n of q("kex")) expect(db.kex, n).toHaveProperty([n]);
    for (const n of q("key-sig")) expect(db.hostKey, n).toHaveProperty([n]);
    for (const n of q("cipher")) expect(db.cipher, n).toHaveProperty([n]);
    for (const n of q("mac")) expect(db.mac, n).toHaveProperty([n]);
    for (const n of q("compression")) expect(db.compression, n).toHaveProperty([n]);
  });
});

describe("default credentials (default-credentials.yaml)", () => {
  const data = defaultCredentials();

  it("keeps the shared invariants (src/knowledge/default-credentials.ts): unique ids and pairs, sources defined and cited", () => {
    expect(checkDefaultCredentialsInvariants(data)).toEqual([]);
    for (const s of Object.values(data.sources)) {
      expect(s.url).toMatch(/^https:\/\//);
      expect(s.licence === "MIT" || s.licence === "fact cited, no text copied", s.title).toBe(true);
    }
  });

  it("every SSH entry names an account; vendor defaults say which vendor", () => {
    for (const e of data.entries) {
      expect(e.username, e.id).toMatch(/^[a-z0-9_.-]+$/i);
      expect(e.vendor, e.id).toBeTruthy();
    }
  });

  it("the default budget tries the empty password (and `none`) for the well-known accounts root and admin first", () => {
    const first = data.entries.slice(0, LOGIN_BUDGET_DEFAULT);
    const empty = first.filter((e) => e.password === "");
    expect(new Set(empty.map((e) => e.username))).toEqual(new Set(["root", "admin"]));
    for (const e of empty) expect(e.why, e.id).toBeTruthy();
  });

  it("more entries are known than the default budget tries (the budget is what limits attempts)", () => {
    expect(data.entries.length).toBeGreaterThan(3);
  });
});

describe("hardening hints (hardening.yaml)", () => {
  const h = hardening();

  it("every SSH rule has a hint, or a reason why none applies, for each family, and nothing else is listed", () => {
    expect(Object.keys(h.rules).sort()).toEqual(SSH_RULES.map((r) => r.meta.id).sort());
    for (const [id, fams] of Object.entries(h.rules)) for (const f of HINT_FAMILIES) expect(fams[f], `${id}.${f}`).toBeDefined();
  });

  it("{names} and {dropbear} appear only in rules whose findings name algorithms", () => {
    const naming = new Set(["ssh.kex.weak", "ssh.hostkey.algorithm", "ssh.cipher.weak", "ssh.mac.weak"]);
    for (const [id, fams] of Object.entries(h.rules)) {
      for (const f of HINT_FAMILIES) {
        const text = "hint" in fams[f] ? fams[f].hint : fams[f].none;
        if (/\{names\}|\{dropbear\}/.test(text)) expect(naming.has(id), `${id}.${f}`).toBe(true);
        expect(text).not.toMatch(/\{(?!names\}|dropbear\})[a-z]+\}/);
      }
    }
  });

  it("every Dropbear option removes an algorithm the database calls weak", () => {
    for (const name of Object.keys(h.dropbear)) {
      const cat = (["kex", "hostKey", "cipher", "mac", "compression"] as const).find((c) => db[c][name]);
      expect(cat, name).toBeDefined();
      expect(db[cat!][name]!.status, name).toBe("weak");
    }
  });

  it("fills the names in: an OpenSSH removal list and Dropbear localoptions.h lines", () => {
    expect(hintFor("ssh.kex.weak", "OpenSSH", ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"])).toMatch(
      /KexAlgorithms -diffie-hellman-group1-sha1,diffie-hellman-group14-sha1/,
    );
    expect(hintFor("ssh.kex.weak", "Dropbear", ["diffie-hellman-group1-sha1"])).toMatch(/#define DROPBEAR_DH_GROUP1 0/);
    expect(hintFor("ssh.kex.weak", "OpenSSH", [])).toBeUndefined();
    expect(hintFor("ssh.kex.gex-modulus", "Dropbear")).toBeUndefined();
  });
});
