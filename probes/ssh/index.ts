// The SSH plugin: algorithm audit from the server's own KEXINIT, host keys, auth methods, MFA with
// bench credentials, default credentials (--intrusive). Light module: zod, rules and data only;
// the probe (ssh2, sockets) and the simulator load lazily.
import { definePlugin } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { SshFacts } from "./facts.js";
import { profileFromFacts, SshSimProfile } from "./profile.js";
import { SSH_RULES } from "./rules.js";

export default definePlugin<SshFacts>({
  id: "ssh",
  title: "SSH",
  schemes: ["ssh"],
  transport: "tcp",
  defaultPorts: [{ scheme: "ssh", port: 22 }],
  version: "1.0.0",
  factsSchema: SshFacts,
  checks: Object.values(CHECKS),
  rules: SSH_RULES,
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
});
