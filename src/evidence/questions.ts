// The questions a buyer puts to the manufacturer for each of the 12 Secure by Demand OT elements,
// in our own words (after CISA et al., "Secure by Demand: Priority Considerations for OT Owners and
// Operators when Selecting Digital Products", Jan 2025). `otaudit evidence init` writes them as a
// template; the vendor answers each with yes / no / partial / not_applicable and names evidence.
import type { ElementId } from "../model/common.js";

export interface EvidenceQuestion {
  /** "<element>.<n>", stable: evidence files refer to it */
  id: string;
  element: ElementId;
  question: string;
  /** what we expect the vendor to point at when answering yes */
  evidenceHint: string;
}

const q = (element: ElementId, n: number, question: string, evidenceHint: string): EvidenceQuestion => ({
  id: `${element}.${n}`,
  element,
  question,
  evidenceHint,
});

export const EVIDENCE_QUESTIONS: readonly EvidenceQuestion[] = [
  q(
    1,
    1,
    "Does every change to configuration or control logic require an authenticated user, and is it recorded with who, what and when?",
    "manual section on change authorization and the change record",
  ),
  q(
    1,
    2,
    "Can the owner back up the full configuration and logic and restore it, with the backup protected against tampering?",
    "backup/restore procedure; integrity protection of backup files",
  ),
  q(
    1,
    3,
    "Can the owner detect an unauthorized change (for example by comparing against a known-good baseline)?",
    "description of change detection or baseline comparison features",
  ),
  q(
    2,
    1,
    "Does the base product, without paid add-ons, log logins (successful and failed), configuration and firmware changes, mode changes and log deletion?",
    "list of logged security events; licence terms showing no add-on is needed",
  ),
  q(2, 2, "Can logs be exported in an open format (syslog, JSON, CEF) to the owner's collector?", "logging interface documentation"),
  q(
    2,
    3,
    "Do log entries carry reliable, synchronisable timestamps (e.g. NTP/PTP) and are logs protected from deletion or alteration?",
    "time synchronisation and log protection documentation",
  ),
  q(
    3,
    1,
    "Does the product use open protocols for operation and management, each with its secure variant available (OPC UA with security, Modbus/TCP Security, SNMPv3, SSH, TLS 1.2+)?",
    "protocol conformance statement or certificates",
  ),
  q(
    3,
    2,
    "Can configuration and engineering logic be exported and imported in open, documented formats (e.g. IEC 61131-10 PLCopen XML, AutomationML)?",
    "format documentation",
  ),
  q(
    4,
    1,
    "Can the owner maintain, reconfigure and update the product without the manufacturer's involvement or remote access?",
    "support and maintenance terms",
  ),
  q(
    4,
    2,
    "Does the manufacturer state in writing which security outcomes it is responsible for and which fall to the owner (shared responsibility)?",
    "shared-responsibility matrix or contract clause",
  ),
  q(
    4,
    3,
    "Is the owner free to run its own security tooling (scanning, monitoring, hardening) against the product without voiding support or warranty?",
    "warranty and support terms",
  ),
  q(
    5,
    1,
    "Are data, logic and configuration protected in transit by default (no cleartext management or engineering channels)?",
    "security configuration guide; default settings",
  ),
  q(
    5,
    2,
    "Are data, logic, configuration and stored credentials protected at rest (encryption or integrity protection), enabled by default?",
    "description of storage protection and key handling",
  ),
  q(6, 1, "Does the product ship without default or shared passwords, forcing unique credentials at first use?", "commissioning procedure"),
  q(
    6,
    2,
    "Are insecure and unused services and legacy protocols off by default, and are security features included at no extra cost?",
    "list of services enabled by default; price list",
  ),
  q(6, 3, "Does the manufacturer publish a hardening guide for the product?", "hardening guide reference"),
  q(
    7,
    1,
    "Is all communication authenticated and encrypted with current algorithms, and can legacy versions (SSL, TLS 1.0/1.1, SNMPv1/v2c, Telnet, deprecated OPC UA policies) be disabled?",
    "cryptographic inventory; configuration guide",
  ),
  q(
    7,
    2,
    "Are certificates validated, and can the owner replace, renew and manage certificates and trust lists (e.g. with its own PKI, EST or GDS)?",
    "certificate management documentation",
  ),
  q(
    8,
    1,
    "Are commands and writes to control functions authenticated and authorized (e.g. role checks before setpoint or mode changes)?",
    "access-control design for control functions",
  ),
  q(
    8,
    2,
    "Are unauthorized writes or mode changes refused, logged or otherwise detectable (e.g. key switch, run/program lock)?",
    "documentation of write protection and its logging",
  ),
  q(
    9,
    1,
    "Does every user get a unique account, with role-based access control and no shared or hidden accounts?",
    "user management documentation; statement on hard-coded accounts",
  ),
  q(
    9,
    2,
    "Is multi-factor authentication available for remote and privileged access, phishing-resistant where possible (e.g. FIDO2, smart cards)?",
    "MFA documentation",
  ),
  q(
    9,
    3,
    "Do repeated failed logins lead to lockout or delay, and can the product use the owner's central identity store (LDAP, RADIUS, AD)?",
    "authentication policy settings",
  ),
  q(
    10,
    1,
    "Does the manufacturer maintain a current threat model of the product (for example against MITRE EMB3D), and when was it last reviewed?",
    "threat-model summary and review date",
  ),
  q(
    10,
    2,
    "Does the manufacturer state the intended environment and the external security controls it assumes (segmentation, firewalls, physical security)?",
    "security context / intended-use statement",
  ),
  q(10, 3, "Does the manufacturer publish a roadmap for closing known security gaps, with dates?", "roadmap document"),
  q(
    11,
    1,
    "Does the manufacturer have a coordinated vulnerability disclosure policy and a PSIRT, and publish a security.txt (RFC 9116)?",
    "disclosure policy URL; security.txt URL",
  ),
  q(11, 2, "Are vulnerabilities published with CVE ids and as machine-readable advisories (CSAF 2.0, with VEX statements)?", "CSAF provider or advisory URLs"),
  q(11, 3, "Does the manufacturer supply a software bill of materials (SBOM, SPDX or CycloneDX) for each release?", "SBOM file or URL"),
  q(11, 4, "Are security patches provided at no extra cost for the whole support period?", "support terms"),
  q(12, 1, "Are updates signed, and does the product verify the signature before installing?", "update mechanism documentation"),
  q(12, 2, "Is the upgrade path documented, and can patches be applied with little downtime (e.g. redundancy, staged updates)?", "upgrade guide"),
  q(12, 3, "Is the end of support (security updates) stated, and how long is it from purchase?", "end-of-support date or lifecycle policy"),
];

export function questionsFor(element: number): EvidenceQuestion[] {
  return EVIDENCE_QUESTIONS.filter((x) => x.element === element);
}
