// The 12 Secure by Demand OT elements as data: what a buyer wants, how otaudit can know it,
// and the IEC 62443 anchors. Source: CISA et al., "Secure by Demand: Priority Considerations for
// OT Owners and Operators when Selecting Digital Products" (Jan 2025); wording is ours.
import type { ElementId } from "../model/common.js";

export type VerifiedBy = "probe" | "attest" | "probe+attest";

export interface ElementDef {
  id: ElementId;
  name: string;
  /** one-line summary of what the buyer wants */
  summary: string;
  /** considerations a buyer should ask about, in our words */
  considerations: string[];
  verifiedBy: VerifiedBy;
  /** what a network probe can observe for this element (empty when only the vendor can show it) */
  probeScope: string;
  iec62443_4_2: string[];
  iec62443_4_1: string[];
}

export const ELEMENTS: readonly ElementDef[] = [
  {
    id: 1,
    name: "Configuration Management",
    summary: "Configuration and engineering-logic changes are controlled, authenticated, tracked, backed up and restorable.",
    considerations: [
      "Changes to configuration and control logic require authentication and are recorded with who and when.",
      "Configurations can be backed up and restored simply and securely.",
      "Unauthorized configuration change can be detected.",
    ],
    verifiedBy: "probe+attest",
    probeScope: "drift between audits; auditing features the device exposes (e.g. OPC UA Server.Auditing)",
    iec62443_4_2: ["CR 7.6", "CR 3.4", "CR 7.3", "CR 7.4", "CR 7.8"],
    iec62443_4_1: [],
  },
  {
    id: 2,
    name: "Logging in the Baseline Product",
    summary: "Security-relevant actions are logged in the base product, in open formats, with usable timestamps.",
    considerations: [
      "Logins (successful and failed), configuration and firmware changes, mode changes and log deletion are logged.",
      "Logging is part of the base version, not a paid add-on.",
      "Logs use open formats (syslog, JSON) and carry reliable timestamps.",
    ],
    verifiedBy: "probe+attest",
    probeScope: "audit events and notification settings the device advertises",
    iec62443_4_2: ["CR 2.8", "CR 2.9", "CR 2.10", "CR 2.11", "CR 3.9", "CR 6.1"],
    iec62443_4_1: [],
  },
  {
    id: 3,
    name: "Open Standards",
    summary: "Secure, open protocols and formats for operation and for moving configuration and logic.",
    considerations: [
      "The product speaks open protocols with their secure variants (OPC UA with security, Modbus/TCP Security, SNMPv3, SSH, TLS).",
      "Configuration and logic can be moved in open formats, without vendor lock-in.",
    ],
    verifiedBy: "probe",
    probeScope: "which protocols and which secure variants the device offers",
    iec62443_4_2: [],
    iec62443_4_1: [],
  },
  {
    id: 4,
    name: "Ownership",
    summary: "The owner keeps control of maintenance and change; responsibility for security outcomes is stated.",
    considerations: [
      "The owner can maintain and change the product without depending on the manufacturer.",
      "The manufacturer states which security outcomes it owns and which the owner does.",
      "The owner's own security tooling is not restricted.",
    ],
    verifiedBy: "attest",
    probeScope: "",
    iec62443_4_2: [],
    iec62443_4_1: ["SM-1", "SM-2"],
  },
  {
    id: 5,
    name: "Protection of Data",
    summary: "Integrity and confidentiality of data, logic and configuration, at rest and in transit, on by default.",
    considerations: [
      "Data, logic and configuration are protected in transit: no cleartext channels, no credentials sent unprotected.",
      "Data at rest is protected and the protection is enabled by default.",
    ],
    verifiedBy: "probe+attest",
    probeScope: "cleartext channels and credentials that would travel unprotected",
    iec62443_4_2: ["CR 4.1", "CR 4.2", "CR 4.3", "CR 3.1"],
    iec62443_4_1: [],
  },
  {
    id: 6,
    name: "Secure by Default",
    summary: "Hardened out of the box: no default passwords, insecure services off, secure variants on.",
    considerations: [
      "No default or shared passwords; first use forces unique credentials.",
      "Insecure and unused services and legacy protocols are off by default.",
      "Security features are included, not sold as add-ons.",
    ],
    verifiedBy: "probe",
    probeScope: "default credentials accepted, legacy services listening, insecure variants enabled",
    iec62443_4_2: ["CR 1.5", "CR 7.7"],
    iec62443_4_1: ["SD-4"],
  },
  {
    id: 7,
    name: "Secure Communication",
    summary: "Communication is encrypted and authenticated with current algorithms; legacy versions are disabled.",
    considerations: [
      "All communication is authenticated and encrypted with current algorithms.",
      "Certificates are validated and easy to manage.",
      "Legacy versions (SSL, TLS 1.0/1.1, SNMPv1/v2c, Telnet, deprecated OPC UA policies) are disabled.",
    ],
    verifiedBy: "probe",
    probeScope: "algorithms, protocol versions, certificates and trust behaviour of every channel",
    iec62443_4_2: ["CR 3.1", "CR 4.1", "CR 4.3", "CR 1.2", "CR 1.8", "CR 1.9"],
    iec62443_4_1: [],
  },
  {
    id: 8,
    name: "Secure Controls",
    summary: "Control functions resist tampering: commands are authenticated and authorized.",
    considerations: [
      "Commands and writes to control functions are authenticated and authorized.",
      "Unauthorized writes or mode changes are refused or detected.",
    ],
    verifiedBy: "probe+attest",
    probeScope: "unauthenticated write exposure and anonymous write rights (read-only checks by default)",
    iec62443_4_2: ["CR 2.1", "CR 3.5", "CR 3.8", "CR 2.12"],
    iec62443_4_1: [],
  },
  {
    id: 9,
    name: "Strong Authentication",
    summary: "Unique per-user credentials, roles, MFA for remote and privileged access, no shared accounts.",
    considerations: [
      "Every user has unique credentials; no shared accounts.",
      "Access is role-based.",
      "Remote and privileged access needs multi-factor authentication, phishing-resistant where possible.",
      "Repeated failed logins lead to lockout or delay.",
    ],
    verifiedBy: "probe+attest",
    probeScope: "authentication methods offered, anonymous access, MFA observed with bench credentials, shared secrets",
    iec62443_4_2: ["CR 1.1", "CR 1.1 RE 1", "CR 1.1 RE 2", "CR 1.2", "CR 1.5", "CR 1.7", "CR 1.9", "CR 1.11"],
    iec62443_4_1: [],
  },
  {
    id: 10,
    name: "Threat Modeling",
    summary: "The manufacturer keeps a current threat model, states assumed controls and publishes a roadmap for gaps.",
    considerations: [
      "A current threat model of the product exists (for example against MITRE EMB3D).",
      "Assumed external controls and the intended environment are stated.",
      "A roadmap for closing known gaps is published.",
    ],
    verifiedBy: "attest",
    probeScope: "",
    iec62443_4_2: [],
    iec62443_4_1: ["SR-2"],
  },
  {
    id: 11,
    name: "Vulnerability Management",
    summary: "Coordinated disclosure, a PSIRT, published CVEs and CSAF advisories, an SBOM, free patches.",
    considerations: [
      "A coordinated vulnerability disclosure policy and a PSIRT exist; security.txt (RFC 9116) is published.",
      "Vulnerabilities get CVEs and machine-readable advisories (CSAF, with VEX).",
      "An SBOM is supplied; patches cost nothing extra.",
    ],
    verifiedBy: "probe+attest",
    probeScope: "firmware and software versions matched against advisories supplied offline",
    iec62443_4_2: [],
    iec62443_4_1: ["DM-1", "DM-2", "DM-3", "DM-4", "DM-5", "DM-6", "SVV-3"],
  },
  {
    id: 12,
    name: "Upgrade and Patch Tooling",
    summary: "Simple, secure, signed updates with a documented path, little downtime and a long support life.",
    considerations: [
      "Updates are signed and verified before installation.",
      "The upgrade path is documented and patching needs little downtime.",
      "The support life is stated and long.",
    ],
    verifiedBy: "probe+attest",
    probeScope: "version currency against supplied advisories",
    iec62443_4_2: ["CR 3.10", "CR 3.4"],
    iec62443_4_1: ["SUM-1", "SUM-2", "SUM-3", "SUM-4", "SUM-5"],
  },
];

export function elementById(id: number): ElementDef {
  const e = ELEMENTS.find((x) => x.id === id);
  if (!e) throw new RangeError(`no element ${id}`);
  return e;
}
