// FTP replies (RFC 959 §4.2): "xyz text" on one line, or a multi-line reply that starts with
// "xyz-" and ends at the first line beginning "xyz " with the same code. Linear and bounded: the
// framer keeps its scan position between arrivals (each byte is looked at once), a reply is at most
// MAX_REPLY bytes and MAX_LINES lines, and lines keep their bytes (latin1) for the facts; escaping
// control characters is the output's job. CRLF ends a line; a bare LF is tolerated.

export const MAX_REPLY = 16 * 1024;
export const MAX_LINES = 100;

export class FtpWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FtpWireError";
  }
}

export interface FtpReply {
  code: number;
  /** the reply's lines without their line ends, byte for byte (latin1) */
  lines: string[];
}

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/**
 * Frames one reply at the start of a buffer. Stateful between arrivals of the same reply (call
 * reset() after each reply is consumed). `frame(buf)` returns the reply's byte length or undefined.
 */
export class ReplyFramer {
  private scanned = 0;
  private lineStart = 0;
  private lines = 0;
  /** the code of a multi-line reply ("xyz-"), once its first line is seen */
  private multi: string | undefined;

  reset(): void {
    this.scanned = 0;
    this.lineStart = 0;
    this.lines = 0;
    this.multi = undefined;
  }

  readonly frame = (buf: Buffer): number | undefined => {
    for (let i = this.scanned; i < buf.length; i++) {
      if (buf[i] !== 0x0a) continue;
      const end = i + 1;
      const start = this.lineStart;
      this.lineStart = end;
      this.scanned = end;
      if (++this.lines > MAX_LINES) throw new FtpWireError(`reply of more than ${MAX_LINES} lines`);
      const code = isDigit(buf[start]) && isDigit(buf[start + 1]) && isDigit(buf[start + 2]) ? buf.toString("latin1", start, start + 3) : undefined;
      const sep = buf[start + 3];
      if (this.multi === undefined) {
        if (code === undefined) throw new FtpWireError("reply line does not start with a three-digit code");
        if (sep === 0x2d) {
          this.multi = code; // "xyz-": continues until "xyz "
          continue;
        }
        return end; // "xyz text", or "xyz" alone
      }
      if (code === this.multi && sep !== 0x2d && (sep === 0x20 || sep === 0x0d || sep === 0x0a)) return end;
    }
    this.scanned = buf.length;
    if (buf.length > MAX_REPLY) throw new FtpWireError(`reply longer than ${MAX_REPLY} bytes`);
    return undefined;
  };
}

/** Decode a framed reply. */
export function parseReply(bytes: Buffer): FtpReply {
  const text = bytes.toString("latin1");
  const lines = text
    .split("\n")
    .slice(0, -1)
    .map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  const code = Number(text.slice(0, 3));
  if (!Number.isInteger(code) || code < 100 || code > 599) throw new FtpWireError(`reply code ${JSON.stringify(text.slice(0, 3))} is outside 100-599`);
  return { code, lines };
}

/** Device text for a human-readable message: control characters (C0, DEL, C1) shown as \xNN. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The reply's text without codes ("Please specify the password."), first line first. */
export function replyText(r: FtpReply): string {
  return r.lines.map((l, i) => (i === 0 || i === r.lines.length - 1 ? l.slice(4) : l.replace(/^ /, ""))).join(" / ");
}

/** FEAT (RFC 2389 §3.2): the feature lines of a 211 reply, trimmed, command names upper-cased. */
export function featureList(r: FtpReply): string[] {
  if (r.code !== 211 || r.lines.length < 2) return [];
  return r.lines
    .slice(1, -1)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => {
      const sp = l.indexOf(" ");
      return sp < 0 ? l.toUpperCase() : `${l.slice(0, sp).toUpperCase()}${l.slice(sp)}`;
    });
}

/** RFC 4217 §6: "AUTH TLS" in FEAT (the AUTH feature lists its mechanisms: "AUTH TLS;TLS-C;SSL"). */
export function featAuthMechanisms(features: string[]): string[] {
  return features
    .filter((f) => f.startsWith("AUTH "))
    .flatMap((f) =>
      f
        .slice(5)
        .split(/[;,\s]+/)
        .filter(Boolean)
        .map((m) => m.toUpperCase()),
    );
}
