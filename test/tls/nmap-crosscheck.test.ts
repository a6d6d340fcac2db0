// Cross-check of the tls plugin's findings against nmap's ssl-enum-ciphers (an independent scanner)
// on the same Debian nginx servers: weak (expired SHA-1 RSA-1024 certificate, TLS 1.0-1.2, static
// RSA, DHE 1024), modern (TLS 1.2/1.3, ECDHE-ECDSA AEAD), and legacy suites behind a sound RSA 2048
// certificate (nmap's uncapped grades). Versions and suites per version must agree exactly; every
// grade disagreement must be one of the explained ones (test/tls/nmap-crosscheck.ts `explain`,
// README "Parity: TLS"), so a new disagreement fails here.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import type { TlsService } from "../../probes/tls/facts.js";
import tlsPlugin from "../../probes/tls/index.js";
import { audit } from "./helpers.js";
import { compare, explain, runNmap } from "./nmap-crosscheck.js";
import {
  LEGACY_SUITES_GOOD_CERT,
  MODERN_TLS,
  modernCertificate,
  NGINX_READY,
  NMAP,
  rsaCertificate,
  startNginx,
  WEAK_TLS,
  weakCertificate,
  weakDhParams,
  type NginxServer,
} from "./nginx.js";

const CONFIGS = ["weak", "modern", "legacy suites, sound certificate"];

describeWithDaemon(
  "tls plugin vs nmap ssl-enum-ciphers on the same nginx servers",
  NGINX_READY && !!NMAP,
  "needs nginx, openssl and nmap (.ci/run installs them)",
  () => {
    let nginx: NginxServer;
    const results: { config: string; svc: TlsService; nmap: ReturnType<typeof runNmap> }[] = [];
    beforeAll(async () => {
      nginx = await startNginx(
        3,
        (p, dir) => [WEAK_TLS(p[0]!, dir), MODERN_TLS(p[1]!, dir), LEGACY_SUITES_GOOD_CERT(p[2]!, dir)].join("\n"),
        (dir) => {
          weakCertificate(dir);
          modernCertificate(dir);
          rsaCertificate(dir);
          weakDhParams(dir);
        },
      );
      for (const [i, config] of CONFIGS.entries()) {
        const port = nginx.ports[i]!;
        const r = await audit([`tls://127.0.0.1:${port}`], { plugins: [tlsPlugin], timeoutMs: 5000 });
        results.push({ config, svc: (r.result.facts.tls!.data as { services: TlsService[] }).services[0]!, nmap: runNmap(port) });
      }
    }, 120_000);
    afterAll(() => nginx?.stop());

    it("both tools see the same versions and the same suites per version", () => {
      for (const r of results) {
        const c = compare(r.svc, r.nmap);
        expect({ config: r.config, ...c, gradeDisagreements: undefined }).toEqual({
          config: r.config,
          versionsOnlyUs: [],
          versionsOnlyNmap: [],
          suitesOnlyUs: [],
          suitesOnlyNmap: [],
          gradeDisagreements: undefined,
        });
      }
    });

    it("every grade disagreement is an explained one", () => {
      const unexplained = results.flatMap((r) =>
        compare(r.svc, r.nmap)
          .gradeDisagreements.filter((d) => !explain(d, r.nmap.warnings ?? []))
          .map((d) => `${r.config}: ${d.version} ${d.suite} nmap ${d.nmap} vs otaudit ${d.otaudit}`),
      );
      expect(unexplained).toEqual([]);
      // the explained kinds do occur (the comparison is not vacuous)
      const all = results.flatMap((r) => compare(r.svc, r.nmap).gradeDisagreements.map((d) => explain(d, r.nmap.warnings ?? [])!));
      expect(all.some((w) => w.startsWith("static RSA"))).toBe(true);
      expect(all.some((w) => w.startsWith("nmap caps"))).toBe(true);
    });
  },
);
