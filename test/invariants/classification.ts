// How the no-false-pass invariant (no-false-pass.test.ts) reads each plugin's facts. Strict by
// default, so a new plugin is covered without entries here: every string is "judged" (mutation (b)
// replaces it), every list is an observation list (mutation (a) empties it), and no single scalar
// is evidence enough for a pass on its own; a non-empty list of records (services[]) is not either,
// only its records' fields are. The entries below relax that, each with its reason.
//
// LABEL_KEYS: string fields that name or describe what was judged (identities, free text, numbers
// printed as text), never the basis of a verdict. Mutation (b) keeps them; reading them is never
// positive evidence.
import type { ModbusFacts } from "../../probes/modbus/facts.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import { STRICT_KEX_SERVER } from "../../probes/ssh/kexinit.js";
import { annotateEndpoints } from "../../probes/opcua/security.js";
import { UNKNOWN_TOKEN } from "./mutators.js";

export const LABEL_KEYS: Record<string, string> = {
  url: "service URL",
  endpoint: "service URL",
  endpointUrl: "service URL",
  discoveryUrl: "service URL",
  username: "account name (identity, not judged)",
  user: "SNMPv3 user name (identity)",
  name: "user name / exception name (identity)",
  label: "community label: the default's value or 'supplied #n' (identity)",
  id: "knowledge-base entry id or suite family id, or object id",
  message: "free text",
  detail: "free text",
  error: "free text (why a step failed)",
  code: "error code (why a step failed)",
  reason: "free text (why a level was refused)",
  notTried: "free text (why nothing was tried)",
  via: "which credential read the system group (text)",
  raw: "the identification string as received (text)",
  software: "banner software field (text, advisories only)",
  comments: "banner comments (text, advisories only)",
  product: "banner product (text, advisories only)",
  productVersion: "banner version (text, advisories only)",
  preBannerLines: "text before the identification string",
  fingerprintSha256: "key fingerprint (identity)",
  keyId: "SSH certificate key id (free text the CA chose, identity)",
  sha256: "certificate fingerprint (identity)",
  certificateSha256: "certificate fingerprint (identity)",
  subject: "certificate subject (identity)",
  issuer: "certificate issuer (identity)",
  policyId: "user token policy id (identity)",
  applicationUri: "application identity",
  applicationName: "application identity",
  productUri: "product identity",
  transportProfileUri: "transport profile (not judged)",
  issuedTokenType: "issued token type (not judged)",
  nodeId: "node identity",
  ancestors: "NodeIds of the browse path down to a node (node identity, like nodeId; a subtree is found by exact NodeId, any other id is simply another node)",
  browseName: "node identity",
  oid: "the operator-named OID (identity)",
  target: "the operator-named write address (identity)",
  vendor: "default-credential vendor (identity)",
  source: "where a default came from (citation)",
  engineId: "SNMP engine id (identity, hex)",
  enterpriseName: "enterprise name (identity)",
  format: "engine id format (identity)",
  data: "engine id data (identity)",
  reportOid: "report name (identity)",
  sysDescr: "system group text (identity, advisories only)",
  sysObjectID: "system group (identity)",
  sysUpTime: "system group (volatile)",
  sysContact: "system group (identity)",
  sysName: "system group (identity)",
  sysLocation: "system group (identity)",
  manufacturerName: "BuildInfo (identity, advisories only)",
  productName: "BuildInfo / device identification (identity)",
  softwareVersion: "BuildInfo (identity, advisories only)",
  buildNumber: "BuildInfo (identity)",
  serverState: "server state text",
  namespaces: "namespace URIs (identity)",
  vendorName: "device identification (identity)",
  productCode: "device identification (identity)",
  revision: "device identification (identity, advisories only)",
  vendorUrl: "device identification (identity)",
  modelName: "device identification (identity)",
  userApplicationName: "device identification (identity)",
  value: "device identification object value (identity)",
  hex: "Report Server ID bytes (identity)",
  text: "Report Server ID text (identity)",
  exceptionName: "exception name (text for the code)",
  cipher: "negotiated cipher name (evidence; weakness is judged from the suite-family results)",
  protocol: "negotiated protocol name (evidence; versions are judged from the version results)",
  role: "Modbus/TCP Security role (identity)",
  namedCurve: "curve name (evidence)",
};

/**
 * LABEL_PATHS: string fields that are labels at this path although their key is judged elsewhere.
 * plugin-independent schema paths -> why.
 */
