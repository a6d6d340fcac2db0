// Credentials file: validation with field paths, env indirection, host matching, secret scrubbing.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import ssh2 from "ssh2";
import { credentialsFor, hostMatches, loadCredentials, parseCredentials } from "../../src/config/credentials.js";
import { UsageError } from "../../src/errors.js";
import { createLogger } from "../../src/log.js";
import { clearSecretsForTest, scrubDeep } from "../../src/secrets.js";
import { runOtaudit } from "../helpers/cli.js";

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
    expect(() => parseCredentials(`- protocol: ssh\n  username: eng\n  passwordEnv: NOPE_NOT_SET\n`, "c.yaml", {})).toThrow(
      /\[0\]\.passwordEnv: environment variable NOPE_NOT_SET is not set/,
    );
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

// ---- plugin contract v2: the file schema, env indirection, secrets and path fields come from the
// plugins' declarations; path fields are read and checked before any network work ----
describe("credentials from plugin declarations", () => {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-creds-"));
  const key = ssh2.utils.generateKeyPairSync("ed25519", { passphrase: "right-passphrase-4c1e", cipher: "aes256-ctr", rounds: 4 });
  writeFileSync(join(dir, "enc_ed25519"), key.private, { mode: 0o600 });
  writeFileSync(join(dir, "garbage_key"), "not a key\n", { mode: 0o600 });
  const lines = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (e) {
      if (e instanceof UsageError) return e.lines.length ? e.lines : [e.message];
      throw e;
    }
    return [];
  };

  it("an empty password is a value (bench accounts with an empty password), not 'missing'", () => {
    const [e] = parseCredentials(`- protocol: ssh\n  username: bench\n  password: ""\n`, "c.yaml");
    expect(e).toMatchObject({ protocol: "ssh", username: "bench", password: "" });
    expect(lines(() => parseCredentials(`- protocol: ssh\n  username: bench\n`, "c.yaml"))).toEqual([
      "c.yaml: [0]: an ssh entry needs password, passwordEnv or privateKey",
    ]);
    expect(parseCredentials(`- protocol: ssh\n  username: bench\n  passwordEnv: EMPTY_PW\n`, "c.yaml", { EMPTY_PW: "" })[0]!.password).toBe("");
  });

  it("names the file's own fields: unknown kinds, both value and Env, a value the plugin's schema refuses", () => {
    expect(lines(() => parseCredentials(`- protocol: telnet\n  username: x\n`, "c.yaml"))[0]).toMatch(
      /^c\.yaml: \[0\]\.protocol: unknown kind "telnet" \(known: .*ssh/,
    );
    expect(lines(() => parseCredentials(`- protocol: opcua\n  username: op\n  password: a\n  passwordEnv: B\n`, "c.yaml", { B: "b" }))).toEqual([
      "c.yaml: [0].passwordEnv: give password or passwordEnv, not both",
    ]);
    expect(lines(() => parseCredentials(`- protocol: opcua\n  username: op\n`, "c.yaml"))).toEqual([
      "c.yaml: [0].password: required (give password or passwordEnv)",
    ]);
    expect(lines(() => parseCredentials(`- protocol: snmp\n  communityEnv: C\n`, "c.yaml", { C: "" }))[0]).toMatch(/^c\.yaml: \[0\]\.communityEnv: /);
    expect(lines(() => parseCredentials(`- protocol: snmp\n  username: ops\n  authProtocol: sha\n`, "c.yaml"))).toEqual([
      "c.yaml: [0].authKey: required with authProtocol",
    ]);
    expect(lines(() => parseCredentials(`- protocol: ssh\n  username: e\n  password: x\n  host: "not a host!"\n`, "c.yaml"))).toEqual([
      "c.yaml: [0].host: not an address, glob or CIDR: not a host!",
    ]);
  });

  it("reads key files relative to the credentials file and checks them: unreadable, not a key, wrong passphrase", () => {
    const file = join(dir, "creds.yaml");
    const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
      writeFileSync(file, yaml);
      return loadCredentials(file, env);
    };
    expect(lines(() => load(`- protocol: ssh\n  username: e\n  privateKey: missing_key\n`))).toEqual([
      `--credentials ${file}: [0].privateKey: cannot read ${join(dir, "missing_key")} (ENOENT)`,
    ]);
    expect(lines(() => load(`- protocol: ssh\n  username: e\n  privateKey: garbage_key\n`))[0]).toMatch(/\[0\]\.privateKey: not a usable private key/);
    expect(lines(() => load(`- protocol: ssh\n  username: e\n  privateKey: enc_ed25519\n`))[0]).toMatch(
      /\[0\]\.privateKey: not a usable private key \(.*passphrase/i,
    );
    expect(lines(() => load(`- protocol: ssh\n  username: e\n  privateKey: enc_ed25519\n  passphraseEnv: PP\n`, { PP: "wrong" }))[0]).toMatch(
      /\[0\]\.privateKey: not a usable private key/,
    );
    const [ok] = load(`- protocol: ssh\n  username: e\n  privateKey: enc_ed25519\n  passphraseEnv: PP\n`, { PP: "right-passphrase-4c1e" });
    expect(ok).toMatchObject({ privateKey: join(dir, "enc_ed25519"), passphrase: "right-passphrase-4c1e" });
    expect(scrubDeep({ m: "right-passphrase-4c1e" }).m).toBe("[redacted]");
    expect(lines(() => load(`- protocol: modbus-tls\n  certificate: garbage_key\n  key: garbage_key\n`))[0]).toMatch(
      /\[0\]\.certificate: not an X\.509 certificate/,
    );
  });

  it("CLI: an unusable private key is exit 2 naming [i].privateKey, before any network work", async () => {
    let connections = 0;
    const server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const file = join(dir, "cli-creds.yaml");
    writeFileSync(file, `- protocol: ssh\n  username: e\n  privateKey: garbage_key\n`);
    try {
      const r = await runOtaudit(["scan", `ssh://127.0.0.1:${port}`, "--credentials", file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/\[0\]\.privateKey: not a usable private key/);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });
});
