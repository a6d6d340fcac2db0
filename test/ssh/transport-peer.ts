// A scripted SSH server that completes a real key exchange (curve25519-sha256, ssh-ed25519 host
// key, RFC 8731 / RFC 5656 §4) and then misbehaves on cue after NEWKEYS: the hostile peers of the
// `none` request over otaudit's own transport (transport-hostile.test.ts). Server side of the
// packets is our own transport.ts (sealer and opener swapped): the independent implementations
// are OpenSSH, Dropbear and ssh2 elsewhere; here the point is what a lying peer sends.
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, sign } from "node:crypto";
import type { Socket } from "node:net";
import { encodeKexInitPayload, type KexInit } from "../../probes/ssh/kexinit.js";
import { type Ephemeral, exchangeHash } from "../../probes/ssh/kex-exchange.js";
import { deriveKey, directionKeys, type Direction, PacketOpener, PacketSealer } from "../../probes/ssh/transport.js";
import { encodeBinaryPacket, encodeString, MSG, PayloadReader, SshStreamReader } from "../../probes/ssh/wire.js";
import { IDENT, SCRIPTED_KEXINIT } from "./peers.js";

export interface AfterNewKeys {
  socket: Socket;
  /** seal and send one payload with the server-to-client keys */
  send(payload: Buffer): void;
  /** seal one payload without sending it (to corrupt it first) */
  seal(payload: Buffer): Buffer;
  /** called with each payload the client sends after NEWKEYS */
  onPacket(cb: (p: Buffer) => void): void;
}

export interface TransportScript {
  /** server KEXINIT lists (curve25519-sha256, ssh-ed25519, aes128-ctr, hmac-sha2-256, none by default) */
  kexInit?: Partial<Omit<KexInit, "cookie" | "irregularities">>;
  /** sign something other than H */
  badSignature?: boolean;
  /** after both NEWKEYS; default: a well-behaved server that lists publickey,password */
  afterNewKeys?: (t: AfterNewKeys) => void;
}

export const SERVICE_ACCEPT = Buffer.concat([Buffer.from([MSG.SERVICE_ACCEPT]), encodeString("ssh-userauth")]);
export const FAILURE = Buffer.concat([Buffer.from([MSG.USERAUTH_FAILURE]), encodeString("publickey,password"), Buffer.from([0])]);

/** The default script after NEWKEYS: SERVICE_ACCEPT, then USERAUTH_FAILURE listing publickey,password. */
export function wellBehaved(t: AfterNewKeys): void {
  t.onPacket((p) => {
    if (p[0] === MSG.SERVICE_REQUEST) t.send(SERVICE_ACCEPT);
    else if (p[0] === MSG.USERAUTH_REQUEST) t.send(FAILURE);
  });
}

const hostKey = generateKeyPairSync("ed25519");
const hostPk = Buffer.from(hostKey.publicKey.export({ format: "jwk" }).x!, "base64url");
export const HOST_KEY_BLOB = Buffer.concat([encodeString("ssh-ed25519"), encodeString(hostPk)]);

/** Socket behaviour for scriptedServer (peers.ts): every connection runs `script`. */
export function transportServer(script: TransportScript = {}): (s: Socket) => void {
  const k: Omit<KexInit, "cookie" | "irregularities"> = { ...SCRIPTED_KEXINIT, ...script.kexInit };
  const iS = encodeKexInitPayload(k);
  const dirOf = (ciphers: string[], macs: string[]): Direction =>
    ciphers[0]!.includes("gcm") ? { cipher: ciphers[0]! } : { cipher: ciphers[0]!, mac: macs[0]! };
  return (s) => {
    s.write(Buffer.concat([Buffer.from(IDENT), encodeBinaryPacket(iS)]));
    const reader = new SshStreamReader();
    let vC: string | undefined;
    let iC: Buffer | undefined;
    let h: Buffer | undefined;
    let kSecret: Buffer | undefined;
    let opener: PacketOpener | undefined;
    const listeners: ((p: Buffer) => void)[] = [];
    s.on("data", (d: Buffer) => {
      if (s.destroyed) return;
      try {
        if (opener) {
          opener.push(d);
          for (let p = opener.next(); p; p = opener.next()) for (const l of listeners) l(p);
          return;
        }
        reader.push(d);
        if (!vC) {
          const line = reader.nextLine();
          if (!line) return;
          vC = line.line;
        }
        for (let p = reader.nextPacket(); p; p = reader.nextPacket()) {
          if (p[0] === MSG.KEXINIT) iC = p;
          else if (p[0] === MSG.KEXDH_INIT) {
            const qC = new PayloadReader(p, 1).string("Q_C");
            const eph = generateKeyPairSync("x25519");
            const qS = Buffer.from(eph.publicKey.export({ format: "jwk" }).x!, "base64url");
            const peer = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: qC.toString("base64url") }, format: "jwk" });
            kSecret = diffieHellman({ privateKey: eph.privateKey, publicKey: peer });
            const ours = { ours: qC, mpints: false } as Ephemeral; // H is symmetric: Q_C first, then Q_S
            h = exchangeHash({ hash: "sha256", vC, vS: IDENT.trim(), iC: iC!, iS, kS: HOST_KEY_BLOB }, ours, qS, kSecret);
            const signed = script.badSignature ? createHash("sha256").update("not H").digest() : h;
            const sig = Buffer.concat([encodeString("ssh-ed25519"), encodeString(sign(null, signed, hostKey.privateKey))]);
            const reply = Buffer.concat([Buffer.from([MSG.KEXDH_REPLY]), encodeString(HOST_KEY_BLOB), encodeString(qS), encodeString(sig)]);
            s.write(Buffer.concat([encodeBinaryPacket(reply), encodeBinaryPacket(Buffer.from([MSG.NEWKEYS]))]));
          } else if (p[0] === MSG.NEWKEYS) {
            const derive = (letter: string, len: number) => deriveKey("sha256", kSecret!, h!, letter, h!, len);
            const cs = dirOf(k.encryptionClientToServer, k.macClientToServer);
            const sc = dirOf(k.encryptionServerToClient, k.macServerToClient);
            // sequence numbers: three packets each way so far (KEXINIT, the exchange, NEWKEYS)
            opener = new PacketOpener(cs, directionKeys(cs, true, derive), 3);
            const sealer = new PacketSealer(sc, directionKeys(sc, false, derive), 3);
            const t: AfterNewKeys = {
              socket: s,
              seal: (payload) => sealer.seal(payload),
              send: (payload) => void (s.writable && s.write(sealer.seal(payload))),
              onPacket: (cb) => void listeners.push(cb),
            };
            (script.afterNewKeys ?? wellBehaved)(t);
            opener.push(reader.takeRest());
            for (let q = opener.next(); q; q = opener.next()) for (const l of listeners) l(q);
            return;
          }
        }
      } catch {
        s.destroy();
      }
    });
  };
}
