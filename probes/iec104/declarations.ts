// What the IEC 60870-5-104 plugin declares to the core (plugin contract v2): its checks with safety
// classes and the cleartext scheme (IEC 104 on 2404 has no security of its own; IEC 62351-3 adds TLS
// on 19998).
import type { CheckDecl, PluginDiscoveryDecl } from "../../src/plugin.js";

export const IEC104_CHECKS = {
  testfr: {
    id: "iec104.testfr",
    safety: "passive",
    description:
      "TESTFR act (U-format keep-alive, IEC 60870-5-104 §5.3) on tcp/2404, expecting TESTFR con; never STARTDT, STOPDT, a general interrogation or any command",
  },
  tls: {
    id: "iec104.tls",
    safety: "passive",
    description:
      "one TLS handshake on tcp/19998 (IEC 62351-3) without a client certificate: version, suite, certificate, CertificateRequest; if a session is set up, one TESTFR act inside it",
  },
} as const satisfies Record<string, CheckDecl>;

export const IEC104_DISCOVERY: PluginDiscoveryDecl = { cleartextSchemes: ["iec104"] };
