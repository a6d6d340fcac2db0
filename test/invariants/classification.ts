// How the no-false-pass invariant (no-false-pass.test.ts) reads each plugin's facts. Strict by
// default, so a new plugin is covered without entries here: every string is "judged" (mutation (b)
// replaces it), every list is an observation list (mutation (a) empties it), and no single scalar
// is evidence enough for a pass on its own. The entries below relax that, each with its reason.
//
// LABEL_KEYS: string fields that name or describe what was judged (identities, free text, numbers
// printed as text), never the basis of a verdict. Mutation (b) keeps them; reading them is never
// positive evidence.
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
};

/** A string path is a label when it is listed, or its last key (list items: the list's key) is a label key. */
export function isLabelPath(path: string): boolean {
  if (path in LABEL_PATHS) return true;
  const key = path.replace(/(\[\]|\{\})+$/, "").split(".").pop()!;
  return key in LABEL_KEYS;
}

/**
 * FINDINGS_LISTS: lists that hold only what was found bad, next to a count of what was checked; an
 * empty one is an observation ("none of N"), so mutation (a) keeps them. plugin id -> path -> why.
 */
export const FINDINGS_LISTS: Record<string, Record<string, string>> = {
  opcua: {
    "anonymousBrowse.writable": "only the writable variables, beside variablesChecked",
    "credentialedSession.browse.writable": "only the writable variables, beside variablesChecked",
    "defaultCredentials.accepted": "only the accepted defaults, beside tried",
    certificateErrors: "only the certificates that failed to parse",
  },
};

/**
 * STANDALONE: scalar facts that are positive evidence on their own (the probe observed the good
 * thing directly); a pass that read one of them, with the value shown, is based on evidence even
 * when every list is empty and every optional field gone. plugin id -> path -> [value, why].
 */
export const STANDALONE: Record<string, Record<string, [string | number | boolean, string]>> = {
  opcua: {
    "serverInfo.auditing": [true, "Server.Auditing (i=2994) was read and is true: the server states it raises audit events"],
    "trustTest.status": ["rejected", "the server refused the secure channel of a never-seen client certificate (the probe decides what is a refusal: one source of truth)"],
    "anonymousSession.status": ["rejected", "the server refused to activate an anonymous session: anonymous users can write nothing"],
  },
  dnp3: {
    "secureAuth.version": [5, "the outstation itself reported Secure Authentication version 5 in attribute g0v209 (IEEE 1815-2012 §11.9.1; the probe decides the SA status: one source of truth)"],
  },
  bacnet: {
    "bbmd.bdt.status": ["nak", "the device answered Read-BDT with its own BVLC-Result NAK (ASHRAE 135 Annex J.2.1): the table is not served"],
    "bbmd.fdt.status": ["nak", "the device answered Read-FDT with its own BVLC-Result NAK (ASHRAE 135 Annex J.2.1): the table is not served"],
  },
};
