// The server's first flight as a scanner sees it (pure state machine over records): ServerHello,
// then for SSLv3..TLS 1.2 Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone in
// the clear (RFC 5246 §7.3 Figure 1); for TLS 1.3 everything after ServerHello is encrypted (RFC
// 8446 §2), so the flight ends at the first encrypted record. Alerts end it too. Bounded: record,
// message and anomaly counts; malformed input throws TlsWireError from the message parsers.
import { ContentType, HandshakeType } from "./constants.js";
import { TlsWireError } from "./errors.js";
import { HandshakeAssembler, parseAlerts, type Alert, type TlsRecord } from "./record.js";
import {
  parseCertificate,
  parseCertificateRequest,
  parseServerHello,
  parseServerKeyExchange,
  type CertificateMessage,
  type CertificateRequest,
  type ServerHello,
  type ServerKeyExchange,
} from "./server.js";

/** Why a flight is over, when it is. */
export type FlightEnd =
  /** TLS <= 1.2: ServerHelloDone received */
  | "server-hello-done"
  /** TLS 1.3: ServerHello, then an encrypted record (the handshake goes on encrypted) */
  | "encrypted"
  | "hello-retry-request"
  | "alert"
  /** a record or message a server may not send at this point */
  | "unexpected";

export interface ServerFlight {
  records: number;
  /** handshake message types in arrival order (bounded) */
  messages: number[];
  alerts: Alert[];
  serverHello?: ServerHello;
  certificate?: CertificateMessage;
  certificateRequest?: CertificateRequest;
  serverKeyExchange?: ServerKeyExchange;
  changeCipherSpec: boolean;
  /** application_data records seen after a TLS 1.3 ServerHello */
  encryptedRecords: number;
  /** oddities worth recording (bounded); never raised to errors when the flight still makes sense */
  anomalies: string[];
  end?: FlightEnd;
}

export class FlightParser {
  readonly flight: ServerFlight = { records: 0, messages: [], alerts: [], changeCipherSpec: false, encryptedRecords: 0, anomalies: [] };
  private readonly assembler: HandshakeAssembler;

  constructor(
    readonly maxRecords = 256,
    maxMessageBytes = 1 << 18,
  ) {
    this.assembler = new HandshakeAssembler(maxMessageBytes, 32);
  }

  get done(): boolean {
    return this.flight.end !== undefined;
  }

  private note(s: string): void {
    if (this.flight.anomalies.length < 16) this.flight.anomalies.push(s);
  }

  /** Feed one record; returns true when the flight is complete (see `flight.end`). */
  push(record: TlsRecord): boolean {
    const f = this.flight;
    if (f.end) return true;
    if (++f.records > this.maxRecords) throw new TlsWireError("too-large", `more than ${this.maxRecords} records before the flight ended`);
    const tls13 = f.serverHello !== undefined && f.serverHello.version >= 0x0304 && !f.serverHello.helloRetryRequest;
    switch (record.type) {
      case ContentType.alert:
        f.alerts.push(...parseAlerts(record.payload));
        f.end = "alert";
        return true;
      case ContentType.changeCipherSpec:
        // TLS 1.3 middlebox compatibility (RFC 8446 §D.4) sends one right after ServerHello
        f.changeCipherSpec = true;
        if (!f.serverHello) return this.unexpected("ChangeCipherSpec before ServerHello");
        return false;
      case ContentType.applicationData:
        if (tls13) {
          f.encryptedRecords++;
          f.end = "encrypted";
          return true;
        }
        return this.unexpected("application data before the handshake finished");
      case ContentType.handshake:
        if (tls13) return this.unexpected("a cleartext handshake record after a TLS 1.3 ServerHello");
        for (const m of this.assembler.push(record.payload)) {
          if (this.message(m.type, m.body)) return true;
        }
        return false;
      default:
        return this.unexpected(`record type ${record.type}`);
    }
  }

  private unexpected(what: string): boolean {
    this.note(`unexpected: ${what}`);
    this.flight.end = "unexpected";
    return true;
  }

  private message(type: number, body: Buffer): boolean {
    const f = this.flight;
    if (f.messages.length < 32) f.messages.push(type);
    if (!f.serverHello) {
      if (type === HandshakeType.helloRequest) return false; // RFC 5246 §7.4.1.1: may be ignored
      if (type !== HandshakeType.serverHello) return this.unexpected(`handshake message ${type} before ServerHello`);
      f.serverHello = parseServerHello(body);
      if (f.serverHello.helloRetryRequest) {
        f.end = "hello-retry-request";
        return true;
      }
      return false;
    }
    const version = f.serverHello.version;
    switch (type) {
      case HandshakeType.certificate:
        if (f.certificate) this.note("second Certificate message");
        f.certificate ??= parseCertificate(body, false);
        return false;
      case HandshakeType.serverKeyExchange:
        f.serverKeyExchange ??= parseServerKeyExchange(body, f.serverHello.cipherSuite, version);
        return false;
      case HandshakeType.certificateRequest:
        f.certificateRequest ??= parseCertificateRequest(body, version);
        return false;
      case HandshakeType.certificateStatus:
        return false; // OCSP stapling (RFC 6066 §8)
      case HandshakeType.serverHelloDone:
        if (body.length !== 0) this.note(`ServerHelloDone with a ${body.length}-byte body`);
        f.end = "server-hello-done";
        return true;
      default:
        return this.unexpected(`handshake message ${type} in the server's first flight`);
    }
  }
}
