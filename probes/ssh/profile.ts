// The SSH simulator's profile (the `ssh:` section of fixtures/profiles/*.yaml) as a zod schema, and
// profileFromFacts(): turns recorded SSH facts back into a profile so a recording of a real server
// can be replayed by the simulator and yield the same SSH findings. Light module (no ssh2).
import { z } from "zod";
import type { SshFacts } from "./facts.js";
import { STRICT_KEX_SERVER } from "./kexinit.js";

/** Modulus sizes of the MODP groups the simulator can serve for DH group exchange. */
export const MODP_SIZES = [1024, 1536, 2048, 3072, 4096, 6144, 8192] as const;

/** Key types the simulator can generate, and the host-key algorithms each one serves. */
export const KEY_TYPE_ALGORITHMS = {
  rsa: ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
  dsa: ["ssh-dss"],
  "ecdsa-p256": ["ecdsa-sha2-nistp256"],
  "ecdsa-p384": ["ecdsa-sha2-nistp384"],
  "ecdsa-p521": ["ecdsa-sha2-nistp521"],
  ed25519: ["ssh-ed25519"],
} as const;
export type SimKeyType = keyof typeof KEY_TYPE_ALGORITHMS;
const SIM_KEY_TYPES = Object.keys(KEY_TYPE_ALGORITHMS) as [SimKeyType, ...SimKeyType[]];

export function keyTypeForAlgorithm(alg: string): SimKeyType | undefined {
  return SIM_KEY_TYPES.find((t) => (KEY_TYPE_ALGORITHMS[t] as readonly string[]).includes(alg));
}

const AlgorithmName = z.string().regex(/^[\x21-\x2b\x2d-\x7e]{1,64}$/, "an SSH algorithm name (RFC 4251 §6)");
const AuthMethod = z.enum(["none", "password", "publickey", "keyboard-interactive"]);

export const SshSimAccount = z
  .object({
    username: z.string().min(1),
    password: z.string().optional(),
    /** OpenSSH public key line ("ssh-ed25519 AAAA... comment") accepted for this account */
    publicKey: z.string().optional(),
    /** static code accepted by a keyboard-interactive step that follows another factor (simulated OTP) */
    otp: z.string().optional(),
  })
  .strict();

