// Test plumbing for the SSH plugin: a ProbeContext for direct probe calls, and simulator profiles.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { CredentialEntry } from "../../src/config/credentials.js";
import type { CheckDecl, ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { SshSimProfile } from "../../probes/ssh/profile.js";

export function sshEndpoint(host: string, port: number, explicit = true): ServiceEndpoint {
  return { protocol: "ssh", scheme: "ssh", host, port, transport: "tcp", url: `ssh://${host}:${port}`, explicit };
}

export interface TestContextOptions {
  timeoutMs?: number;
  intrusive?: boolean;
  credentials?: CredentialEntry[];
  options?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** collected log lines (JSON strings) */
  logLines?: string[];
}

export function testContext(endpoints: ServiceEndpoint[], o: TestContextOptions = {}): ProbeContext {
  const lines = o.logLines ?? [];
  const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(l) });
  return {
    endpoints,
    timeoutMs: o.timeoutMs ?? 3000,
    signal: o.signal ?? new AbortController().signal,
    intrusive: o.intrusive ?? false,
    credentials: o.credentials ?? [],
    options: o.options ?? {},
    log,
    checkpoint() {},
    assertAllowed(check: CheckDecl) {
      if (check.safety === "intrusive" && !o.intrusive) throw new Error(`check ${check.id} is intrusive and was not enabled`);
    },
  };
}

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), "otaudit-ssh-test-"));
}

/** A legacy device: SHA-1 and group1 kex, CBC/3DES, MD5/SHA-1 MACs, RSA-1024 + DSA, password login. */
export const LEGACY_PROFILE = SshSimProfile.parse({
  software: "OpenSSH_5.3",
  algorithms: {
    kex: ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1"],
    hostKey: ["ssh-rsa", "ssh-dss"],
    cipher: ["aes128-ctr", "aes128-cbc", "3des-cbc"],
    mac: ["hmac-sha1", "hmac-md5", "hmac-sha1-etm@openssh.com"],
    compression: ["none", "zlib"],
  },
  strictKex: false,
  hostKeys: [{ type: "rsa", bits: 1024 }, { type: "dsa" }],
  auth: { chains: [["password"], ["publickey"]], accounts: [{ username: "admin", password: "admin" }] },
});

/** A hardened device: modern algorithms, strict kex, publickey then password (two factors). */
export function hardenedProfile(publicKey: string, password: string) {
  return SshSimProfile.parse({
    software: "OpenSSH_9.6",
    algorithms: {
      kex: ["curve25519-sha256", "curve25519-sha256@libssh.org", "diffie-hellman-group16-sha512"],
      hostKey: ["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"],
      cipher: ["aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr"],
      mac: ["hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com"],
      compression: ["none", "zlib@openssh.com"],
    },
    strictKex: true,
    hostKeys: [{ type: "ed25519" }, { type: "rsa", bits: 3072 }],
    auth: { chains: [["publickey", "password"]], accounts: [{ username: "operator", password, publicKey }] },
  });
}

import { auditDevices } from "../../src/engine/audit.js";
import type { DeviceResult, Finding } from "../../src/model/result.js";
import sshPlugin from "../../probes/ssh/index.js";

/** Audit one SSH service through the engine (probe -> facts -> rules), as the CLI does. */
export async function auditSsh(host: string, port: number, o: TestContextOptions = {}): Promise<DeviceResult> {
  const lines = o.logLines ?? [];
  const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(l) });
  const doc = await auditDevices([{ host, address: host, endpoints: [sshEndpoint(host, port)] }], {
    plugins: [sshPlugin],
    // generous by default (tests about verdicts must not fail on a loaded CI machine); tests about
    // deadlines pass their own small timeout
    timeoutMs: o.timeoutMs ?? 10_000,
    concurrency: 1,
    intrusive: o.intrusive ?? false,
    credentials: o.credentials ?? [],
    failOn: "high",
    log,
    pluginOptions: o.options ?? {},
  });
  return doc.devices[0]!;
}

export function finding(d: DeviceResult, ruleId: string): Finding {
  const f = d.findings.find((x) => x.ruleId === ruleId);
  if (!f) throw new Error(`no finding ${ruleId}: ${d.findings.map((x) => x.ruleId).join(", ")}`);
  return f;
}

export const ALGORITHM_RULES = [
  "ssh.kex.weak",
  "ssh.cipher.weak",
  "ssh.mac.weak",
  "ssh.hostkey.algorithm",
  "ssh.hostkey.size",
  "ssh.terrapin",
  "ssh.compression.preauth",
  "ssh.protocol.ssh1",
];