export const LABEL_PATHS: Record<string, string> = {
  "trustTest.securityPolicyUri": "OPC UA: the policy the trust test used (its status is the probe's observation)",
  "anonymousSession.securityPolicyUri": "OPC UA: the policy the anonymous session used (its status is the observation)",
  "credentialedSession.securityPolicyUri": "OPC UA: the policy the credentialed session used (its status is the observation)",
  "userCertificateTest.securityPolicyUri": "OPC UA: the policy the self-signed user certificate test used (its status is the observation)",
  "serverInfo.startTime":
    "OPC UA: ServerStatus.StartTime, shown beside the clock reading (no rule judges it; the clock rule judges CurrentTime against our own clock)",
  "notifications.targets[].address": "SNMP: a notification destination's transport address (identity; the rule judges that a destination exists)",
  "services[].groupExchange.algorithm":
    "SSH: the group-exchange algorithm the group requests used (its hash is judged by ssh.kex.weak from the KEXINIT list; the moduli are judged by their bits)",
};

/** A string path is a label when it is listed, or its last key (list items: the list's key) is a label key. */
export function isLabelPath(path: string): boolean {
  if (path in LABEL_PATHS) return true;
  const key = path
    .replace(/(\[\]|\{\})+$/, "")
    .split(".")
    .pop()!;
  return key in LABEL_KEYS;
}

/**
 * FINDINGS_LISTS: lists that hold only what was found bad, next to a count of what was checked; an
 * empty one is an observation ("none of N"), so mutation (a) keeps them. plugin id -> path -> why.
 */
export const FINDINGS_LISTS: Record<string, Record<string, string>> = {
  opcua: {
    "anonymousBrowse.writable": "only the writable variables, beside variablesChecked",
    "anonymousBrowse.writableAttributes": "only the nodes whose UserWriteMask lets the user change attributes, beside nodesVisited",
    "anonymousBrowse.executable": "only the methods the user may execute, beside methodsChecked",
    "credentialedSession.browse.writable": "only the writable variables, beside variablesChecked",
    "credentialedSession.browse.writableAttributes": "only the nodes with writable attributes, beside nodesVisited",
    "credentialedSession.browse.executable": "only the executable methods, beside methodsChecked",
    "defaultCredentials.accepted": "only the accepted defaults, beside tried",
    certificateErrors: "only the certificates that failed to parse",
  },
};

/**
 * NONE_OF_N: a findings list read together with the count of what was checked beside it is positive
 * evidence when that count is above zero: "none of N" is an observation (an empty list alone, or
 * with N = 0, is not). plugin id -> findings list path -> [count path, why].
 */
export const NONE_OF_N: Record<string, Record<string, [string, string]>> = {
  dnp3: {
    "iin.flags": [
      "iin.responses",
      "the union of the IIN flags set in N responses that carried IIN octets: none set of N (dnp3.iin.anomalies also requires those responses' raw IIN in the facts)",
    ],
  },
  opcua: {
    "anonymousBrowse.writable": ["anonymousBrowse.variablesChecked", "UserAccessLevel read on every variable of a whole walk: none writable of N"],
    "anonymousBrowse.writableAttributes": ["anonymousBrowse.nodesVisited", "UserWriteMask read on every node of a whole walk: none writable of N"],
    "anonymousBrowse.executable": ["anonymousBrowse.methodsChecked", "UserExecutable read on every method of a whole walk: none executable of N"],
    "defaultCredentials.accepted": ["defaultCredentials.tried", "N default credentials answered, none accepted"],
  },
};

/**
 * EVIDENCE_ROWS: lists of records whose entries are rows the device returned from its own table, so
 * that the list is non-empty IS the observation (a record list is otherwise not evidence by itself,
 * harness.ts isRecordList). plugin id -> path -> why.
 */
export const EVIDENCE_ROWS: Record<string, Record<string, string>> = {
  snmp: {
    "notifications.targets":
      "rows of the agent's own snmpTargetAddrTable (RFC 3413), read by a GETNEXT walk: a destination exists (its fields are shown, not judged)",
  },
};

/**
 * COUNTER_DELTAS: counters the device reports before and after our requests; the counter having
 * risen (after above before, both read) is the device's own record of what it did with them.
 * plugin id -> [before path, after path, why][].
 */
