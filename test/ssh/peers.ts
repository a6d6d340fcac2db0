// Scripted SSH peers for tests (loopback): a raw TCP server whose behaviour a test scripts byte by
// byte (hostile corpus, issue 13), a raw "key exchange responder" that answers our key exchange
// with a crafted reply, and an ssh2 server with quirky authentication (issue 12: lists only
// publickey but takes any password, lets real account names in with `none`).
import { sshKeyPair } from "../../probes/ssh/simulator.js";
import { createServer, type Server, type Socket } from "node:net";
import ssh2 from "ssh2";
import { encodeBinaryPacket, encodeKexInitPayload, encodeString, MSG, type KexInit } from "../../probes/ssh/kexinit.js";

export const IDENT = "SSH-2.0-Scripted_1.0\r\n";

/** The scripted servers' KEXINIT lists unless a test overrides them. */
export const SCRIPTED_KEXINIT: Omit<KexInit, "cookie" | "irregularities"> = {
  kexAlgorithms: ["curve25519-sha256"],
  serverHostKeyAlgorithms: ["ssh-ed25519"],
  encryptionClientToServer: ["aes128-ctr"],
  encryptionServerToClient: ["aes128-ctr"],
  macClientToServer: ["hmac-sha2-256"],
  macServerToClient: ["hmac-sha2-256"],
  compressionClientToServer: ["none"],
  compressionServerToClient: ["none"],
  languagesClientToServer: [],
  languagesServerToClient: [],
  firstKexPacketFollows: false,
};

export function kexInit(over: Partial<Omit<KexInit, "cookie" | "irregularities">> = {}): Buffer {
  return encodeBinaryPacket(
    encodeKexInitPayload({
      ...SCRIPTED_KEXINIT,
      ...over,
    }),
  );
}

/** SSH_MSG_KEX_ECDH_REPLY (RFC 5656 §4) carrying `hostKey` as K_S, a dummy Q_S and signature. */
export function ecdhReply(hostKey: Buffer): Buffer {
  return encodeBinaryPacket(
    Buffer.concat([
      Buffer.from([MSG.KEXDH_REPLY]),
      encodeString(hostKey),
      encodeString(Buffer.alloc(32, 7)),
      encodeString(Buffer.concat([encodeString("ssh-ed25519"), encodeString(Buffer.alloc(64, 1))])),
    ]),
  );
}

export interface PeerRecord {
  ended: boolean;
  reset: boolean;
  received: number;
}

export interface ScriptedServer {
  port: number;
  peers: PeerRecord[];
  close(): Promise<void>;
}

/**
 * A TCP server scripted per connection: `behave(socket, index, peer)`. Reads (and counts) what the
 * probe sends, answers our FIN with its own, records resets; close() destroys what is left.
 */
export async function scriptedServer(behave: (s: Socket, index: number, peer: PeerRecord) => void): Promise<ScriptedServer> {
  const peers: PeerRecord[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    const peer: PeerRecord = { ended: false, reset: false, received: 0 };
    const index = peers.push(peer) - 1;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("data", (d: Buffer) => (peer.received += d.length));
    s.on("end", () => {
      peer.ended = true;
      if (!s.destroyed) s.end();
    });
    s.on("error", () => (peer.reset = true));
    try {
      behave(s, index, peer);
    } catch {
      s.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as { port: number }).port,
    peers,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Send ident + KEXINIT; when the client's next bytes arrive, send `reply` (once per connection). */
export function kexResponder(hello: Buffer, reply: Buffer | ((s: Socket) => void)): (s: Socket) => void {
  return (s) => {
    s.write(Buffer.concat([Buffer.from(IDENT), hello]));
    let seen = 0;
    let sent = false;
    s.on("data", (d: Buffer) => {
      seen += d.length;
      // our ident (~25 bytes) then KEXINIT + kex init: answer once the key exchange request is in
      if (sent || seen < 120) return;
      sent = true;
      if (typeof reply === "function") reply(s);
      else s.write(reply);
    });
  };
}

export interface QuirkyAuth {
  /** methods listed in every SSH_MSG_USERAUTH_FAILURE */
  advertise: string[];
  /** accept this password (any method, listed or not) */
  acceptPassword?: (username: string, password: string) => boolean;
  /** accept `none` for this account */
  acceptNone?: (username: string) => boolean;
}

/** An ssh2 server with quirky authentication; counts requests per method and user. */
export async function quirkyAuthServer(
  auth: QuirkyAuth,
): Promise<{ port: number; requests: { method: string; username: string; password?: string }[]; logins: number; close(): Promise<void> }> {
  const hostKey = sshKeyPair("ed25519").private;
  const requests: { method: string; username: string; password?: string }[] = [];
  let logins = 0;
  const clients = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKey], ident: "Quirky_1.0" }, (client) => {
    clients.add(client);
    client.on("error", () => {});
    client.on("close", () => clients.delete(client));
    client.on("authentication", (ctx) => {
      const r: { method: string; username: string; password?: string } = { method: ctx.method, username: ctx.username };
      if (ctx.method === "password") r.password = ctx.password;
      requests.push(r);
      const ok = (ctx.method === "none" && auth.acceptNone?.(ctx.username)) || (ctx.method === "password" && auth.acceptPassword?.(ctx.username, ctx.password));
      if (ok) {
        logins++;
        return ctx.accept();
      }
      return ctx.reject(auth.advertise as ssh2.AuthenticationType[]);
    });
    client.on("ready", () => client.on("session", (_a, reject) => reject()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as { port: number }).port,
    requests,
    get logins() {
      return logins;
    },
    async close() {
      for (const c of clients) c.end();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
