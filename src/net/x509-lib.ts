// @peculiar/x509, loaded once, on first use, by whatever builds or reads certificates with it: the
// TLS observation of FTP and MQTT sessions (tls-observe.ts), Modbus/TCP Security certificates and
// OPC UA certificates. Required, not imported: an import() of its CommonJS tree (tsyringe,
// reflect-metadata) runs Node's cjs-module-lexer over all of it. 2.x resolves its services
// through tsyringe, which needs the Reflect polyfill first; Node's WebCrypto is its crypto provider.
import { webcrypto } from "node:crypto";
import { createRequire } from "node:module";
import type * as X509 from "@peculiar/x509";

let lib: typeof X509 | undefined;

export function peculiarX509(): typeof X509 {
  if (!lib) {
    const load = createRequire(import.meta.url);
    load("reflect-metadata");
    const loaded = load("@peculiar/x509") as typeof X509;
    loaded.cryptoProvider.set(webcrypto as unknown as Parameters<typeof loaded.cryptoProvider.set>[0]);
    lib = loaded;
  }
  return lib;
}
