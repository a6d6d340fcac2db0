// The SSH plugin: algorithm audit from the server's own KEXINIT, host keys, auth methods, MFA with
// bench credentials, default credentials (--intrusive). Light module: zod, rules and data only;
// the probe (ssh2, sockets) and the simulator load lazily.
import { definePlugin } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { SshFacts } from "./facts.js";
import { profileFromFacts, SshSimProfile } from "./profile.js";
import { SSH_RULES } from "./rules.js";
import { distributionBuild } from "../../src/advisories/identify.js";
import { SSH_CREDENTIALS } from "./declarations.js";
import { sshSignals } from "./signals.js";
import { SSH_POLICY_SETS, sshPolicyFacts } from "./policy.js";

export default definePlugin<SshFacts>({
  id: "ssh",
  title: "SSH",
  schemes: ["ssh"],
  transport: "tcp",
  defaultPorts: [{ scheme: "ssh", port: 22 }],
  version: "2.0.0",
  factsSchema: SshFacts,
  checks: Object.values(CHECKS),
  rules: SSH_RULES,
  // plugin contract v2 (declarations.ts, signals.ts)
  credentials: SSH_CREDENTIALS,
  signals: (facts) => sshSignals(facts),
  // policies (src/policy): what the server offers, as named sets (policy.ts)
  policySets: SSH_POLICY_SETS,
  policyFacts: sshPolicyFacts,
  async probe(ctx) {
    const { probeSsh } = await import("./probe.js");
    return probeSsh(ctx);
  },
  simulator: {
    profileSchema: SshSimProfile,
    async start(profile, opts) {
      const { startSshSimulator } = await import("./simulator.js");
      return startSshSimulator(profile as SshSimProfile, opts);
    },
  },
  profileFromFacts,
  // software and version from the identification string (RFC 4253 §4.2); a distribution build in
  // the comments ("Debian-2+deb12u3") is kept: backported fixes keep the upstream version
  identify: (facts) =>
    facts.services.flatMap((s) =>
      s.banner
        ? [
            {
              ...(s.banner.product ? { product: s.banner.product } : { text: s.banner.software }),
              version: s.banner.productVersion,
              distribution: distributionBuild(s.banner.comments),
              source: "ssh banner",
              raw: s.banner.raw,
              port: s.port,
            },
          ]
        : [],
    ),
});
