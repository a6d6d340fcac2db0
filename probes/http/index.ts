// The http plugin: device web UIs over HTTP and HTTPS: cleartext without a redirect to HTTPS,
// logins (password forms, Basic, Digest) over cleartext, HSTS on HTTPS, framing protection, identity
// (Server header, title, firmware hints) for advisories, and --intrusive default credentials. The
// TLS of an HTTPS port is graded by the tls plugin (same default ports 443 and 8443).
// Light module: zod, rules and data only; the probe and the simulator load lazily.
import { definePlugin } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { HttpFacts } from "./facts.js";
import { identifyHttp } from "./identify.js";
import { HttpSimProfile, profileFromFacts } from "./profile.js";
import { HTTP_RULES } from "./rules.js";
import { httpSignals } from "./signals.js";

export default definePlugin<HttpFacts>({
  id: "http",
  title: "HTTP web UI",
  schemes: ["http", "https"],
  transport: "tcp",
  defaultPorts: [
    { scheme: "http", port: 80 },
    { scheme: "http", port: 8080 },
    { scheme: "https", port: 443 },
    { scheme: "https", port: 8443 },
  ],
  version: "1.0.0",
  factsSchema: HttpFacts,
  checks: Object.values(CHECKS),
  rules: HTTP_RULES,
  discovery: { cleartextSchemes: ["http"] },
  signals: (facts) => httpSignals(facts),
  identify: (facts) => identifyHttp(facts),
  async probe(ctx) {
    const { probeHttp } = await import("./probe.js");
    return probeHttp(ctx);
  },
  simulator: {
    profileSchema: HttpSimProfile,
    async start(profile, opts) {
      const { startHttpSimulator } = await import("./simulator.js");
      return startHttpSimulator(profile as HttpSimProfile, opts);
    },
  },
  profileFromFacts,
});
