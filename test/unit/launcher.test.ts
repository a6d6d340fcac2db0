// The launcher (src/bin/otaudit.js) run as a command starts node with NODE_EXTRA_CA_CERTS emptied
// (Node 20 would parse that file and its root store at every start) and passes the file on as
// OTAUDIT_EXTRA_CA_CERTS; the PostgreSQL store, otaudit's one verifying TLS client, still trusts it.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { trustedCasWithExtra } from "../../src/net/extra-ca.js";
import { poolConfig } from "../../src/store/postgres.js";
import { BIN } from "../helpers/cli.js";

const MISSING = "/nonexistent/otaudit-launcher-test/ca.pem";
// Node's own warning when it loads NODE_EXTRA_CA_CERTS at start-up and the file is not there
const NODE_LOAD_WARNING = /Ignoring extra certs from/;

describe("launcher", () => {
  it("run as a command, node starts without loading NODE_EXTRA_CA_CERTS; run by node, it loads it (the check discriminates)", () => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: MISSING };
    const asCommand = spawnSync(BIN, ["--version"], { env, encoding: "utf8" });
    expect(asCommand.status).toBe(0);
    expect(asCommand.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(asCommand.stderr).not.toMatch(NODE_LOAD_WARNING);
    const byNode = spawnSync(process.execPath, [BIN, "--version"], { env, encoding: "utf8" });
    expect(byNode.status).toBe(0);
    expect(byNode.stderr).toMatch(NODE_LOAD_WARNING);
  });

  it("passes the file's name on as OTAUDIT_EXTRA_CA_CERTS to the node on PATH, every argument intact", () => {
    // a stand-in `node` first on PATH prints what the launcher's sh line handed it
    const dir = mkdtempSync(join(tmpdir(), "otaudit-launcher-"));
    const fake = join(dir, "node");
    writeFileSync(
      fake,
      '#!/bin/sh\nprintf "extra=[%s] carried=[%s]\\n" "$NODE_EXTRA_CA_CERTS" "$OTAUDIT_EXTRA_CA_CERTS"\nfor a in "$@"; do printf "<%s>\\n" "$a"; done\n',
    );
    chmodSync(fake, 0o755);
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: "/etc/my ca.pem" };
    const r = spawnSync(BIN, ["scan", "a b", "--json", "-", ""], { env, encoding: "utf8" });
    expect(r.stdout.split("\n")).toEqual(["extra=[] carried=[/etc/my ca.pem]", `<${BIN}>`, "<scan>", "<a b>", "<--json>", "<->", "<>", ""]);
  });
});

describe("extra CAs where otaudit verifies TLS (the PostgreSQL store)", () => {
  const saved = process.env.OTAUDIT_EXTRA_CA_CERTS;
  afterEach(() => {
    if (saved === undefined) delete process.env.OTAUDIT_EXTRA_CA_CERTS;
    else process.env.OTAUDIT_EXTRA_CA_CERTS = saved;
  });
  const pem = "-----BEGIN CERTIFICATE-----\nMIIBcanary\n-----END CERTIFICATE-----\n";
  const caFile = () => {
    const f = join(mkdtempSync(join(tmpdir(), "otaudit-extra-ca-")), "extra.pem");
    writeFileSync(f, pem);
    return f;
  };

  it("verifying sslmodes get Node's roots plus the operator's file", () => {
    process.env.OTAUDIT_EXTRA_CA_CERTS = caFile();
    for (const mode of ["verify-full", "require"]) {
      const ssl = poolConfig(`postgres://u:p@db.example/otaudit?sslmode=${mode}`).ssl as { ca: string[] };
      expect(ssl.ca).toContain(pem);
      expect(ssl.ca.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    }
  });

  it("an explicit sslrootcert, sslmode=disable and no variable are left as pg parses them", () => {
    const root = caFile();
    process.env.OTAUDIT_EXTRA_CA_CERTS = root;
    const own = poolConfig(`postgres://u:p@db.example/otaudit?sslmode=verify-full&sslrootcert=${encodeURIComponent(root)}`).ssl as { ca: unknown };
    expect(own.ca).toBe(pem);
    expect(poolConfig("postgres://u:p@db.example/otaudit?sslmode=disable").ssl).toBe(false);
    delete process.env.OTAUDIT_EXTRA_CA_CERTS;
    expect((poolConfig("postgres://u:p@db.example/otaudit?sslmode=verify-full").ssl as { ca?: unknown }).ca).toBeUndefined();
  });

  it("an unreadable file is Node's behaviour: a warning and the default roots", () => {
    expect(trustedCasWithExtra({ OTAUDIT_EXTRA_CA_CERTS: "/nonexistent/otaudit/x.pem" })).toBeUndefined();
  });
});
