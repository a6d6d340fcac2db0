// node-opcua servers configured by the tests themselves (not through our simulator's profile code),
// each exposing one case: chosen policies and modes, user token policies rewritten as a legacy or
// hostile device would advertise them, a certificate issued with chosen dates and names, server
// profiles, writable variables and executable methods. Each counts the requests it received and
// the passwords it was given (device-side evidence). PKI under the given work folder, never ~.
import { join } from "node:path";

export interface NodeServerOptions {
  name: string;
  work: string;
  host?: string;
  policies: string[]; // SecurityPolicy names, e.g. "None", "Basic256Sha256"
  modes: ("None" | "Sign" | "SignAndEncrypt")[];
  allowAnonymous?: boolean;
  autoAccept?: boolean;
  users?: { username: string; password: string }[];
  auditing?: boolean;
  /** ServerCapabilities.ServerProfileArray */
  profiles?: string[];
  /** a variable writable by anyone, and a method executable by anyone, in the server's namespace */
  writable?: boolean;
  method?: boolean;
  /** issue the server certificate ourselves (dates, names) before the server starts */
  certificate?: { startDate?: Date; validityDays?: number; applicationUri?: string; dns?: string[]; ip?: string[] };
  applicationUri?: string;
  /** accept X.509 user certificates nobody configured (OpalOPC 10016) */
  autoAcceptUserCertificates?: boolean;
  /** change the address space after the defaults are added (before the server starts) */
  tweak?: (addressSpace: import("node-opcua").AddressSpace) => void;
}

export interface NodeServer {
  url: string;
  port: number;
  requests: Record<string, number>;
  passwordsSeen: string[];
  /** what the server advertises: rewrite each endpoint description (tokens, certificate...) */
  rewrite(fn: (e: import("node-opcua").EndpointDescription) => void): void;
  stop(): Promise<void>;
}

export async function startNodeServer(o: NodeServerOptions): Promise<NodeServer> {
  const opcua = await import("node-opcua");
  opcua.setWarningLogger(() => undefined);
  opcua.setErrorLogger(() => undefined);
  const root = join(o.work, o.name);
  const serverCertificateManager = new opcua.OPCUACertificateManager({
    rootFolder: join(root, "pki"),
    automaticallyAcceptUnknownCertificate: o.autoAccept ?? false,
    disableFileWatchers: true,
  });
  const userCertificateManager = new opcua.OPCUACertificateManager({
    rootFolder: join(root, "user-pki"),
    automaticallyAcceptUnknownCertificate: o.autoAcceptUserCertificates ?? false,
    disableFileWatchers: true,
  });
  const host = o.host ?? "127.0.0.1";
  const certificateFile = join(root, "pki", "own", "certs", "server_certificate.pem");
  const applicationUri = o.applicationUri ?? `urn:otaudit-test:${o.name}`;
  if (o.certificate) {
    await serverCertificateManager.initialize();
    await serverCertificateManager.createSelfSignedCertificate({
      applicationUri: o.certificate.applicationUri ?? applicationUri,
      dns: o.certificate.dns ?? [],
      ip: o.certificate.ip ?? [host],
      outputFile: certificateFile,
      subject: `/CN=${o.name}/O=otaudit tests`,
      startDate: o.certificate.startDate ?? new Date(Date.now() - 3_600_000),
      validity: o.certificate.validityDays ?? 365,
    });
  }
  const passwordsSeen: string[] = [];
  const srv = new opcua.OPCUAServer({
    port: 0,
    host,
    hostname: host,
    serverCertificateManager,
    userCertificateManager,
    certificateFile,
    privateKeyFile: join(root, "pki", "own", "private", "private_key.pem"),
    securityPolicies: o.policies.map((p) => (opcua.SecurityPolicy as unknown as Record<string, string>)[p]) as never,
    securityModes: o.modes.map((m) => opcua.MessageSecurityMode[m]),
    allowAnonymous: o.allowAnonymous ?? false,
    isAuditing: o.auditing ?? false,
    serverInfo: { applicationUri, productUri: "urn:otaudit-test", applicationName: { text: o.name } },
    ...(o.profiles ? { serverCapabilities: { serverProfileArray: o.profiles } } : {}),
    userManager: {
      isValidUser: (u: string, p: string) => {
        passwordsSeen.push(p);
        return (o.users ?? []).some((x) => x.username === u && x.password === p);
      },
    },
  } as never);
  const requests: Record<string, number> = {};
  srv.on("request", (r: { schema?: { name?: string }; constructor: { name: string } }) => {
    const n = r.schema?.name ?? r.constructor.name;
    requests[n] = (requests[n] ?? 0) + 1;
  });
  await srv.initialize();
  const as = srv.engine.addressSpace!;
  const ns = as.getOwnNamespace();
  const plant = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: "Plant" });
  ns.addVariable({
    componentOf: plant,
    browseName: "Temperature",
    nodeId: "s=Plant.Temperature",
    dataType: "Double",
    accessLevel: "CurrentRead",
    userAccessLevel: "CurrentRead",
    value: { dataType: opcua.DataType.Double, value: 20 },
  });
  if (o.writable) {
    const setpoint = ns.addVariable({
      componentOf: plant,
      browseName: "Setpoint",
      nodeId: "s=Plant.Setpoint",
      dataType: "Double",
      accessLevel: "CurrentRead | CurrentWrite",
      userAccessLevel: "CurrentRead | CurrentWrite",
      value: { dataType: opcua.DataType.Double, value: 21.5 },
    });
    // a property of a Variable: found only by a walk that descends into Variables
    ns.addVariable({
      propertyOf: setpoint,
      browseName: "Limit",
      nodeId: "s=Plant.Setpoint.Limit",
      dataType: "Double",
      accessLevel: "CurrentRead | CurrentWrite",
      userAccessLevel: "CurrentRead | CurrentWrite",
      value: { dataType: opcua.DataType.Double, value: 80 },
    });
  }
  if (o.method) {
    const stop = ns.addMethod(plant, { browseName: "StopLine", nodeId: "s=Plant.StopLine", executable: true, userExecutable: true });
    stop.bindMethod((_args, _ctx, cb) => cb(null, { statusCode: opcua.StatusCodes.Good }));
  }
  o.tweak?.(as);
  await srv.start();
  const port = srv.endpoints[0]!.port;
  const h = host.includes(":") ? `[${host}]` : host;
  return {
    url: `opc.tcp://${h}:${port}`,
    port,
    requests,
    passwordsSeen,
    rewrite(fn) {
      for (const e of srv.endpoints[0]!.endpointDescriptions()) fn(e);
    },
    async stop() {
      await srv.shutdown(0);
      await serverCertificateManager.dispose();
      await userCertificateManager.dispose();
    },
  };
}
