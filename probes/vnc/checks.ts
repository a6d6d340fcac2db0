// The checks the VNC probe performs, each with its safety class (shown by `otaudit rules`).
import type { CheckDecl } from "../../src/plugin.js";

export const CHECKS = {
  handshake: {
    id: "vnc.handshake",
    safety: "passive",
    description:
      "read the server's RFB ProtocolVersion, answer with a version (RFC 6143 §7.1.1) and read the security types it offers (§7.1.2); nothing is sent after that: no security type is chosen, no authentication starts, the connection is closed with FIN (some servers, TigerVNC among them, count such an early close as one failed attempt)",
  },
} as const satisfies Record<string, CheckDecl>;