export const COUNTER_DELTAS: Record<string, [string, string, string][]> = {
  snmp: [
    [
      "communities.proof.before.snmpInBadCommunityNames",
      "communities.proof.after.snmpInBadCommunityNames",
      "the agent's own snmpInBadCommunityNames (RFC 3418) rose while our default communities went unanswered: it counted them as rejected",
    ],
    [
      "communities.proof.before.snmpInBadVersions",
      "communities.proof.after.snmpInBadVersions",
      "the agent's own snmpInBadVersions (RFC 3418) rose while our v1/v2c requests went unanswered: it counted them as refused",
    ],
  ],
};

/**
 * STANDALONE: scalar facts that are positive evidence on their own (the probe observed the good
 * thing directly); a pass that read one of them, with the value shown, is based on evidence even
 * when every list is empty and every optional field gone. plugin id -> path -> [value or values, why].
 * An entry wins over a label key at the same path (FTP's reply `code` is the server's answer).
 */
type Scalar = string | number | boolean;
export const STANDALONE: Record<string, Record<string, [Scalar | Scalar[], string]>> = {
  ftp: {
    "services[].cleartextUser.reply.code": [
      530,
      "the server's own reply to USER before AUTH TLS: 530 is a refusal (RFC 959 §4.2: the code is the answer; ftp.cleartext-login passes on it alone)",
    ],
    "services[].authTls.reply.code": [
      234,
      "the server's own reply to AUTH TLS: 234 accepts it (RFC 4217 §4); ftp.auth-tls passes only when the handshake then completed too",
    ],
    "services[].anonymous.accepted": [
      false,
      "set false only on the server's own 530 to USER/PASS anonymous (probes/ftp/probe.ts; no reply or another code leaves it unset)",
    ],
    "services[].anonymous.afterTls.accepted": [
      false,
      "the same, for the login tried once more inside TLS after AUTH TLS (set false only on the server's own 530)",
    ],
  },
  mqtt: {
    "services[].anonymous.attempts[].code": [
      [4, 5, 0x86, 0x87, 0x8c],
      "the broker's own CONNACK code refusing a CONNECT without credentials (MQTT 3.1.1 §3.2.2.3 codes 4/5, 5.0 §3.2.2.2 0x86/0x87/0x8C; packets.ts judgeConnack)",
    ],
    "services[].tlsSession.protocol": [
      ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
      "the protocol Node's TLS socket reports after a completed handshake with the broker (src/net/tls-observe.ts); `tls` itself is only the endpoint's scheme, never evidence",
    ],
  },
  snmp: {
    "v3Users[].attempts[].outcome": [
      ["accepted", "denied", "rejected"],
      "the agent's own answer to a request at that security level: a Response, an authenticated Response with an error status, or a USM Report (facts.ts LevelAttempt; silence and errors are not listed)",
    ],
    "writeTests[].outcome": [
      "refused",
      "the agent's own Response to the SET carried an error status (noAccess, notWritable, ...) or an exception value (facts.ts; silence is `no-answer`)",
    ],
    "notifications.authenTraps": ["enabled", "snmpEnableAuthenTraps.0 as the agent returned it: enabled(1) (RFC 3418)"],
    "access.communityGroups": [
      "absent",
      "a GETNEXT on vacmSecurityToGroupTable, read with a working credential, returned a first entry of security model 3 or above: no community (model 1/2) is mapped to any group (probes/snmp/reads.ts readAccess; out of view or unreadable is `unknown`)",
    ],
  },
  opcua: {
    "endpoints[].userTokens[].tokenType": [
      ["Anonymous", "UserName", "Certificate", "IssuedToken"],
      "a user token type the server itself advertised in GetEndpoints (Part 4 §7.41 UserTokenPolicy); `Unknown` (a value outside the enumeration) is not evidence",
    ],
    "endpoints[].securityModeValue": [
      [1, 2, 3],
      "the MessageSecurityMode number the server itself advertised for the endpoint (Part 4 §7.20: None, Sign, SignAndEncrypt)",
    ],
    "endpoints[].securityMode": [
      ["None", "Sign", "SignAndEncrypt"],
      "the name passive.ts maps from the server's own MessageSecurityMode number (older recordings carry only the name); Invalid is not listed",
    ],
    "certificates[].chain.status": [
      ["verified", "self-signed"],
      "the probe verified the chain the server sent: each issuer's signature, or the self-signature, verifies (certificate.ts); incomplete/broken are not listed",
    ],
    "serverInfo.auditing": [true, "Server.Auditing (i=2994) was read and is true: the server states it raises audit events"],
    "trustTest.status": [
      "rejected",
      "the server refused the secure channel of a never-seen client certificate (the probe decides what is a refusal: one source of truth)",
    ],
    "anonymousSession.status": ["rejected", "the server refused to activate an anonymous session: anonymous users can write nothing"],
    "userCertificateTest.status": [
      "rejected",
      "the server refused to activate a session with a never-seen self-signed user certificate, with a refusal status code (the probe's decision, session.ts classifyFailure: a timeout or any other error is `error`)",
    ],
  },
  modbus: {
    "plain[].reachability": [
      "closed",
      "the host refused the TCP connection to the plain Modbus port (RST: plain-probe.ts err.kind refused; a timeout or other error is `error`)",
    ],
    "secure[].service.proof": [
      ["handshake-completed", "server-flight", "client-certificate-alert"],
      "what the server's TLS answer on port 802 proved (tls-probe.ts prove(): tlsOffered follows it; `none` proves nothing)",
    ],
    "secure[].clientCertificate.evidence": [
      ["certificate-request", "alert"],
      "the server itself sent a CertificateRequest (RFC 8446 §4.3.2 / RFC 5246 §7.4.4) or an alert naming the missing client certificate; a hang-up alone is never recorded as either",
    ],
    "secure[].versions[].result": [
      ["accepted", "refused"],
      "the server's answer to a ClientHello offering only that version (ServerHello with it, or alert / lower version / hang-up before any ServerHello: probes/tls/hello-plan.ts)",
    ],
    "secure[].weakSuites[].result": [
      "refused",
      "the server's answer to a ClientHello offering only that weak suite family: no ServerHello choosing it (probes/tls/hello-plan.ts)",
    ],
  },
  tls: {
    "services[].versions[].result": [
      ["accepted", "refused"],
      "the server's answer to one raw ClientHello offering only that version (ServerHello with it, or alert / lower version / hang-up before any ServerHello: hello-plan.ts)",
    ],
    "services[].versions[].renegotiationInfo": [true, "the RFC 5746 renegotiation_info extension was in the server's own ServerHello"],
    "services[].suites[].result": [
      "complete",
      "the suite enumeration of that version ran until the server itself refused the remaining suites (SuiteScan: each accepted[] entry is a ServerHello's choice)",
    ],
    "services[].weakGroups.result": ["refused", "the server refused a ClientHello offering only weak curves (no ServerHello choosing one)"],
    "services[].certificates[].selfSigned": [
      false,
      "decided from the certificate the server sent, in its parse (wire/x509.ts: subject differs from issuer, or the self-signature does not verify)",
    ],
  },
  http: {
    "services[].defaultCredentials.attempts[].result": [
      "rejected",
      "the server's own answer to a default login: 401/403, a redirect back to the login page, or the login form again (default-credentials.ts)",
    ],
    "services[].exchanges[].hsts.present": [
      true,
      "parsed from the Strict-Transport-Security header the server sent (RFC 6797 §6.1); http.hsts.missing passes only with that header still in the facts",
    ],
  },
  s7: {
    "protection.effectiveLevel": [
      [2, 3],
      "the CPU's valid protection level decoded from its own SZL 0x0232 index 4 record (write / read-write protection); s7.protection.none passes only when that record's bytes are in the facts too",
    ],
    "protection.parameterizedLevel": [
      [1, 2, 3],
      "the parameterised level (sch_par) decoded from the CPU's own SZL 0x0232 index 4 record: a password is set; s7.password.none passes only when that record's bytes are in the facts too",
    ],
  },
  iec104: {
    "plain[].reachability": [
      "closed",
      "the host refused the TCP connection to port 2404 (RST: NetError refused, probe.ts; a timeout or other error is `error`)",
    ],
    "tls[].proof": [
      ["handshake-completed", "client-certificate-alert"],
      "what the station's TLS answer proved (probe.ts: a completed handshake, or a CertificateRequest/alert naming the missing client certificate; anything else is `none`)",
    ],
  },
  dnp3: {
    "secureAuth.version": [
      5,
      "the outstation itself reported Secure Authentication version 5 in attribute g0v209 (IEEE 1815-2012 §11.9.1; the probe decides the SA status: one source of truth)",
    ],
  },
  bacnet: {
    "networkPorts.ports[].networkType": [
      11,
      "the Network_Type the device itself returned for one of its Network Port objects: 11 is secure-connect (BACnetNetworkType secure-connect, ASHRAE 135-2020 Network Port object)",
    ],
    "bbmd.bdt.status": ["nak", "the device answered Read-BDT with its own BVLC-Result NAK (ASHRAE 135 Annex J.2.1): the table is not served"],
    "bbmd.fdt.status": ["nak", "the device answered Read-FDT with its own BVLC-Result NAK (ASHRAE 135 Annex J.2.1): the table is not served"],
  },
};