export const SshSimProfile = z
  .object({
    /** softwareversion of the identification string: "SSH-2.0-<software> <comments>" */
    software: z
      .string()
      .regex(/^[\x21-\x2c\x2e-\x7e][\x21-\x7e]*$/, "printable, no spaces")
      .default("OpenSSH_9.6"),
    comments: z.string().optional(),
    /** text lines sent before the identification string (RFC 4253 §4.2) */
    preBanner: z.array(z.string()).optional(),
    algorithms: z
      .object({
        kex: z.array(AlgorithmName).min(1),
        hostKey: z.array(AlgorithmName).min(1),
        cipher: z.array(AlgorithmName).min(1),
        mac: z.array(AlgorithmName).min(1),
        compression: z.array(AlgorithmName).min(1).default(["none"]),
      })
      .strict(),
    /** advertise kex-strict-s-v00@openssh.com (the Terrapin countermeasure) */
    strictKex: z.boolean().default(true),
    /**
     * DH group exchange (RFC 4419): the modulus size answered per request (min/n/max as the probe
     * sends them; the nearest n for others); null = refuse. Sizes of the RFC 2409/3526 MODP groups
     * only (1024, 1536, 2048, 3072, 4096, 6144, 8192). Absent: every request is refused.
     */
    groupExchange: z
      .array(
        z
          .object({
            min: z.number().int(),
            n: z.number().int(),
            max: z.number().int(),
            bits: z.union([z.literal(1024), z.literal(1536), z.literal(2048), z.literal(3072), z.literal(4096), z.literal(6144), z.literal(8192)]).nullable(),
          })
          .strict(),
      )
      .optional(),
    hostKeys: z.array(z.object({ type: z.enum(SIM_KEY_TYPES), bits: z.number().int().positive().optional() }).strict()).min(1),
    auth: z
      .object({
        /** like OpenSSH AuthenticationMethods: any one chain completes a login ("publickey,password" = two factors) */
        chains: z.array(z.array(AuthMethod).min(1)).min(1),
        accounts: z.array(SshSimAccount).default([]),
      })
      .strict(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const types = new Set(p.hostKeys.map((k) => k.type));
    p.algorithms.hostKey.forEach((alg, i) => {
      const t = keyTypeForAlgorithm(alg);
      if (t && !types.has(t)) ctx.addIssue({ code: "custom", path: ["algorithms", "hostKey", i], message: `${alg} offered but no ${t} host key configured` });
    });
    p.hostKeys.forEach((k, i) => {
      if (k.type === "rsa" && (k.bits ?? 2048) < 768)
        ctx.addIssue({ code: "custom", path: ["hostKeys", i, "bits"], message: "RSA keys below 768 bits cannot be generated" });
      if (k.type === "dsa" && k.bits !== undefined && k.bits !== 1024)
        ctx.addIssue({ code: "custom", path: ["hostKeys", i, "bits"], message: "DSA host keys are 1024 bits (FIPS 186-2, SSH ssh-dss)" });
    });
  });
export type SshSimProfile = z.output<typeof SshSimProfile>;

const KEY_TYPE_FROM_FACT: Record<string, SimKeyType> = {
  "ssh-rsa": "rsa",
  "ssh-dss": "dsa",
  "ecdsa-sha2-nistp256": "ecdsa-p256",
  "ecdsa-sha2-nistp384": "ecdsa-p384",
  "ecdsa-sha2-nistp521": "ecdsa-p521",
  "ssh-ed25519": "ed25519",
};

/**
 * A simulator profile reproducing the first audited service of recorded facts: identification,
 * offered algorithms (server order), host key types and sizes, and the auth methods offered. No
 * secret is recorded, so the profile has no accounts: credentialed results are not replayed.
 */
export function profileFromFacts(facts: SshFacts): z.input<typeof SshSimProfile> {
  const s = facts.services.find((x) => !x.error && x.algorithms && x.banner);
  if (!s?.algorithms || !s.banner) throw new Error("no audited SSH-2 service in these facts");
  const a = s.algorithms;
  const hostKeys = s.hostKeys.flatMap((k) => {
    const type = KEY_TYPE_FROM_FACT[k.keyType];
    if (!type || k.status !== "collected") return [];
    return [type === "dsa" || type === "ed25519" || type.startsWith("ecdsa") ? { type } : { type, bits: k.bits }];
  });
  const haveTypes = new Set(hostKeys.map((k) => k.type));
  // offered algorithms whose key we could not read (and could not regenerate) are left out
  const hostKey = a.hostKey.filter((alg) => {
    const t = keyTypeForAlgorithm(alg);
    return t === undefined || haveTypes.has(t);
  });
  const methods = (s.auth?.methods ?? ["publickey"]).filter(isMethod);
  const chains = chainsFromFacts(s.credentialed?.steps, methods);
  const profile: z.input<typeof SshSimProfile> = {
    software: s.banner.software,
    algorithms: {
      kex: a.kex.filter((k) => k !== STRICT_KEX_SERVER),
      hostKey,
      cipher: a.cipherServerToClient,
      mac: a.macServerToClient,
      compression: a.compressionServerToClient,
    },
    strictKex: a.strictKex,
    hostKeys,
    ...(s.groupExchange
      ? {
          groupExchange: s.groupExchange.requests.map((r) => ({
            min: r.min,
            n: r.n,
            max: r.max,
            bits: MODP_SIZES.includes(r.bits as never) ? (r.bits as (typeof MODP_SIZES)[number]) : null,
          })),
        }
      : {}),
    auth: { chains, accounts: [] },
  };
  if (s.banner.comments) profile.comments = s.banner.comments;
  if (s.banner.preBannerLines.length) profile.preBanner = s.banner.preBannerLines;
  return profile;
}

type Method = z.infer<typeof AuthMethod>;
const isMethod = (m: string): m is Method => AuthMethod.options.includes(m as Method);

function chainsFromFacts(steps: { method: string; result: string; next?: string[] }[] | undefined, firstMethods: Method[]): Method[][] {
  const chains: Method[][] = firstMethods.length ? firstMethods.map((m) => [m]) : [["publickey"]];
  if (!steps) return chains;
  const ok = steps.filter((st) => st.result !== "failure");
  const chain = ok.map((st) => st.method).filter(isMethod);
  const last = ok.at(-1);
  if (last?.result === "partial" && last.next?.[0] && isMethod(last.next[0])) chain.push(last.next[0]);
  // an observed multi-step chain replaces the single-step chain of its first method
  if (chain.length > 1) return [chain, ...chains.filter((c) => c[0] !== chain[0])];
  return chains;
}
