// `scan HOST` and sweeps audit web and TLS services on their default ports: ports 80, 443, 8080 and
// 8443 are plugin ports now (tls: 443, 8443, 4843, 6514; http: 80, 8080, 443, 8443), so they leave
// the surface list and the surface rule no longer reports them as unaudited; port 80/8080 stay
// marked cleartext in discovery (the http plugin declares the scheme cleartext). End to end, as
// root: nginx on 80 and 443 of a loopback address of its own, `otaudit scan ADDRESS` audits both
// with the tls and http plugins, and no surface finding names those ports.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS, SURFACE_PORTS } from "../../probes/registry.js";
import { discoveryPlan } from "../../src/engine/discovery.js";
import { surfacePorts } from "../../src/engine/surface.js";
import type { ResultDocument } from "../../src/model/result.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { describeWithDaemon, tcpPortOpen, waitFor } from "../helpers/daemons.js";
import { MODERN_TLS, modernCertificate, NGINX_READY, startNginx, type NginxServer } from "../tls/nginx.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");

describe("default ports of the tls and http plugins and the surface list", () => {
  it("80, 443, 8080 and 8443 left the surface list; discovery marks 80 and 8080 cleartext, owned by http", () => {
    const ports = surfacePorts(PLUGINS, {}).map((p) => p.port);
    for (const p of [80, 443, 8080, 8443]) {
      expect(SURFACE_PORTS.some((s) => s.port === p) || p === 8443).toBe(true);
      expect(ports).not.toContain(p);
    }
    const plan = discoveryPlan(PLUGINS, surfacePorts(PLUGINS, {}));
    expect(plan.tcp.find((t) => t.port === 80)).toMatchObject({ plugin: "http", cleartext: true });
    expect(plan.tcp.find((t) => t.port === 8080)).toMatchObject({ plugin: "http", cleartext: true });
    expect(plan.tcp.find((t) => t.port === 443)).toMatchObject({ cleartext: false });
    expect(plan.tcp.find((t) => t.port === 8883)).toBeDefined(); // MQTT over TLS stays a surface port (the mqtt plugin's)
  });
});

// 127.77.0.0/16 is loopback on Linux; this address is this test's own, so ports 80/443 are free there
const ADDRESS = "127.77.243.80";
const root = process.getuid?.() === 0;

describeWithDaemon("scan HOST audits nginx on 80 and 443", NGINX_READY && root, "needs nginx, openssl and root (ports 80 and 443)", () => {
  let nginx: NginxServer;
  let doc: ResultDocument;
  beforeAll(async () => {
    nginx = await startNginx(
      0,
      (_p, dir) =>
        `  server { listen ${ADDRESS}:80; location / { return 200 "<html><title>HMI</title></html>"; } }\n${MODERN_TLS(443, dir).replace("127.0.0.1:443", `${ADDRESS}:443`)}`,
      (dir) => void modernCertificate(dir),
    );
    await waitFor(async () => (await tcpPortOpen(80, ADDRESS)) && tcpPortOpen(443, ADDRESS), 10_000);
    const r = spawnSync(process.execPath, [BIN, "scan", ADDRESS, "--protocols", "tls,http", "--timeout", "3000", "--json", "-", "-q"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    doc = JSON.parse(r.stdout) as ResultDocument;
  }, 150_000);
  afterAll(() => nginx?.stop());

  it("the tls plugin audits 443, the http plugin 80 and 443; no surface finding names 80 or 443", () => {
    const d = doc.devices[0]!;
    expect(d.findings.filter((f) => f.protocol === "tls").map((f) => f.port)).toContain(443);
    const http = new Set(d.findings.filter((f) => f.protocol === "http").map((f) => f.port));
    expect([...http].sort()).toEqual([443, 80]);
    expect(d.findings.find((f) => f.ruleId === "http.cleartext.no-redirect" && f.port === 80)?.status).toBe("fail");
    expect(d.findings.filter((f) => f.ruleId.startsWith("surface.") && (f.port === 80 || f.port === 443))).toEqual([]);
  });
});