/**
 * EVIDENCE_ONLY: fields a rule reads only to show them in its finding, or only compares with one
 * exact constant (an unknown value is simply not that constant), never to judge them; the invariant
 * ignores these reads for that rule (they are neither a judged unknown nor positive evidence), or
 * only while `when` holds of the facts (the branch where they are evidence only). rule id -> groups
 * of { paths: path -> why, when? }. Each is checked against the rule's code; a field the rule judges
 * (in the branch `when` selects) never belongs here.
 */
const OPCUA_CERT_DETAILS =
  "the certificate's details shown in every certificate finding (OpalOPC 10015, rules-cert.ts certEvidence); judged only by its own rule";
const certDetails = (...keys: string[]): EvidenceOnly[] => [{ paths: Object.fromEntries(keys.map((k) => [`certificates[].${k}`, OPCUA_CERT_DETAILS])) }];
const SNMP_TARGET_DETAILS = {
  "notifications.targets[].mpModel": "shown per destination (and noted when v1/v2c); the verdict is that snmpTargetAddrTable holds a destination",
  "notifications.targets[].securityLevel": "shown per destination; the verdict is that snmpTargetAddrTable holds a destination",
};
const TERRAPIN_LISTS =
  "with strict key exchange offered (the Terrapin countermeasure) the pass rests on it; the cipher and MAC names are read only to list chacha20-poly1305, EtM and CBC in the evidence. Without strict kex every name is judged (unknown -> undetermined; test/ssh/rules.test.ts)";
