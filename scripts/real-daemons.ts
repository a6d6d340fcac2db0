// The real implementations scripts/real-fixtures.ts records (fixtures/real/<name>/): how each is
// configured and started on loopback, with throwaway host keys, certificates and passwords made in
// a temp folder for the recording. The daemon starters are the interop tests' own (test/ssh/sshd.ts,
// test/helpers/daemons.ts), so a recording shows the daemon the tests talk to.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CredentialEntry } from "../src/config/credentials.js";
import { findBinary, freeUdpPort, spawnDaemon, waitFor } from "../test/helpers/daemons.js";
import { keygen, SSH_KEYGEN, startDropbear, startSshd } from "../test/ssh/sshd.js";
import { CLEARTEXT_ERA_DAEMONS } from "./real-daemons-clear.js";
import { htpasswdLine, MODERN_TLS, modernCertificate, startNginx, WEAK_TLS, weakCertificate, weakDhParams } from "../test/tls/nginx.js";

export interface RunningRealDaemon {
  urls: string[];
  /** credentials the recording uses (throwaway values, never recorded) */
  credentials?: CredentialEntry[];
  /** values that must never appear in the recording */
  secrets?: string[];
  stop(): Promise<void>;
}

export interface RealDaemon {
  description: string;
  /** record with --intrusive (default-credential checks; the description must say so) */
  intrusive?: boolean;
  start(work: string): Promise<RunningRealDaemon>;
}

const HOST = "127.0.0.1";
const secret = () => `throwaway-${randomBytes(9).toString("hex")}`;

