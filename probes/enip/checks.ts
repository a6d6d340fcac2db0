// Declared checks (with safety classes) of the EtherNet/IP plugin. Kept free of network code so
// index.ts and probe.ts share one definition.
import type { CheckDecl } from "../../src/plugin.js";

/** CIP Security object (CIP Vol. 8): class 0x5D instance 1, attributes 1 state, 2 profiles, 3 profiles configured. */
export const CIP_SECURITY_CLASS = 0x5d;
export const CIP_SECURITY_ATTRIBUTES = [1, 2, 3] as const;
/** EtherNet/IP over TLS (TCP) and DTLS (UDP), CIP Vol. 8 / Vol. 2 §2-2 (IANA "EtherNet-IP-secure" 2221, 2222). */
export const TLS_PORT = 2221;
export const DTLS_PORT = 2222;

export const CHECKS = {
  listIdentity: {
    id: "enip.list-identity",
    safety: "passive",
    description:
      "encapsulation ListIdentity (0x63) over TCP, then once by UDP unicast to the same port: vendor, device type, product, revision, serial, status, state",
    sends: () => ["ListIdentity (TCP)", "ListIdentity (UDP unicast)"],
  },
  listServices: {
    id: "enip.list-services",
    safety: "passive",
    description: "encapsulation ListServices (0x04): the communication capabilities",
    sends: () => ["ListServices"],
  },
  cipSecurity: {
    id: "enip.cip-security",
    safety: "read",
    description:
      "RegisterSession, then SendRRData unconnected Get_Attribute_Single (0x0E) to the CIP Security object (class 0x5D, instance 1, attributes 1-3), then UnRegisterSession",
    sends: () => ["RegisterSession", ...CIP_SECURITY_ATTRIBUTES.map((a) => `Get_Attribute_Single class 0x5d instance 1 attribute ${a}`), "UnRegisterSession"],
  },
  secureTransport: {
    id: "enip.secure-transport",
    safety: "passive",
    description: `one TLS ClientHello to tcp/${TLS_PORT} and one DTLS 1.2 ClientHello to udp/${DTLS_PORT} (the server's first answer is read, no session is set up)`,
    sends: () => [`TLS ClientHello tcp/${TLS_PORT}`, `DTLS ClientHello udp/${DTLS_PORT}`],
  },
} as const satisfies Record<string, CheckDecl>;