export interface EvidenceOnly {
  paths: Record<string, string>;
  when?: [(data: unknown) => boolean, string];
}
const FTP_REPLY_TEXT =
  "the reply's text, shown in the message and evidence (said()); the verdict is the reply code (RFC 959 §4.2: the code, not the text, is the answer)";
export const EVIDENCE_ONLY: Record<string, EvidenceOnly[]> = {
  "ftp.cleartext-login": [{ paths: { "services[].cleartextUser.reply.lines[]": FTP_REPLY_TEXT } }],
  "ftp.anonymous": [
    {
      paths: {
        "services[].anonymous.userReply.lines[]": FTP_REPLY_TEXT,
        "services[].anonymous.passReply.lines[]": FTP_REPLY_TEXT,
        "services[].anonymous.afterTls.userReply.lines[]": FTP_REPLY_TEXT,
        "services[].anonymous.afterTls.passReply.lines[]": FTP_REPLY_TEXT,
      },
    },
  ],
  "ftp.auth-tls": [
    {
      paths: {
        "services[].authTls.reply.lines[]": FTP_REPLY_TEXT,
        "services[].features.list[]":
          "the AUTH lines of FEAT, shown beside the verdict (featAuth); the verdict is the reply code to AUTH TLS and the completed handshake",
      },
    },
  ],
  "mqtt.auth.anonymous": [
    {
      paths: {
        "services[].anonymous.attempts[].codeName":
          "the name of the CONNACK code, shown in the message; the verdict is the code itself (judgeConnack: MQTT 3.1.1 4/5, 5.0 0x86/0x87/0x8C)",
      },
    },
  ],
  "opcua.certificate.validity": certDetails("keyAlgorithm", "signatureAlgorithm"),
  "opcua.certificate.key-size": certDetails("notBefore", "notAfter", "signatureAlgorithm"),
  "opcua.certificate.sha1": certDetails("notBefore", "notAfter", "keyAlgorithm"),
  "opcua.certificate.host-mismatch": certDetails("notBefore", "notAfter", "keyAlgorithm", "signatureAlgorithm"),
  "opcua.certificate.application-uri": certDetails("notBefore", "notAfter", "keyAlgorithm", "signatureAlgorithm"),
  "opcua.certificate.chain": certDetails("notBefore", "notAfter", "keyAlgorithm", "signatureAlgorithm"),
  "opcua.user-token.cleartext-password": [
    {
      paths: {
        "endpoints[].securityPolicyUri":
          "shown as the endpoint's policy name (rules-transport.ts epLabel); the verdict is the probe's passwordExposure decision, which DERIVED below recomputes from the mutated policy",
      },
    },
  ],
  "modbus.security.certificate": [
    {
      paths: {
        "secure[].certificate.notBefore":
          "shown beside the verdict; validity is the probe's validNow, decided from the dates it parsed out of the DER (a certificate whose dates do not parse is certificateError, never facts)",
        "secure[].certificate.notAfter": "as notBefore",
      },
    },
  ],
  "snmp.logging.notification-targets": [{ paths: SNMP_TARGET_DETAILS }],
  "snmp.logging.authen-traps": [{ paths: SNMP_TARGET_DETAILS }],
  "ssh.terrapin": [
    {
      paths: {
        "services[].algorithms.kex[]":
          "only compared with kex-strict-s-v00@openssh.com, the one name of the countermeasure (an unknown kex name is not it); kex strength is ssh.kex.weak's",
      },
    },
    {
      paths: Object.fromEntries(
        ["cipherClientToServer[]", "cipherServerToClient[]", "macClientToServer[]", "macServerToClient[]"].map((l) => [
          `services[].algorithms.${l}`,
          TERRAPIN_LISTS,
        ]),
      ),
      when: [(data) => (data as SshFacts).services.every((s) => !s.algorithms || s.algorithms.strictKex), "every service offers strict key exchange"],
    },
  ],
};

