// SSH rules: pure functions over SshFacts -> outcomes (no I/O), one outcome per SSH service (port)
// of the device, or per host key. Algorithms: rules-algorithms.ts; host keys and certificates:
// rules-hostkeys.ts; authentication: rules-auth.ts; shared judgement and hints: rules-common.ts.
import type { Rule } from "../../src/plugin.js";
import type { SshFacts } from "./facts.js";
import { cipherRule, compressionRule, gexModulusRule, hostKeyAlgorithmRule, kexRule, macRule, protocolVersionRule, terrapinRule } from "./rules-algorithms.js";
import { hostCertificateRule, hostKeySizeRule } from "./rules-hostkeys.js";
import { defaultCredentialsRule, emptyPasswordRule, mfaRule, singleFactorRule } from "./rules-auth.js";

export { cipherRule, compressionRule, gexModulusRule, hostKeyAlgorithmRule, kexRule, macRule, protocolVersionRule, terrapinRule } from "./rules-algorithms.js";
export { hostCertificateRule, hostKeySizeRule } from "./rules-hostkeys.js";
export { defaultCredentialsRule, emptyPasswordRule, mfaRule, singleFactorRule } from "./rules-auth.js";
export { MIN_GEX_BITS } from "./rules-algorithms.js";

/** NIST SP 800-131A Rev. 2 / SP 800-57 Part 1: RSA keys below 2048 bits are disallowed (shared key-strength table). */
export { MIN_RSA_BITS } from "../../src/knowledge/key-strength.js";

export const SSH_RULES: Rule<SshFacts>[] = [
  protocolVersionRule,
  kexRule,
  gexModulusRule,
  hostKeyAlgorithmRule,
  hostKeySizeRule,
  hostCertificateRule,
  cipherRule,
  macRule,
  terrapinRule,
  compressionRule,
  singleFactorRule,
  emptyPasswordRule,
  mfaRule,
  defaultCredentialsRule,
];
