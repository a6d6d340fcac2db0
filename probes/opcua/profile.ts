// The `opcua:` section of a device profile (fixtures/profiles/*.yaml): what the simulator offers.
// zod only, so the plugin index stays light; simulator.ts turns it into a node-opcua server.
import { z } from "zod";

export const SIM_POLICIES = ["None", "Basic128Rsa15", "Basic256", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"] as const;

export const OpcuaSimProfile = z
  .object({
    securityPolicies: z.array(z.enum(SIM_POLICIES)).min(1).default(["Basic256Sha256"]),
    securityModes: z
      .array(z.enum(["None", "Sign", "SignAndEncrypt"]))
      .min(1)
      .default(["SignAndEncrypt"]),
    anonymous: z.boolean().default(false),
    users: z.array(z.object({ username: z.string().min(1), password: z.string().min(1) }).strict()).default([]),
    auditing: z.boolean().default(true),
    autoAcceptUnknownCertificates: z.boolean().default(false),
    variables: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
            value: z.number().default(0),
            /** writable by anyone who can open a session, anonymous users included */
            writable: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
    buildInfo: z
      .object({
        manufacturerName: z.string().default("Example Automation"),
        productName: z.string().default("otaudit simulated OPC UA server"),
        softwareVersion: z.string().default("1.0.0"),
        buildNumber: z.string().default("1"),
      })
      .strict()
      .default({ manufacturerName: "Example Automation", productName: "otaudit simulated OPC UA server", softwareVersion: "1.0.0", buildNumber: "1" }),
    resourcePath: z
      .string()
      .regex(/^(\/[A-Za-z0-9_.-]+)*$/)
      .default(""),
    /** DNS names / IP addresses in the server certificate's subjectAltName; default: the address served */
    certificateHosts: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();
export type OpcuaSimProfile = z.infer<typeof OpcuaSimProfile>;