/**
 * DERIVED: facts the probe computes from other facts it records (one source of truth, design.md):
 * after a mutation the harness recomputes them with the probe's own code, so a mutated input never
 * sits beside a decision the probe could not have made from it. Only decisions the facts carry are
 * recomputed (a dropped one stays dropped: that is mutation (c), facts of an older probe).
 * plugin id -> [why, recompute].
 */
export const DERIVED: Record<string, [string, (data: unknown) => unknown]> = {
  modbus: [
    "a certificate's signatureHash is derived from its signature OID, in the same parse as the signature algorithm's name (probes/tls/wire/x509.ts signatureAlgorithmOf): an OID or name the parser could not have produced comes with no hash",
    (data) => {
      const f = data as ModbusFacts;
      const unparsed = (c: NonNullable<ModbusFacts["secure"][number]["certificate"]>) =>
        !/^\d+(\.\d+)+$/.test(c.signatureOid ?? "0.0") || UNKNOWN_TOKEN.test(c.signatureAlgorithm);
      return {
        ...f,
        secure: f.secure.map((t) => {
          if (!t.certificate || !unparsed(t.certificate)) return t;
          const { signatureHash: _dropped, ...certificate } = t.certificate;
          return { ...t, certificate };
        }),
      };
    },
  ],
  ssh: [
    "algorithms.strictKex is kex-strict-s-v00@openssh.com in the server's kex list (probes/ssh/hello.ts)",
    (data) => {
      const f = data as SshFacts;
      return {
        ...f,
        services: f.services.map((s) =>
          s.algorithms ? { ...s, algorithms: { ...s.algorithms, strictKex: s.algorithms.kex.includes(STRICT_KEX_SERVER) } } : s,
        ),
      };
    },
  ],
  opcua: [
    "userTokens[].authFactors and passwordExposure are the probe's decisions from the token type, the endpoint's mode and policy, the token's policy and the parsed certificates (probes/opcua/security.ts annotateEndpoints); a certificate's signatureHash is the hash part of its signatureAlgorithm, both from one parse (certificate.ts records `<scheme> with <hash>`)",
    (data) => {
      const f = data as OpcuaFacts;
      const annotated = annotateEndpoints(f.endpoints, f.certificates);
      return {
        ...f,
        certificates: f.certificates.map((c) =>
          c.signatureHash === null ? c : { ...c, signatureHash: / with (\S+)$/.exec(c.signatureAlgorithm)?.[1] ?? null },
        ),
        endpoints: f.endpoints.map((e, i) => ({
          ...e,
          userTokens: e.userTokens.map((t, j) => {
            const a = annotated[i]!.userTokens[j]!;
            return {
              ...t,
              ...(t.authFactors !== undefined ? { authFactors: a.authFactors } : {}),
              ...(t.passwordExposure !== undefined && a.passwordExposure ? { passwordExposure: a.passwordExposure } : {}),
            };
          }),
        })),
      };
    },
  ],
};
