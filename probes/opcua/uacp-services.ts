// The service messages of our passive client, as pure functions: request encoders for
// OpenSecureChannel (SecurityPolicy None), GetEndpoints, FindServers and CloseSecureChannel, and
// bounded response decoders (at most KEEP_LIMITS elements kept; an element that fails to parse ends
// the list and keeps the earlier ones). Fuzzed by scripts/fuzz/opcua.ts.
// Spec: OPC 10000-4 §5.4.2 FindServers, §5.4.4 GetEndpoints, §5.5 secure channel, §7.2
// ApplicationDescription, §7.14 EndpointDescription, §7.32/§7.33 request/response headers, §7.41
// UserTokenPolicy; OPC 10000-6 §6.7.4 (OpenSecureChannel with SecurityPolicy None).
import { BinaryReader, BinaryWriter, UacpProtocolError } from "./binary.js";
import { ENCODING_IDS, KEEP_LIMITS, POLICY_NONE, UacpRemoteError, frame, hex8 } from "./uacp-codec.js";

// ---------------------------------------------------------------------------------------------
// Requests

/** RequestHeader (Part 4 §7.32) with a null authentication token. */
function requestHeader(w: BinaryWriter, requestHandle: number, timeoutHint: number) {
  w.uint8(0x00).uint8(0x00); // AuthenticationToken: null NodeId (two-byte form)
  w.dateTime(new Date());
  w.uint32(requestHandle);
  w.uint32(0); // ReturnDiagnostics
  w.string(null); // AuditEntryId
  w.uint32(timeoutHint);
  w.uint8(0x00).uint8(0x00).uint8(0x00); // AdditionalHeader: null ExtensionObject
}

export interface Sequence {
  sequenceNumber: number;
  requestId: number;
}

/** OpenSecureChannel, SecurityPolicy None, SecurityMode None (Part 4 §5.5.2; Part 6 §6.7.4). */
export function encodeOpenSecureChannel(seq: Sequence, timeoutHint: number): Buffer {
  const w = new BinaryWriter().uint32(0).string(POLICY_NONE).byteString(null).byteString(null);
  w.uint32(seq.sequenceNumber).uint32(seq.requestId);
  w.fourByteNodeId(0, ENCODING_IDS.OpenSecureChannelRequest);
  requestHeader(w, seq.requestId, timeoutHint);
  w.uint32(0); // ClientProtocolVersion
  w.int32(0); // RequestType: Issue
  w.int32(1); // SecurityMode: None
  w.byteString(null); // ClientNonce
  w.uint32(60_000); // RequestedLifetime (ms)
  return frame("OPN", w.toBuffer());
}

export interface ChannelToken {
  channelId: number;
  tokenId: number;
}

function symmetric(channel: ChannelToken, seq: Sequence, typeId: number, timeoutHint: number): BinaryWriter {
  const w = new BinaryWriter().uint32(channel.channelId).uint32(channel.tokenId).uint32(seq.sequenceNumber).uint32(seq.requestId);
  w.fourByteNodeId(0, typeId);
  requestHeader(w, seq.requestId, timeoutHint);
  return w;
}

/** GetEndpoints (Part 4 §5.4.4): EndpointUrl, LocaleIds[], ProfileUris[] (both empty). */
export function encodeGetEndpoints(channel: ChannelToken, seq: Sequence, endpointUrl: string, timeoutHint: number): Buffer {
  const w = symmetric(channel, seq, ENCODING_IDS.GetEndpointsRequest, timeoutHint).string(endpointUrl).int32(0).int32(0);
  return frame("MSG", w.toBuffer());
}

/** FindServers (Part 4 §5.4.2): EndpointUrl, LocaleIds[], ServerUris[] (both empty: all servers). */
export function encodeFindServers(channel: ChannelToken, seq: Sequence, endpointUrl: string, timeoutHint: number): Buffer {
  const w = symmetric(channel, seq, ENCODING_IDS.FindServersRequest, timeoutHint).string(endpointUrl).int32(0).int32(0);
  return frame("MSG", w.toBuffer());
}

/** CloseSecureChannel (Part 4 §5.5.3): no response is sent. */
export function encodeCloseSecureChannel(channel: ChannelToken, seq: Sequence, timeoutHint: number): Buffer {
  return frame("CLO", symmetric(channel, seq, ENCODING_IDS.CloseSecureChannelRequest, timeoutHint).toBuffer());
}

// ---------------------------------------------------------------------------------------------
// Responses

/** Skip a ResponseHeader (Part 4 §7.33) and return its ServiceResult. */
function readResponseHeader(r: BinaryReader): number {
  r.int64("ResponseHeader.Timestamp");
  r.uint32("ResponseHeader.RequestHandle");
  const serviceResult = r.uint32("ResponseHeader.ServiceResult");
  r.diagnosticInfo();
  r.array(() => r.string("StringTable"), "StringTable", 4);
  r.extensionObject("ResponseHeader.AdditionalHeader");
  return serviceResult;
}

/** Check the response type (ServiceFault or a Bad result throw) and position the reader at the body. */
export function serviceBody(body: Buffer, expectedTypeId: number, service: string): BinaryReader {
  const r = new BinaryReader(body);
  const typeId = r.typeId(`${service} response type`);
  if (typeId === ENCODING_IDS.ServiceFault) {
    const code = readResponseHeader(r);
    throw new UacpRemoteError(code, `${service} refused: ServiceFault ${hex8(code)}`);
  }
  if (typeId !== expectedTypeId) throw new UacpProtocolError(`unexpected ${service} response type i=${typeId}`);
  const result = readResponseHeader(r);
  if (result & 0x80000000) throw new UacpRemoteError(result, `${service} failed: ${hex8(result)}`);
  return r;
}

