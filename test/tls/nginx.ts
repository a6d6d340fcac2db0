// Test plumbing: Debian nginx (nginx-light) on loopback ports in a temp folder, configured by the
// test (`daemon off; master_process off;`, pid, logs and temp paths in the folder), and the
// certificates it serves, made with the openssl CLI (an independent implementation): a weak one
// (RSA 1024, SHA-1, expired, self-signed; `openssl ca -selfsign` with past dates) and a modern one
// (EC P-256 from a throwaway CA, SAN IP:127.0.0.1 and DNS:localhost). The access log records the
// method, the request line and the Authorization header, so tests prove from the device's side
// what a run sent. Shared by test/tls, test/http, scripts/bench/tls.ts and scripts/real-daemons.ts.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor } from "../helpers/daemons.js";

export const NGINX = findBinary("/usr/sbin/nginx");
export const OPENSSL = findBinary("/usr/bin/openssl");
export const NMAP = findBinary("/usr/bin/nmap");
export const NGINX_READY = !!NGINX && !!OPENSSL;
export const NGINX_REASON = "needs Debian nginx (nginx-light) and the openssl CLI (.ci/run installs them)";

const ossl = (cwd: string, args: string[]) => execFileSync(OPENSSL!, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });

/** RSA 1024, SHA-1, valid 2020-2021 (expired), self-signed, CN weak.plc, no SAN. */
export function weakCertificate(dir: string): { cert: string; key: string } {
  const ca = join(dir, "weak-ca");
  mkdirSync(ca, { recursive: true });
  writeFileSync(join(ca, "index.txt"), "");
  writeFileSync(join(ca, "serial"), "01\n");
  writeFileSync(
    join(ca, "ca.cnf"),
    "[ca]\ndefault_ca = d\n[d]\ndir = .\ndatabase = ./index.txt\nserial = ./serial\nnew_certs_dir = .\ndefault_md = sha1\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n",
  );
  ossl(ca, ["genrsa", "-out", "key.pem", "1024"]);
  ossl(ca, ["req", "-new", "-key", "key.pem", "-subj", "/CN=weak.plc", "-out", "req.csr"]);
  ossl(ca, [
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-selfsign",
    "-keyfile",
    "key.pem",
    "-in",
    "req.csr",
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20210101000000Z",
    "-out",
    "cert.pem",
  ]);
  return { cert: join(ca, "cert.pem"), key: join(ca, "key.pem") };
}

