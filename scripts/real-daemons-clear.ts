// The real Telnet, FTP, VNC and MQTT servers scripts/real-fixtures.ts records (fixtures/real/<name>/),
// each in a weak and a hardened configuration, started with the interop tests' own starters
// (test/telnet/telnetd.ts, test/ftp/vsftpd.ts, test/vnc/xvnc.ts; Mosquitto with the same spawnDaemon
// as test/mqtt/mosquitto.ts but a configuration of its own). Certificates and passwords are throwaway
// ones made in the recording's temp folder; intrusive recordings try only the default-credential
// lists' factory accounts, against servers whose accounts were made for the recording or do not exist.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor } from "../test/helpers/daemons.js";
import { startTelnetd } from "../test/telnet/telnetd.js";
import { startVsftpd } from "../test/ftp/vsftpd.js";
import { startXvnc, vncPasswordFile } from "../test/vnc/xvnc.js";
import type { RealDaemon } from "./real-daemons.js";

const HOST = "127.0.0.1";
const OPENSSL = () => findBinary("/usr/bin/openssl") ?? fail("needs /usr/bin/openssl");
const fail = (why: string): never => {
  throw new Error(why);
};

/** A self-signed certificate (10 years, so a replay does not expire it; SAN IP 127.0.0.1): `rsa:3072` or `ec` (P-256). */
function certificate(dir: string, kind: "rsa:3072" | "ec", cn: string): { cert: string; key: string } {
  const [cert, key] = [join(dir, `${cn}.pem`), join(dir, `${cn}.key`)];
  const alg = kind === "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", "rsa:3072"];
  execFileSync(
    OPENSSL(),
    [
      "req",
      "-x509",
      ...alg,
      "-sha256",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "3650",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

/** Mosquitto 2 in the foreground with `conf` (listeners on loopback); root keeps root so it can read the temp folder. */
async function startMosquitto(work: string, conf: string[], ports: number[]): Promise<{ stop(): Promise<void> }> {
  const mosquitto = findBinary("/usr/sbin/mosquitto") ?? fail("needs /usr/sbin/mosquitto (apt-get install mosquitto)");
  const log = join(work, "mosquitto.log");
  const lines = [
    ...(process.getuid?.() === 0 ? ["user root"] : []),
    "per_listener_settings true",
    `log_dest file ${log}`,
    "log_type all",
    "connection_messages true",
    ...conf,
  ];
  writeFileSync(join(work, "mosquitto.conf"), lines.join("\n") + "\n");
  const d = spawnDaemon(mosquitto, ["-c", join(work, "mosquitto.conf")], { logFile: log });
  await waitFor(async () => {
    if (d.exited()) throw new Error(`mosquitto exited: ${d.log().slice(-400)}`);
    for (const p of ports) if (!(await tcpPortOpen(p))) return undefined;
    return true;
  }, 10_000);
  return d;
}

export const CLEARTEXT_ERA_DAEMONS: Record<string, RealDaemon> = {
  telnetd: {
    description:
      "Debian inetutils telnetd 2.4 (inetutils-telnetd, bookworm) with the system's /bin/login, started per connection (inetd style) without options; default-mode audit",
    async start() {
      const t = await startTelnetd();
      return { urls: [`telnet://${HOST}:${t.port}`], stop: t.stop };
    },
  },
  "telnetd-intrusive": {
    description:
      "Debian inetutils telnetd 2.4 (inetutils-telnetd, bookworm) with --no-hostinfo and the system's /bin/login (no account of the default-credential list exists on the bench, root is locked); INTRUSIVE audit: the default-credential check typed its budget of 3 factory accounts at login(1)",
    intrusive: true,
    async start() {
      const t = await startTelnetd(["--no-hostinfo"]);
      return { urls: [`telnet://${HOST}:${t.port}`], stop: t.stop };
    },
  },
  "vsftpd-anonymous": {
    description:
      "Debian vsftpd 3.0.3 (vsftpd, bookworm): anonymous_enable=YES (read-only anonymous root), local_enable=YES with PAM, ssl_enable=NO; default-mode audit",
    async start() {
      const v = await startVsftpd({ anonymous_enable: "YES", local_enable: "YES", ssl_enable: "NO" });
      return { urls: [`ftp://${HOST}:${v.port}`], stop: v.stop };
    },
  },
  "vsftpd-tls": {
    description:
      "Debian vsftpd 3.0.3 (vsftpd, bookworm) hardened: anonymous_enable=NO, local_enable=YES with PAM, ssl_enable=YES with force_local_logins_ssl=YES and force_local_data_ssl=YES, ssl_tlsv1=NO, ssl_sslv2=NO, ssl_sslv3=NO, a self-signed RSA 3072 certificate (openssl CLI); INTRUSIVE audit: the default-credential check tried its budget of 3 factory accounts after AUTH TLS (none exists on the bench)",
    intrusive: true,
    async start(work) {
      const c = certificate(work, "rsa:3072", "otaudit-real-vsftpd");
      const v = await startVsftpd({
        anonymous_enable: "NO",
        local_enable: "YES",
        ssl_enable: "YES",
        force_local_logins_ssl: "YES",
        force_local_data_ssl: "YES",
        ssl_tlsv1: "NO",
        ssl_sslv2: "NO",
        ssl_sslv3: "NO",
        rsa_cert_file: c.cert,
        rsa_private_key_file: c.key,
      });
      return { urls: [`ftp://${HOST}:${v.port}`], stop: v.stop };
    },
  },
  "xvnc-none": {
    description:
      "TigerVNC 1.12 Xtigervnc (tigervnc-standalone-server, bookworm) with -SecurityTypes None, 64x64 virtual display, loopback only; default-mode audit",
    async start(work) {
      const x = await startXvnc(work, ["-SecurityTypes", "None"]);
      return { urls: [`vnc://${HOST}:${x.port}`], stop: x.daemon.stop };
    },
  },
  "xvnc-vncauth": {
    description:
      "TigerVNC 1.12 Xtigervnc (tigervnc-standalone-server, bookworm) with -SecurityTypes VncAuth and a throwaway 8-character password file, 64x64 virtual display, loopback only; default-mode audit",
    async start(work) {
      const password = randomBytes(6).toString("base64");
      vncPasswordFile(join(work, "passwd"), password);
      const x = await startXvnc(work, ["-SecurityTypes", "VncAuth", "-PasswordFile", join(work, "passwd")]);
      return { urls: [`vnc://${HOST}:${x.port}`], secrets: [password], stop: x.daemon.stop };
    },
  },
  "xvnc-x509plain": {
    description:
      "TigerVNC 1.12 Xtigervnc (tigervnc-standalone-server, bookworm) with -SecurityTypes X509Plain (VeNCrypt: TLS with a self-signed P-256 certificate, then a PAM user name and password), 64x64 virtual display, loopback only; default-mode audit",
    async start(work) {
      const c = certificate(work, "ec", "otaudit-real-xvnc");
      const x = await startXvnc(work, ["-SecurityTypes", "X509Plain", "-X509Cert", c.cert, "-X509Key", c.key]);
      return { urls: [`vnc://${HOST}:${x.port}`], stop: x.daemon.stop };
    },
  },
  "mosquitto-anonymous": {
    description:
      "Debian Mosquitto 2.0.11 (mosquitto, bookworm): one plain-TCP listener with allow_anonymous true (per_listener_settings true), no TLS; default-mode audit",
    async start(work) {
      const port = await freeTcpPort();
      const d = await startMosquitto(work, [`listener ${port} ${HOST}`, "allow_anonymous true"], [port]);
      return { urls: [`mqtt://${HOST}:${port}`], stop: d.stop };
    },
  },
  "mosquitto-tls": {
    description:
      "Debian Mosquitto 2.0.11 (mosquitto, bookworm): one TLS listener only (tls_version tlsv1.2, a self-signed P-256 certificate made with openssl), allow_anonymous false, a password_file with one throwaway account (mosquitto_passwd); INTRUSIVE audit: the default-credential check tried its budget of 3 factory accounts over TLS (none is in the password file)",
    intrusive: true,
    async start(work) {
      const passwd = findBinary("/usr/bin/mosquitto_passwd") ?? fail("needs /usr/bin/mosquitto_passwd");
      const password = `throwaway-${randomBytes(9).toString("hex")}`;
      execFileSync(passwd, ["-c", "-b", join(work, "passwd"), "bench-operator", password]);
      const c = certificate(work, "ec", "otaudit-real-mosquitto");
      const port = await freeTcpPort();
      const d = await startMosquitto(
        work,
        [
          `listener ${port} ${HOST}`,
          "allow_anonymous false",
          `password_file ${join(work, "passwd")}`,
          `certfile ${c.cert}`,
          `keyfile ${c.key}`,
          "tls_version tlsv1.2",
        ],
        [port],
      );
      return { urls: [`mqtts://${HOST}:${port}`], secrets: [password], stop: d.stop };
    },
  },
};
