// One FTP control connection (RFC 959): open, read replies with an absolute deadline each, send
// commands, upgrade to TLS after "234" to AUTH TLS (RFC 4217 §4), QUIT and close with FIN. Command
// lines are built here only, so no CR/LF from anywhere can split a command (RFC 959 §4.1.3).
import type { TLSSocket } from "node:tls";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { Connection, Deadline } from "../../src/net/index.js";
import { failureOf } from "../../src/net/services.js";
import { observingTlsOptions, type TlsSessionFacts } from "../../src/net/tls-session.js";
import { parseReply, ReplyFramer, type FtpReply } from "./reply.js";

const MAX_BUFFERED = 64 * 1024;
/** extra wait for a PASS reply: servers delay a failed login on purpose (pam_faildelay 2 s, vsftpd 1 s) */
export const LOGIN_FAIL_DELAY_MS = 5000;

export class FtpSession {
  private framer = new ReplyFramer();
  private constructor(
    private conn: Connection,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  /** Connect and read the greeting; connect failures become ServiceFailure (absent/unreachable). */
  static async open(ep: ServiceEndpoint, timeoutMs: number, signal: AbortSignal): Promise<{ session: FtpSession; greeting: FtpReply }> {
    let conn: Connection;
    try {
      conn = await Connection.open({ host: ep.host, port: ep.port, timeoutMs, signal, maxBuffered: MAX_BUFFERED });
    } catch (e) {
      throw failureOf(e, "connect", ep.explicit);
    }
    const session = new FtpSession(conn, timeoutMs, signal);
    try {
      // RFC 959 §5.4: 120 (ready in nnn minutes) may precede 220; keep the last reply
      let greeting = await session.reply("the greeting");
      if (greeting.code === 120) greeting = await session.reply("the greeting");
      return { session, greeting };
    } catch (e) {
      await session.close();
      throw e;
    }
  }

  async reply(what = "a reply", ms = this.timeoutMs): Promise<FtpReply> {
    this.framer.reset();
    try {
      return parseReply(await this.conn.read(this.framer.frame, new Deadline(ms, this.signal), what));
    } finally {
      this.framer.reset();
    }
  }

  /** Send one command (no CR/LF inside) and read its reply; `ms` overrides the per-reply wait. */
  async command(verb: string, arg?: string, ms?: number): Promise<FtpReply> {
    const line = arg === undefined ? verb : `${verb} ${arg}`;
    if (/[\r\n]/.test(line)) throw new Error("FTP command with a line break");
    this.conn.write(`${line}\r\n`);
    return this.reply(`the reply to ${verb}`, ms);
  }

  /** PASS replies come late on purpose after a failure (PAM's fail delay, vsftpd delay_failed_login): wait longer */
  passWaitMs(): number {
    return this.timeoutMs + LOGIN_FAIL_DELAY_MS;
  }

  /** After "234": the TLS handshake on this connection; returns its facts. */
  async startTls(host: string): Promise<TlsSessionFacts> {
    this.conn = await this.conn.startTls(observingTlsOptions(host), new Deadline(this.timeoutMs, this.signal));
    const { tlsSessionFacts } = await import("../../src/net/tls-observe.js"); // x509 parsing: loaded only when TLS is met
    return tlsSessionFacts(this.conn.socket as TLSSocket);
  }

  /** QUIT (best effort, RFC 959 §4.1.1), then FIN. */
  async quit(): Promise<void> {
    try {
      this.conn.write("QUIT\r\n");
      await this.reply("the reply to QUIT", Math.min(this.timeoutMs, 1000));
    } catch {
      /* the goodbye is a courtesy; the close below is what matters */
    }
    await this.close();
  }

  close(): Promise<void> {
    return this.conn.close(Math.min(this.timeoutMs, 1000));
  }
}