export const REAL_DAEMONS: Record<string, RealDaemon> = {
  openssh: {
    description:
      "Debian OpenSSH sshd (openssh-server, bookworm) with Ed25519, ECDSA P-256 and RSA 3072 host keys, PasswordAuthentication yes, KbdInteractiveAuthentication no, UsePAM no, otherwise Debian's compiled-in defaults; default-mode audit",
    async start() {
      const d = await startSshd(
        [{ type: "ed25519" }, { type: "ecdsa", bits: 256 }, { type: "rsa", bits: 3072 }],
        ["PasswordAuthentication yes", "KbdInteractiveAuthentication no"],
      );
      return { urls: [`ssh://${HOST}:${d.port}`], stop: d.stop };
    },
  },
  "openssh-hardened": {
    description:
      "Debian OpenSSH sshd (openssh-server, bookworm) hardened: one Ed25519 host key served with an OpenSSH host certificate (type host, principals localhost and 127.0.0.1, valid 5 minutes before to 52 weeks after the recording) from an Ed25519 CA, PasswordAuthentication no, KbdInteractiveAuthentication no, MACs hmac-sha2-256-etm@openssh.com and hmac-sha2-512-etm@openssh.com only, UsePAM no, otherwise Debian's compiled-in defaults; default-mode audit",
    async start() {
      const d = await startSshd(
        [],
        ["PasswordAuthentication no", "KbdInteractiveAuthentication no", "MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"],
        {},
        [],
        (dir) => {
          const ca = keygen(dir, "ca_ed25519", "ed25519");
          const key = keygen(dir, "host_ed25519", "ed25519");
          execFileSync(SSH_KEYGEN!, ["-q", "-s", ca, "-I", "otaudit-real-bench", "-h", "-n", "localhost,127.0.0.1", "-V", "-5m:+52w", `${key}.pub`]);
          return [`HostKey ${key}`, `HostCertificate ${key}-cert.pub`];
        },
      );
      return { urls: [`ssh://${HOST}:${d.port}`], stop: d.stop };
    },
  },
  dropbear: {
    description:
      "Debian Dropbear (dropbear-bin, bookworm) with Ed25519, ECDSA P-256 and RSA 2048 host keys, compiled-in defaults (password and public-key login); default-mode audit",
    async start() {
      const d = await startDropbear([{ type: "ed25519" }, { type: "ecdsa", bits: 256 }, { type: "rsa", bits: 2048 }]);
      return { urls: [`ssh://${HOST}:${d.port}`], stop: d.stop };
    },
  },
  snmpd: {
    description:
      "Debian Net-SNMP snmpd (snmpd, bookworm): rocommunity public; SNMPv3 users opsuser (SHA-256/AES, authPriv required) and md5user (MD5/DES, authNoPriv allowed); audited with both users as bench credentials",
    async start(work) {
      const snmpd = findBinary("/usr/sbin/snmpd");
      if (!snmpd) throw new Error("needs /usr/sbin/snmpd (apt-get install snmpd)");
      const [opsAuth, opsPriv, md5Auth, md5Priv] = [secret(), secret(), secret(), secret()];
      const port = await freeUdpPort(HOST);
      const conf = [
        `rocommunity public ${HOST}`,
        `createUser opsuser SHA-256 ${opsAuth} AES ${opsPriv}`,
        `createUser md5user MD5 ${md5Auth} DES ${md5Priv}`,
        "rouser opsuser priv",
        "rouser md5user auth",
        "sysDescr Net-SNMP agent on the otaudit bench (real daemon)",
        "sysName real-snmpd",
        "sysLocation bench",
        "sysContact bench@example.invalid",
      ].join("\n");
      writeFileSync(join(work, "snmpd.conf"), conf + "\n");
      const logFile = join(work, "snmpd.log");
      writeFileSync(logFile, "");
      const d = spawnDaemon(snmpd, ["-f", "-Lf", logFile, "-C", "-c", join(work, "snmpd.conf"), "-p", join(work, "snmpd.pid"), `udp:${HOST}:${port}`], {
        env: { SNMP_PERSISTENT_DIR: join(work, "persist"), MIBS: "", MIBDIRS: join(work, "no-mibs") },
        logFile,
      });
      await waitFor(() => d.log().includes("NET-SNMP version") || undefined, 10_000);
      return {
        urls: [`snmp://${HOST}:${port}`],
        credentials: [
          { protocol: "snmp", username: "opsuser", authProtocol: "sha256", authKey: opsAuth, privProtocol: "aes", privKey: opsPriv },
          { protocol: "snmp", username: "md5user", authProtocol: "md5", authKey: md5Auth, privProtocol: "des", privKey: md5Priv },
        ] as CredentialEntry[],
        secrets: [opsAuth, opsPriv, md5Auth, md5Priv],
        stop: d.stop,
      };
    },
  },
  "nginx-weak": {
    description:
      "Debian nginx 1.22 (nginx-light, OpenSSL 3): HTTPS with TLS 1.0-1.2, static-RSA and CBC suites and 1024-bit DHE (@SECLEVEL=0), an expired self-signed SHA-1 RSA-1024 certificate without SAN (made with the openssl CLI); plain HTTP on another port with auth_basic over cleartext (throwaway htpasswd made with openssl passwd); default-mode audit of tls:// and https:// on the TLS port and http:// on the plain one",
    async start() {
      const password = secret();
      const n = await startNginx(
        2,
        (p, dir) =>
          `${WEAK_TLS(p[0]!, dir)}\n  server { listen ${HOST}:${p[1]}; root ${join(dir, "www")}; location / { auth_basic "RTU web"; auth_basic_user_file ${join(dir, "htpasswd")}; } }`,
        (dir) => {
          weakCertificate(dir);
          weakDhParams(dir);
          writeFileSync(join(dir, "htpasswd"), htpasswdLine("operator", password));
          mkdirSync(join(dir, "www"));
          writeFileSync(join(dir, "www", "index.html"), "<html><head><title>RTU</title></head><body>ok</body></html>");
        },
      );
      const [a, b] = n.ports;
      return { urls: [`tls://${HOST}:${a}`, `https://${HOST}:${a}`, `http://${HOST}:${b}`], secrets: [password], stop: n.stop };
    },
  },
  "nginx-modern": {
    description:
      "Debian nginx 1.22 (nginx-light, OpenSSL 3): HTTPS with TLS 1.2/1.3 only, ECDHE-ECDSA AEAD suites, X25519/P-256/P-384, a P-256 certificate from a throwaway CA naming IP 127.0.0.1 (openssl CLI), HSTS (one year, includeSubDomains), X-Frame-Options DENY and a CSP with frame-ancestors; plain HTTP on another port answering 301 to the HTTPS port; default-mode audit",
    async start() {
      const n = await startNginx(
        2,
        (p, dir) => `${MODERN_TLS(p[0]!, dir)}\n  server { listen ${HOST}:${p[1]}; location / { return 301 https://${HOST}:${p[0]}$request_uri; } }`,
        (dir) => void modernCertificate(dir),
      );
      const [a, b] = n.ports;
      return { urls: [`tls://${HOST}:${a}`, `https://${HOST}:${a}`, `http://${HOST}:${b}`], stop: n.stop };
    },
  },
  "snmpd-v3only": {
    description:
      "Debian Net-SNMP snmpd (snmpd, bookworm) without any community (SNMPv3 only): user opsuser (SHA-256/AES, authPriv required, read-only); authtrapenable 1 and one SNMPv3 authPriv trap session (trapsess -v 3, opsuser) to 127.0.0.1:162; audited with opsuser as bench credentials",
    async start(work) {
      const snmpd = findBinary("/usr/sbin/snmpd");
      if (!snmpd) throw new Error("needs /usr/sbin/snmpd (apt-get install snmpd)");
      const [opsAuth, opsPriv] = [secret(), secret()];
      const port = await freeUdpPort(HOST);
      const conf = [
        `createUser opsuser SHA-256 ${opsAuth} AES ${opsPriv}`,
        "rouser opsuser priv",
        "authtrapenable 1",
        `trapsess -v 3 -u opsuser -l authPriv -a SHA-256 -A ${opsAuth} -x AES -X ${opsPriv} ${HOST}:162`,
        "sysDescr Net-SNMP agent on the otaudit bench (real daemon, SNMPv3 only)",
        "sysName real-snmpd-v3only",
        "sysLocation bench",
        "sysContact bench@example.invalid",
      ].join("\n");
      writeFileSync(join(work, "snmpd.conf"), conf + "\n");
      const logFile = join(work, "snmpd.log");
      writeFileSync(logFile, "");
      const d = spawnDaemon(snmpd, ["-f", "-Lf", logFile, "-C", "-c", join(work, "snmpd.conf"), "-p", join(work, "snmpd.pid"), `udp:${HOST}:${port}`], {
        env: { SNMP_PERSISTENT_DIR: join(work, "persist"), MIBS: "", MIBDIRS: join(work, "no-mibs") },
        logFile,
      });
      await waitFor(() => d.log().includes("NET-SNMP version") || undefined, 10_000);
      return {
        urls: [`snmp://${HOST}:${port}`],
        credentials: [
          { protocol: "snmp", username: "opsuser", authProtocol: "sha256", authKey: opsAuth, privProtocol: "aes", privKey: opsPriv },
        ] as CredentialEntry[],
        secrets: [opsAuth, opsPriv],
        stop: d.stop,
      };
    },
  },
  pymodbus: {
    description:
      "Debian pymodbus 3.0.0rc1 (python3-pymodbus) Modbus/TCP server (test/modbus/pymodbus_server.py): unit 1 only, a full device identity, no Modbus/TCP Security; default-mode audit",
    async start() {
      const python = findBinary("/usr/bin/python3");
      if (!python) throw new Error("needs /usr/bin/python3 with python3-pymodbus");
      const script = fileURLToPath(new URL("../test/modbus/pymodbus_server.py", import.meta.url));
      const identity = {
        VendorName: "Pymodbus Interop GmbH",
        ProductCode: "PM-3000",
        MajorMinorRevision: "3.0.0rc1",
        VendorUrl: "https://pymodbus.invalid",
        ProductName: "Pymodbus Server",
        ModelName: "Interop Model",
        UserApplicationName: "otaudit bench",
      };
      const child = spawn(python, [script, "0", JSON.stringify(identity)], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
      const port = Number((await waitFor(() => /READY (\d+)/.exec(out)?.[1], 15_000)) as string);
      return {
        urls: [`modbus://${HOST}:${port}`],
        async stop() {
          const gone = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await gone;
        },
      };
    },
  },
  "node-opcua": {
    description:
      "node-opcua 2.182 server configured here (unlike our simulator profiles): SecurityPolicy None for discovery plus Basic256Sha256 and Aes128_Sha256_RsaOaep with Sign and SignAndEncrypt, anonymous allowed (read-only variables), one user account, Server.Auditing on, unknown client certificates rejected; default-mode audit",
    async start(work) {
      process.env.HOME = work; // nothing of node-opcua's may land in the real home
      process.env.XDG_CONFIG_HOME = join(work, ".config");
      const { OPCUAServer, OPCUACertificateManager, DataType, SecurityPolicy, MessageSecurityMode, setWarningLogger, setErrorLogger } = await import(
        "node-opcua"
      );
      setWarningLogger(() => undefined);
      setErrorLogger(() => undefined);
      const password = secret();
      const serverCertificateManager = new OPCUACertificateManager({
        rootFolder: join(work, "pki"),
        automaticallyAcceptUnknownCertificate: false,
        disableFileWatchers: true,
      });
      const userCertificateManager = new OPCUACertificateManager({
        rootFolder: join(work, "user-pki"),
        automaticallyAcceptUnknownCertificate: false,
        disableFileWatchers: true,
      });
      const server = new OPCUAServer({
        port: 0,
        host: HOST,
        hostname: HOST,
        serverCertificateManager,
        userCertificateManager,
        certificateFile: join(work, "pki", "own", "certs", "server_certificate.pem"),
        privateKeyFile: join(work, "pki", "own", "private", "private_key.pem"),
        securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep],
        securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: true,
        isAuditing: true,
        userManager: { isValidUser: (u: string, p: string) => u === "engineer" && p === password },
        buildInfo: { manufacturerName: "Real Bench Automation", productName: "node-opcua bench server", softwareVersion: "2.182.2", buildNumber: "bench" },
      } as never);
      await server.initialize();
      const as = server.engine.addressSpace!;
      const ns = as.getOwnNamespace();
      const line = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: "Line1" });
      ns.addVariable({
        componentOf: line,
        browseName: "Speed",
        nodeId: "s=Line1.Speed",
        dataType: "Double",
        accessLevel: "CurrentRead",
        userAccessLevel: "CurrentRead",
        value: { dataType: DataType.Double, value: 1.5 },
      });
      ns.addVariable({
        componentOf: line,
        browseName: "Count",
        nodeId: "s=Line1.Count",
        dataType: "UInt32",
        accessLevel: "CurrentRead",
        userAccessLevel: "CurrentRead",
        value: { dataType: DataType.UInt32, value: 42 },
      });
      await server.start();
      return {
        urls: [`opc.tcp://${HOST}:${server.endpoints[0]!.port}`],
        secrets: [password],
        async stop() {
          await server.shutdown(0);
          await serverCertificateManager.dispose();
          await userCertificateManager.dispose();
        },
      };
    },
  },
  ...CLEARTEXT_ERA_DAEMONS,
};
