// Profile-driven OPC UA simulator: a node-opcua server offering the profile's policies, modes,
// token types, users, auditing flag, variables and (optionally) automatic acceptance of unknown
// client certificates. Binds to the host it is given on an ephemeral port; its PKI lives in a
// fresh folder under the given stateDir (never the user's home). Counts requests by service so
// tests can assert from the server's side what a probe sent (stats()).
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import type { OpcuaSimProfile } from "./profile.js";

export async function startOpcuaSimulator(profile: OpcuaSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const { importSkippingPkcs1Diagnostic, requireNodeOpcua, routeNodeOpcuaLogs } = await import("./load-node-opcua.js");
  routeNodeOpcuaLogs(() => undefined);
  const server = await importSkippingPkcs1Diagnostic(async () => requireNodeOpcua<typeof import("node-opcua-server")>("node-opcua-server"));
  const { OPCUACertificateManager } = requireNodeOpcua<typeof import("node-opcua-certificate-manager")>("node-opcua-certificate-manager");
  const { SecurityPolicy, MessageSecurityMode } = requireNodeOpcua<typeof import("node-opcua-secure-channel")>("node-opcua-secure-channel");
  const { nodesets } = requireNodeOpcua<typeof import("node-opcua-nodesets")>("node-opcua-nodesets");
  const { DataType } = requireNodeOpcua<typeof import("node-opcua-variant")>("node-opcua-variant");

  await mkdir(opts.stateDir, { recursive: true });
  const folder = await mkdtemp(join(opts.stateDir, "opcua-sim-"));
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(folder, "pki"),
    automaticallyAcceptUnknownCertificate: profile.autoAcceptUnknownCertificates,
    disableFileWatchers: true,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: join(folder, "user-pki"),
    automaticallyAcceptUnknownCertificate: false,
    disableFileWatchers: true,
  });
  const policyUri = (name: string) => (SecurityPolicy as unknown as Record<string, string>)[name]!;
  const modes = profile.securityModes.map((m) => MessageSecurityMode[m as keyof typeof MessageSecurityMode] as number);
  const counts: Record<string, number> = {};
  const auth = { activateOk: 0, activateFailed: 0 };

  // Issue the server certificate ourselves so its subjectAltName names exactly the profile's hosts
  // (default: the address served); node-opcua's own default names the machine's hostname and IPs.
  const certificateFile = join(folder, "pki", "own", "certs", "server_certificate.pem");
  const applicationUri = `urn:otaudit:simulator:${opts.host}`;
  const certHosts = profile.certificateHosts ?? [opts.host];
  await serverCertificateManager.initialize();
  await serverCertificateManager.createSelfSignedCertificate({
    applicationUri,
    dns: certHosts.filter((h) => !isIP(h)),
    ip: certHosts.filter((h) => isIP(h)),
    outputFile: certificateFile,
    subject: "/CN=otaudit simulator/O=Example Automation",
    startDate: new Date(Date.now() - 3_600_000),
    validity: 3650,
  });

  const srv = new server.OPCUAServer({
    port: opts.port ?? 0,
    host: opts.host,
    hostname: opts.host,
    alternateHostname: [opts.host], // so the self-signed certificate names the address it serves
    resourcePath: profile.resourcePath,
    nodeset_filename: [nodesets.standard],
    securityPolicies: profile.securityPolicies.map(policyUri) as never,
    securityModes: modes,
    allowAnonymous: profile.anonymous,
    isAuditing: profile.auditing,
    serverCertificateManager,
    userCertificateManager,
    certificateFile,
    privateKeyFile: join(folder, "pki", "own", "private", "private_key.pem"),
    buildInfo: { ...profile.buildInfo, productUri: "urn:otaudit:simulator", buildDate: new Date(0) },
    serverInfo: { applicationUri, productUri: "urn:otaudit:simulator", applicationName: { text: "otaudit simulator" } },
    userManager: {
      isValidUser: (username: string, password: string) => {
        const ok = profile.users.some((u) => u.username === username && u.password === password);
        if (ok) auth.activateOk++;
        else auth.activateFailed++;
        return ok;
      },
    },
  } as never);
  srv.on("request", (request: { schema?: { name?: string }; constructor: { name: string } }) => {
    const name = request.schema?.name ?? request.constructor.name;
    counts[name] = (counts[name] ?? 0) + 1;
  });
  try {
    await srv.initialize();
    const addressSpace = srv.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    const device = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: "Device" });
    for (const v of profile.variables) {
      ns.addVariable({
        componentOf: device,
        browseName: v.name,
        nodeId: `s=Device.${v.name}`,
        dataType: "Double",
        accessLevel: v.writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
        userAccessLevel: v.writable ? "CurrentRead | CurrentWrite" : "CurrentRead",
        value: { dataType: DataType.Double, value: v.value },
      });
    }
    await srv.start();
  } catch (e) {
    await srv.shutdown(0).catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
    throw e;
  }
  const port = srv.endpoints[0]!.port;
  const h = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    urls: [`opc.tcp://${h}:${port}${profile.resourcePath}`],
    stats: () => ({ requests: { ...counts }, auth: { ...auth } }),
    async stop() {
      await srv.shutdown(0).catch(() => undefined);
      await serverCertificateManager.dispose().catch(() => undefined);
      await userCertificateManager.dispose().catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
