// OPC UA security knowledge as data: security-policy URIs with their status and why, the cited
// default credentials (shared format, src/knowledge/default-credentials.ts), the server profiles
// that advertise role-based access, and the standard Server nodes whose write/execute right is
// harmless. Loaded with src/data.ts and validated here; each file has an invariant test.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { loadDefaultCredentials, type DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";

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

export const ServerProfilesFile = z
  .object({ profiles: z.array(z.object({ uri: z.url(), title: z.string().min(5), rbac: z.boolean(), spec: z.string().min(10) }).strict()).min(1) })
  .strict();
export type ServerProfilesFile = z.infer<typeof ServerProfilesFile>;

const StandardNode = z
  .object({ nodeId: z.string().regex(/^i=\d+$/), browseName: z.string().min(1), why: z.string().min(20), spec: z.string().min(10) })
  .strict();
export const ServerNodesFile = z.object({ nodes: z.array(StandardNode), subtrees: z.array(StandardNode) }).strict();
export type ServerNodesFile = z.infer<typeof ServerNodesFile>;

export const POLICIES_FILE = "probes/opcua/data/security-policies.yaml";
export const DEFAULT_CREDENTIALS_FILE = "probes/opcua/data/default-credentials.yaml";
export const SERVER_PROFILES_FILE = "probes/opcua/data/server-profiles.yaml";
export const SERVER_NODES_FILE = "probes/opcua/data/server-nodes.yaml";

export function securityPolicies(): SecurityPoliciesFile {
  return loadDataFile(POLICIES_FILE, SecurityPoliciesFile);
}

export function defaultCredentials(): DefaultCredentialsFile {
  return loadDefaultCredentials(DEFAULT_CREDENTIALS_FILE);
}

export function serverProfiles(): ServerProfilesFile {
  return loadDataFile(SERVER_PROFILES_FILE, ServerProfilesFile);
}

export function serverNodes(): ServerNodesFile {
  return loadDataFile(SERVER_NODES_FILE, ServerNodesFile);
}

export interface PolicyInfo {
  uri: string;
  name: string;
  status: "secure" | "deprecated" | "none" | "unknown";
  reasons: string[];
  spec?: string;
}

/**
 * What the data file says about a policy URI, compared exactly (OPC 10000-7 names each policy by
 * its URI; `...#none` or another prefix is not `...#None`). Unknown URIs are `unknown`, never
 * assumed secure; their name is the URI itself, so nothing reads as a known policy's name.
 */
export function policyInfo(uri: string): PolicyInfo {
  const data = securityPolicies();
  const p = data.policies.find((x) => x.uri === uri);
  if (!p) return { uri, name: uri, status: "unknown", reasons: [] };
  return { uri, name: p.name, status: p.status, reasons: p.reasons.map((r) => data.reasons[r] ?? r), spec: p.spec };
}
