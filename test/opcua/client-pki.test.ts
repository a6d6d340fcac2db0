// ClientApp.create (probes/opcua/session.ts): a fresh client PKI's RSA key is generated in the
// thread pool while node-opcua loads, written where node-opcua-pki looks for it, and used by the
// certificate manager (no second key); a persistent PKI keeps its own key.
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ClientApp, PKI_PRIVATE_KEY } from "../../probes/opcua/session.js";
import { requireNodeOpcua } from "../../probes/opcua/load-node-opcua.js";
import { silentLogger } from "../../src/log.js";

const opts = { log: silentLogger(), timeoutMs: 5000 } as Parameters<typeof ClientApp.create>[0];

describe("OPC UA client PKI", () => {
  it("a fresh PKI gets an RSA 2048 PKCS#8 key, owner-only, before the certificate manager starts", async () => {
    const app = await ClientApp.create(opts);
    try {
      const file = join(app.folder, "pki", PKI_PRIVATE_KEY);
      const pem = readFileSync(file, "utf8");
      expect(pem.startsWith("-----BEGIN PRIVATE KEY-----")).toBe(true);
      expect(createPrivateKey(pem).asymmetricKeyDetails?.modulusLength).toBe(2048);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      await app.dispose();
    }
  });

  it("node-opcua-pki's contract we rely on: initialize() keeps a key it finds at PKI_PRIVATE_KEY and generates none", async () => {
    const root = join(mkdtempSync(join(tmpdir(), "otaudit-opcua-pki-")), "pki");
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    mkdirSync(dirname(join(root, PKI_PRIVATE_KEY)), { recursive: true, mode: 0o700 });
    writeFileSync(join(root, PKI_PRIVATE_KEY), privateKey, { mode: 0o600 });
    const { OPCUACertificateManager } = requireNodeOpcua<typeof import("node-opcua-certificate-manager")>("node-opcua-certificate-manager");
    const manager = new OPCUACertificateManager({ rootFolder: root, automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true, keySize: 2048 });
    await manager.initialize();
    try {
      expect(readFileSync(join(root, PKI_PRIVATE_KEY), "utf8")).toBe(privateKey);
    } finally {
      await manager.dispose();
    }
  });

  it("a persistent PKI folder keeps the key it has", async () => {
    const folder = mkdtempSync(join(tmpdir(), "otaudit-opcua-persistent-"));
    const first = await ClientApp.create(opts, folder);
    const key = readFileSync(join(folder, PKI_PRIVATE_KEY), "utf8");
    await first.dispose();
    const second = await ClientApp.create(opts, folder);
    await second.dispose();
    expect(readFileSync(join(folder, PKI_PRIVATE_KEY), "utf8")).toBe(key);
  });
});
