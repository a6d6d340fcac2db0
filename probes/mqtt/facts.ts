// Facts the MQTT probe records (zod): per broker endpoint, whether the channel is TLS (and what its
// handshake showed), the anonymous CONNECT attempts (protocol level, CONNACK code, MQTT 5
// properties) and, only when asked, default-credential and bench-credential results. Never a secret.
import { z } from "zod";
import { LoginRunFacts } from "../../src/knowledge/login-run.js";
import { TlsSessionFacts } from "../../src/net/tls-session.js";

export const CheckError = z.object({ code: z.string(), message: z.string() });
export type CheckError = z.infer<typeof CheckError>;

export const ConnectAttempt = z.object({
  protocolLevel: z.union([z.literal(3), z.literal(4), z.literal(5)]),
  /** connack: a CONNACK arrived; closed: the broker closed without one; error: timeout or reset */
  result: z.enum(["connack", "closed", "error"]),
  code: z.number().int().min(0).max(255).optional(),
  codeName: z.string().optional(),
  verdict: z.enum(["accepted", "auth-refused", "version-refused", "other"]).optional(),
  sessionPresent: z.boolean().optional(),
  error: z.string().optional(),
});
export type ConnectAttempt = z.infer<typeof ConnectAttempt>;

export const MqttProperties = z.object({
  sessionExpiryInterval: z.number().int().optional(),
  receiveMaximum: z.number().int().optional(),
  maximumQoS: z.number().int().optional(),
  retainAvailable: z.boolean().optional(),
  maximumPacketSize: z.number().int().optional(),
  assignedClientIdentifier: z.string().optional(),
  topicAliasMaximum: z.number().int().optional(),
  reasonString: z.string().optional(),
  userProperties: z.array(z.tuple([z.string(), z.string()])).optional(),
  wildcardSubscriptionAvailable: z.boolean().optional(),
  subscriptionIdentifiersAvailable: z.boolean().optional(),
  sharedSubscriptionAvailable: z.boolean().optional(),
  serverKeepAlive: z.number().int().optional(),
  responseInformation: z.string().optional(),
  serverReference: z.string().optional(),
  authenticationMethod: z.string().optional(),
  unparsed: z.string().optional(),
});

export const AnonymousConnect = z.object({
  /** the random client identifier used (so broker logs can be matched; never one a device uses) */
  clientId: z.string(),
  attempts: z.array(ConnectAttempt).max(3),
  /** the outcome at the highest protocol level the broker answered */
  outcome: z.enum(["accepted", "auth-refused", "refused-other", "no-answer"]),
  protocolLevel: z.union([z.literal(3), z.literal(4), z.literal(5)]).optional(),
  /** MQTT 5 CONNACK properties, where the broker speaks 5.0 */
  properties: MqttProperties.optional(),
  /** after an accepted CONNECT: DISCONNECT sent and the connection closed by us */
  disconnected: z.boolean().optional(),
});
export type AnonymousConnect = z.infer<typeof AnonymousConnect>;

export const MqttService = z.object({
  port: z.number().int().min(1).max(65535),
  url: z.string(),
  /** the endpoint is MQTT over TLS (mqtts, 8883) */
  tls: z.boolean(),
  tlsSession: TlsSessionFacts.optional(),
  anonymous: AnonymousConnect.optional(),
  defaultCredentials: LoginRunFacts.optional(),
  /** bench credentials from the credentials file: accepted or not (never the password) */
  credentialed: z
    .object({
      username: z.string(),
      outcome: z.enum(["accepted", "auth-refused", "refused-other", "no-answer"]),
      code: z.number().int().optional(),
      codeName: z.string().optional(),
    })
    .optional(),
  error: CheckError.optional(),
});
export type MqttService = z.infer<typeof MqttService>;

export const MqttFacts = z.object({ services: z.array(MqttService).min(1) });
export type MqttFacts = z.infer<typeof MqttFacts>;
