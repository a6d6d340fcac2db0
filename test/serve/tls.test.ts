// otaudit serve over TLS with client certificates (the way to serve off loopback without a token):
// a client without a certificate signed by --tls-client-ca is refused in the handshake; one with it
// gets the API; HSTS is sent. Certificates made by the openssl CLI for the test, on loopback.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon, findBinary } from "../helpers/daemons.js";
import type { RunningServer } from "../../src/serve/server.js";
import { makeStore, serveStore, type TestStore } from "./helpers.js";

const OPENSSL = findBinary("/usr/bin/openssl");

describeWithDaemon("otaudit serve over TLS with client certificates", !!OPENSSL, "openssl CLI not installed (apt-get install openssl)", () => {
  let store: TestStore;
  let server: RunningServer;
  const f = (name: string) => join(store.dir, name);

  function issue(name: string, cn: string, ext: string): void {
    execFileSync(
      OPENSSL!,
      ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", `/CN=${cn}`],
      { stdio: "ignore" },
    );
    writeFileSync(f(`${name}.ext`), ext);
    execFileSync(
      OPENSSL!,
      [
        "x509",
        "-req",
        "-in",
        f(`${name}.csr`),
        "-CA",
        f("ca.pem"),
        "-CAkey",
        f("ca.key"),
        "-CAcreateserial",
        "-out",
        f(`${name}.pem`),
        "-days",
        "1",
        "-extfile",
        f(`${name}.ext`),
      ],
      { stdio: "ignore" },
    );
  }

  beforeAll(async () => {
    store = makeStore(6, 1);
    execFileSync(
      OPENSSL!,
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        f("ca.key"),
        "-out",
        f("ca.pem"),
        "-subj",
        "/CN=otaudit test CA",
        "-days",
        "1",
      ],
      { stdio: "ignore" },
    );
    issue("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    issue("client", "auditor", "extendedKeyUsage=clientAuth\n");
    server = await serveStore(store.file, {
      tls: { cert: readFileSync(f("server.pem")), key: readFileSync(f("server.key")), clientCa: readFileSync(f("ca.pem")) },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    store?.cleanup();
  });

  function get(path: string, client?: { cert: Buffer; key: Buffer }): Promise<{ status: number; hsts?: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, path, ca: readFileSync(f("ca.pem")), ...(client ?? {}) }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, hsts: res.headers["strict-transport-security"] as string | undefined }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("no client certificate: refused in the handshake; with one: the API answers", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(get("/api/meta")).rejects.toThrow();
    const ok = await get("/api/meta", { cert: readFileSync(f("client.pem")), key: readFileSync(f("client.key")) });
    expect(ok.status).toBe(200);
    expect(ok.hsts).toMatch(/max-age=\d+/);
  });
});
