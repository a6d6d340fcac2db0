// Credentials file: validation with field paths, env indirection, host matching, secret scrubbing.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { credentialsFor, hostMatches, parseCredentials } from "../../src/config/credentials.js";
import { UsageError } from "../../src/errors.js";
import { createLogger } from "../../src/log.js";
import { clearSecretsForTest, scrubDeep } from "../../src/secrets.js";

const CANARY = "canary-Pw-7f3a91";

afterEach(() => clearSecretsForTest());

describe("credentials file", () => {
  it("parses entries per protocol and resolves passwordEnv", () => {
    const entries = parseCredentials(
      `- protocol: ssh\n  host: 10.0.0.0/8\n  username: eng\n  passwordEnv: BENCH_PW\n- protocol: snmp\n  username: ops\n  authProtocol: sha256\n  authKey: authkey123\n  privProtocol: aes\n  privKey: privkey123\n`,
      "creds.yaml",
      { BENCH_PW: CANARY },
    );
    expect(entries[0]).toMatchObject({ protocol: "ssh", password: CANARY });
    expect(credentialsFor(entries, "ssh", "10.1.2.3")).toHaveLength(1);
    expect(credentialsFor(entries, "ssh", "192.168.1.1")).toHaveLength(0);
    expect(credentialsFor(entries, "snmp", "anything")).toHaveLength(1);
  });

  it("names the field of a validation error", () => {
    try {
      parseCredentials(`- protocol: ssh\n  username: eng\n  password: x\n- protocol: opcua\n  username: 5\n`, "c.yaml");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toMatch(/^c\.yaml: \[1\]\.username: /);
    }
    expect(() => parseCredentials(`- protocol: ssh\n  username: eng\n  passwordEnv: NOPE_NOT_SET\n`, "c.yaml", {})).toThrow(/\[0\]\.passwordEnv: environment variable NOPE_NOT_SET is not set/);
    expect(() => parseCredentials(`- protocol: telnet\n  username: x\n`, "c.yaml")).toThrow(/\[0\]\.protocol/);
  });

  it("matches hosts by address, glob and CIDR", () => {
    expect(hostMatches(undefined, "1.2.3.4")).toBe(true);
    expect(hostMatches("10.0.*", "10.0.5.1")).toBe(true);
    expect(hostMatches("10.0.*", "10.1.5.1")).toBe(false);
    expect(hostMatches("192.168.4.0/24", "192.168.4.200")).toBe(true);
    expect(hostMatches("192.168.4.0/24", "192.168.5.1")).toBe(false);
    expect(hostMatches("plc-7", "PLC-7")).toBe(true);
  });
});

describe("secrets never leave the process", () => {
  it("scrubs a loaded password from results and logs (canary)", () => {
    parseCredentials(`- protocol: ssh\n  username: eng\n  password: ${CANARY}\n`, "c.yaml");
    const result = scrubDeep({ message: `login with ${CANARY} failed`, nested: [{ v: CANARY }] });
    expect(JSON.stringify(result)).not.toContain(CANARY);
    const file = join(mkdtempSync(join(tmpdir(), "otaudit-log-")), "log.jsonl");
    const log = createLogger({ file, level: "debug" });
    log.info({ password: CANARY }, `trying ${CANARY}`);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("[redacted]");
    expect(text).not.toContain(CANARY);
  });
});