/** EC P-256 server certificate issued by a throwaway CA (SHA-256, 365 days, SAN IP:127.0.0.1, DNS:localhost); cert file = leaf + CA. */
export function modernCertificate(dir: string): { cert: string; key: string; caCert: string } {
  const d = join(dir, "modern-ca");
  mkdirSync(d, { recursive: true });
  ossl(d, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "60",
    "-subj",
    "/CN=otaudit test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  ossl(d, ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem", "-out", "req.csr", "-subj", "/CN=localhost"]);
  writeFileSync(
    join(d, "ext.cnf"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  ossl(d, [
    "x509",
    "-req",
    "-in",
    "req.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "365",
    "-sha256",
    "-extfile",
    "ext.cnf",
    "-out",
    "leaf.pem",
  ]);
  writeFileSync(join(d, "chain.pem"), readFileSync(join(d, "leaf.pem"), "utf8") + readFileSync(join(d, "ca.pem"), "utf8"));
  return { cert: join(d, "chain.pem"), key: join(d, "key.pem"), caCert: join(d, "ca.pem") };
}

/** RSA 2048 server certificate issued by a throwaway CA (SHA-256, 365 days, SAN IP:127.0.0.1); cert file = leaf + CA. */
export function rsaCertificate(dir: string): { cert: string; key: string } {
  const d = join(dir, "rsa-ca");
  mkdirSync(d, { recursive: true });
  ossl(d, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "400",
    "-subj",
    "/CN=otaudit test RSA CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  ossl(d, ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "req.csr", "-subj", "/CN=127.0.0.1"]);
  writeFileSync(
    join(d, "ext.cnf"),
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  ossl(d, [
    "x509",
    "-req",
    "-in",
    "req.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "365",
    "-sha256",
    "-extfile",
    "ext.cnf",
    "-out",
    "leaf.pem",
  ]);
  writeFileSync(join(d, "chain.pem"), readFileSync(join(d, "leaf.pem"), "utf8") + readFileSync(join(d, "ca.pem"), "utf8"));
  return { cert: join(d, "chain.pem"), key: join(d, "key.pem") };
}

/** 1024-bit DH parameters (DSA-style generation: fast) for a weak DHE configuration. */
export function weakDhParams(dir: string): string {
  const out = join(dir, "dh1024.pem");
  ossl(dir, ["dhparam", "-dsaparam", "-out", out, "1024"]);
  return out;
}

/** `user:{SHA512-crypt}` line for auth_basic_user_file, made with `openssl passwd -6`. */
export function htpasswdLine(user: string, password: string): string {
  const hash = execFileSync(OPENSSL!, ["passwd", "-6", "-stdin"], { input: password + "\n" })
    .toString()
    .trim();
  return `${user}:${hash}\n`;
}

export interface NginxServer {
  dir: string;
  ports: number[];
  /** access log lines: `method|request|status|authorization|user-agent` */
  accessLog(): string[];
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Start nginx with the given `server { }` blocks; `servers(ports, dir)` gets `count` free loopback
 * ports and the temp folder (for certificates made there by `prepare`).
 */
export async function startNginx(count: number, servers: (ports: number[], dir: string) => string, prepare?: (dir: string) => void): Promise<NginxServer> {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-nginx-"));
  prepare?.(dir);
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freeTcpPort());
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${join(dir, t)};`).join(" ");
  const conf = [
    "daemon off;",
    "master_process off;",
    `pid ${join(dir, "nginx.pid")};`,
    `error_log ${join(dir, "error.log")} info;`,
    "events { worker_connections 128; }",
    "http {",
    `  ${temp}`,
    "  log_format otaudit '$request_method|$request|$status|$http_authorization|$http_user_agent';",
    `  access_log ${join(dir, "access.log")} otaudit;`,
    "  server_tokens on;",
    "  default_type text/html;",
    servers(ports, dir),
    "}",
  ].join("\n");
  writeFileSync(join(dir, "nginx.conf"), conf + "\n");
  writeFileSync(join(dir, "access.log"), "");
  const d = spawnDaemon(NGINX!, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { dir });
  try {
    for (const p of ports)
      await waitFor(
        async () => (d.exited() ? Promise.reject(new Error(`nginx exited: ${readLog(join(dir, "error.log"))}${d.log()}`)) : tcpPortOpen(p)),
        10_000,
      );
  } catch (e) {
    await d.stop();
    throw e;
  }
  return {
    dir,
    ports,
    accessLog: () => readLog(join(dir, "access.log")).split("\n").filter(Boolean),
    errorLog: () => readLog(join(dir, "error.log")),
    stop: d.stop,
  };
}

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The weak TLS server of the interop tests: TLS 1.0-1.2, static-RSA and CBC suites, 1024-bit DHE, weak expired self-signed certificate. */
export const WEAK_TLS = (port: number, dir: string) => `  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${join(dir, "weak-ca", "cert.pem")};
    ssl_certificate_key ${join(dir, "weak-ca", "key.pem")};
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ssl_ciphers "AES128-SHA:AES256-SHA:DHE-RSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0";
    ssl_prefer_server_ciphers on;
    ssl_dhparam ${join(dir, "dh1024.pem")};
    location / { return 200 "<html><head><title>Weak PLC</title></head><body>ok</body></html>"; }
  }`;

/** The modern TLS server: TLS 1.2/1.3 only, ECDHE AEAD suites, CA-issued P-256 certificate, HSTS and security headers. */
export const MODERN_TLS = (port: number, dir: string) => `  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${join(dir, "modern-ca", "chain.pem")};
    ssl_certificate_key ${join(dir, "modern-ca", "key.pem")};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305";
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_prefer_server_ciphers on;
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    add_header X-Frame-Options "DENY" always;
    add_header X-Content-Type-Options "nosniff" always;
    add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
    location / { return 200 "<html><head><title>Modern HMI</title></head><body>ok</body></html>"; }
  }`;

/** Legacy suites behind a sound certificate (RSA 2048 from a CA): how each tool grades the suites themselves. */
export const LEGACY_SUITES_GOOD_CERT = (port: number, dir: string) => `  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${join(dir, "rsa-ca", "chain.pem")};
    ssl_certificate_key ${join(dir, "rsa-ca", "key.pem")};
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_ciphers "AES128-SHA:AES256-GCM-SHA384:DHE-RSA-AES128-SHA:DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:@SECLEVEL=0";
    ssl_ecdh_curve X25519:prime256v1:secp384r1:secp521r1;
    ssl_prefer_server_ciphers on;
    ssl_dhparam ${join(dir, "dh1024.pem")};
    location / { return 200 "<html><head><title>Mixed gateway</title></head><body>ok</body></html>"; }
  }`;
