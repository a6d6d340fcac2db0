// OPC UA security knowledge as data: security-policy URIs with their status and why, and the cited
// default credentials for the intrusive check. Loaded with src/data.ts and validated here.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";

export const PolicyStatus = z.enum(["secure", "deprecated", "none"]);

export const SecurityPoliciesFile = z
  .object({
    reasons: z.record(z.string(), z.string().min(20)),
    policies: z.array(
      z.object({
        uri: z.string().regex(/^http:\/\/opcfoundation\.org\/UA\/SecurityPolicy#[A-Za-z0-9_]+$/),
        name: z.string().min(1),
        status: PolicyStatus,
        reasons: z.array(z.string()),
        spec: z.string().min(5),
      }),
    ),
  })
  .strict();
export type SecurityPoliciesFile = z.infer<typeof SecurityPoliciesFile>;

export const DefaultCredentialsFile = z
  .object({
    credentials: z.array(
      z.object({
        username: z.string().min(1),
        password: z.string().min(1),
        source: z.string().min(10),
        sourceUrl: z.string().url(),
        licence: z.string().min(2),
      }),
    ),
  })
  .strict();
export type DefaultCredentialsFile = z.infer<typeof DefaultCredentialsFile>;

export const POLICIES_FILE = "probes/opcua/data/security-policies.yaml";
export const DEFAULT_CREDENTIALS_FILE = "probes/opcua/data/default-credentials.yaml";

export function securityPolicies(): SecurityPoliciesFile {
  return loadDataFile(POLICIES_FILE, SecurityPoliciesFile);
}

export function defaultCredentials(): DefaultCredentialsFile {
  return loadDataFile(DEFAULT_CREDENTIALS_FILE, DefaultCredentialsFile);
}

export interface PolicyInfo {
  uri: string;
  name: string;
  status: "secure" | "deprecated" | "none" | "unknown";
  reasons: string[];
  spec?: string;
}

/** What the data file says about a policy URI; unknown URIs are `unknown`, never assumed secure. */
export function policyInfo(uri: string): PolicyInfo {
  const data = securityPolicies();
  const p = data.policies.find((x) => x.uri === uri);
  if (!p) return { uri, name: uri.split("#").pop() || uri, status: "unknown", reasons: [] };
  return { uri, name: p.name, status: p.status, reasons: p.reasons.map((r) => data.reasons[r] ?? r), spec: p.spec };
}