export function decodeOpenSecureChannelResponse(body: Buffer): ChannelToken {
  const r = serviceBody(body, ENCODING_IDS.OpenSecureChannelResponse, "OpenSecureChannel");
  r.uint32("ServerProtocolVersion");
  return { channelId: r.uint32("SecurityToken.ChannelId"), tokenId: r.uint32("SecurityToken.TokenId") };
}

export interface RawUserTokenPolicy {
  policyId: string;
  tokenType: number;
  issuedTokenType: string | null;
  securityPolicyUri: string | null;
}

export interface RawEndpoint {
  endpointUrl: string;
  applicationUri: string;
  productUri: string;
  applicationName: string;
  serverCertificate: Buffer | null;
  securityMode: number;
  securityPolicyUri: string;
  userIdentityTokens: RawUserTokenPolicy[];
  /** user token policies past KEEP_LIMITS.userTokens (parsed, not kept) */
  userTokensDropped: number;
  transportProfileUri: string;
  securityLevel: number;
}

export interface RawApplication {
  applicationUri: string;
  productUri: string;
  applicationName: string;
  applicationType: number;
  discoveryUrls: string[];
  discoveryUrlsDropped: number;
}

/** ApplicationDescription (Part 4 §7.2). */
export function readApplicationDescription(r: BinaryReader): RawApplication {
  const applicationUri = r.string("ApplicationUri") ?? "";
  const productUri = r.string("ProductUri") ?? "";
  const applicationName = r.localizedText("ApplicationName");
  const applicationType = r.int32("ApplicationType");
  r.string("GatewayServerUri");
  r.string("DiscoveryProfileUri");
  const n = r.arrayLength("DiscoveryUrls", 4);
  const discoveryUrls: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = r.string("DiscoveryUrl");
    if (i < KEEP_LIMITS.discoveryUrls && u !== null) discoveryUrls.push(u);
  }
  return { applicationUri, productUri, applicationName, applicationType, discoveryUrls, discoveryUrlsDropped: Math.max(0, n - KEEP_LIMITS.discoveryUrls) };
}

/** EndpointDescription (Part 4 §7.14) with its ApplicationDescription (§7.2) and UserTokenPolicy (§7.41). */
export function readEndpointDescription(r: BinaryReader): RawEndpoint {
  const endpointUrl = r.string("EndpointUrl") ?? "";
  const app = readApplicationDescription(r);
  const cert = r.byteString("ServerCertificate");
  const securityMode = r.int32("SecurityMode");
  const securityPolicyUri = r.string("SecurityPolicyUri") ?? "";
  const n = r.arrayLength("UserIdentityTokens", 4 * 5);
  const userIdentityTokens: RawUserTokenPolicy[] = [];
  for (let i = 0; i < n; i++) {
    const policyId = r.string("PolicyId") ?? "";
    const tokenType = r.int32("TokenType");
    const issuedTokenType = r.string("IssuedTokenType");
    r.string("IssuerEndpointUrl");
    const tokenPolicy = r.string("UserTokenPolicy.SecurityPolicyUri");
    if (i < KEEP_LIMITS.userTokens) userIdentityTokens.push({ policyId, tokenType, issuedTokenType, securityPolicyUri: tokenPolicy });
  }
  const transportProfileUri = r.string("TransportProfileUri") ?? "";
  const securityLevel = r.uint8("SecurityLevel");
  return {
    endpointUrl,
    applicationUri: app.applicationUri,
    productUri: app.productUri,
    applicationName: app.applicationName,
    serverCertificate: cert ? Buffer.from(cert) : null,
    securityMode,
    securityPolicyUri,
    userIdentityTokens,
    userTokensDropped: Math.max(0, n - KEEP_LIMITS.userTokens),
    transportProfileUri,
    securityLevel,
  };
}

/** A list from a device: the items kept, how many the device announced, and where parsing stopped. */
export interface BoundedList<T> {
  items: T[];
  /** the array length the device sent (-1 = null array) */
  declared: number;
  /** set when an element could not be parsed: the items before it are kept */
  error?: string;
}

/** Read at most `keep` elements; an element that fails to parse ends the list, keeping the earlier ones. */
export function readBoundedList<T>(r: BinaryReader, read: (r: BinaryReader) => T, what: string, keep: number): BoundedList<T> {
  const declared = r.int32(`${what} length`);
  if (declared < -1) throw new UacpProtocolError(`${what}: negative length ${declared}`);
  const items: T[] = [];
  const take = Math.min(Math.max(declared, 0), keep);
  for (let i = 0; i < take; i++) {
    try {
      items.push(read(r));
    } catch (e) {
      if (!(e instanceof UacpProtocolError)) throw e;
      return { items, declared, error: `${what} ${i + 1} of ${declared}: ${e.message}` };
    }
  }
  return { items, declared };
}

export function decodeGetEndpointsResponse(body: Buffer): BoundedList<RawEndpoint> {
  const r = serviceBody(body, ENCODING_IDS.GetEndpointsResponse, "GetEndpoints");
  return readBoundedList(r, readEndpointDescription, "endpoint", KEEP_LIMITS.endpoints);
}

export function decodeFindServersResponse(body: Buffer): BoundedList<RawApplication> {
  const r = serviceBody(body, ENCODING_IDS.FindServersResponse, "FindServers");
  return readBoundedList(r, readApplicationDescription, "server", KEEP_LIMITS.servers);
}
