// Interop: the http plugin (with the tls plugin on the HTTPS port) against Debian nginx: plain HTTP
// without a redirect, HTTP Basic auth over plain HTTP (auth_basic, htpasswd made with openssl
// passwd), and a hardened pair (plain HTTP answering 301 to HTTPS; HTTPS with TLS 1.2/1.3 only,
// HSTS, X-Frame-Options and CSP). Every weakness is a failing finding naming it; the hardened pair
// gives no failure. From nginx's access log: a default run sends GET requests only, with no
// Authorization header and no POST; an --intrusive run sends Basic credentials within the budget.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { audit } from "../tls/helpers.js";
import { htpasswdLine, MODERN_TLS, modernCertificate, NGINX_READY, NGINX_REASON, startNginx, type NginxServer } from "../tls/nginx.js";

const PLAIN = (p: number) =>
  `  server { listen 127.0.0.1:${p}; location / { return 200 "<html><head><title>Pump station HMI</title></head><body><p>Firmware version: 4.2.17</p></body></html>"; } }`;
// a static page: `return` would answer before the access phase and skip auth_basic
const BASIC = (p: number, dir: string) =>
  `  server { listen 127.0.0.1:${p}; root ${join(dir, "www")}; location / { auth_basic "PLC web"; auth_basic_user_file ${join(dir, "htpasswd")}; } }`;
const REDIRECT = (p: number, to: number) => `  server { listen 127.0.0.1:${p}; location / { return 301 https://127.0.0.1:${to}$request_uri; } }`;

describeWithDaemon("http plugin against Debian nginx", NGINX_READY, NGINX_REASON, () => {
  let nginx: NginxServer;
  let url: { plain: string; basic: string; redirect: string; https: string };
  beforeAll(async () => {
    nginx = await startNginx(
      4,
      (p, dir) => [PLAIN(p[0]!), BASIC(p[1]!, dir), REDIRECT(p[2]!, p[3]!), MODERN_TLS(p[3]!, dir)].join("\n"),
      (dir) => {
        modernCertificate(dir);
        writeFileSync(join(dir, "htpasswd"), htpasswdLine("admin", "admin"));
        mkdirSync(join(dir, "www"));
        writeFileSync(join(dir, "www", "index.html"), "<html><head><title>PLC</title></head><body>ok</body></html>");
      },
    );
    const [a, b, c, d] = nginx.ports;
    url = { plain: `http://127.0.0.1:${a}`, basic: `http://127.0.0.1:${b}`, redirect: `http://127.0.0.1:${c}`, https: `https://127.0.0.1:${d}` };
  }, 60_000);
  afterAll(() => nginx?.stop());

  it("plain HTTP without a redirect: fails cleartext and framing; no login seen on / is undetermined, never a pass; identity read", async () => {
    const r = await audit([url.plain]);
    expect(r.findings("http.cleartext.no-redirect")[0]).toMatchObject({ status: "fail" });
    expect(r.findings("http.cleartext.no-redirect")[0]!.message).toMatch(/Pump station HMI.*without a redirect to HTTPS/);
    expect(r.statuses("http.auth.cleartext")).toEqual(["undetermined"]);
    expect(r.statuses("http.ui.framing-allowed")).toEqual(["fail"]);
    const data = r.result.facts.http!.data as { services: { exchanges: { headers: { name: string; value: string }[]; hints: { value: string }[] }[] }[] };
    expect(data.services[0]!.exchanges[0]!.headers.find((h) => h.name === "Server")?.value).toMatch(/^nginx\/1\./);
    expect(data.services[0]!.exchanges[0]!.hints[0]!.value).toBe("4.2.17");
  });

  it("HTTP Basic over plain HTTP: a critical failure naming Basic and the realm", async () => {
    const r = await audit([url.basic]);
    const f = r.findings("http.auth.cleartext")[0]!;
    expect([f.status, f.severity]).toEqual(["fail", "critical"]);
    expect(f.message).toMatch(/HTTP Basic.*"PLC web"/);
  });

  it("the hardened pair (redirect to HTTPS; TLS 1.2/1.3, HSTS, framing headers): no failure in http or tls", async () => {
    const r = await audit([url.redirect, url.https, url.https.replace("https:", "tls:")]);
    const bad = r.result.findings.filter((f) => (f.protocol === "http" || f.protocol === "tls") && !["pass", "not_applicable", "skipped"].includes(f.status));
    expect(bad.map((f) => `${f.ruleId} ${f.status}: ${f.message}`)).toEqual([]);
    expect(r.statuses("http.cleartext.no-redirect")).toEqual(["pass"]);
    expect(r.statuses("http.hsts.missing")).toEqual(["pass"]);
  });

  it("device side (nginx access log): a default run sent GET requests only, no Authorization header, no POST", async () => {
    await audit([url.plain, url.basic, url.redirect, url.https]);
    const lines = nginx.accessLog();
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      const [method, , , authorization, agent] = l.split("|");
      expect(method).toBe("GET");
      expect(authorization).toBe("-");
      expect(agent).toMatch(/^otaudit/);
    }
  });

  it("--intrusive: the default admin/admin is tried as Basic credentials within the budget and found", async () => {
    const before = nginx.accessLog().length;
    const r = await audit([url.basic], { intrusive: true, options: { "login.delayMs": "0" } });
    const f = r.findings("http.credentials.default")[0]!;
    expect(f.status).toBe("fail");
    expect(f.message).toMatch(/'admin'.*siemens-scalance-admin/);
    const sent = nginx
      .accessLog()
      .slice(before)
      .filter((l) => l.split("|")[3] !== "-");
    expect(sent.length).toBe(1);
    expect(sent[0]!.split("|")[3]).toMatch(/^Basic /);
    // the password never reaches facts or findings
    expect(JSON.stringify(r.result)).not.toMatch(/YWRtaW46YWRtaW4=|"password"/);
  });
});
