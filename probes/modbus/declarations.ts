// What the Modbus/TCP plugin declares to the core (plugin contract v2): the `--modbus-units` and
// `--modbus-write` options (validated by the probe's own parsers), the `modbus-tls` credentials
// entry (client certificate and key for Modbus/TCP Security, read and checked before any network
// work) and the cleartext scheme (plain Modbus/TCP has no security of its own).
import { createPrivateKey, X509Certificate } from "node:crypto";
import { z } from "zod";
import {
  credentialsOfKind,
  type PluginCredentialEntry,
  type PluginCredentialsDecl,
  type PluginDiscoveryDecl,
  type PluginOptionDecl,
} from "../../src/plugin.js";
import { parseWriteTarget } from "./options.js";

export const MODBUS_OPTIONS: PluginOptionDecl[] = [
  {
    name: "units",
    valueName: "list",
    description:
      "extra Modbus unit ids to try after 1 and 255 (unit 0, a serial broadcast on gateways, only when named); 'all' sweeps 1-247 (needs --intrusive)",
    schema: z
      .string()
      .regex(/^(all|\d{1,3}(,\d{1,3})*)$/, "expected unit ids such as 2,3,17, or all")
      .refine((v) => v === "all" || v.split(",").every((u) => Number(u) <= 255), "unit ids are 0 to 255"),
    requiresIntrusive: (v) => v === "all",
    intrusiveNote: "a full 1-247 unit sweep is intrusive",
    // the probe reads modbus.units (extra ids) and modbus.sweep=full (the whole range)
    expand: (v): Record<string, string> => (v === "all" ? { sweep: "full" } : { units: v }),
  },
  {
    name: "write",
    valueName: "unit:type:address",
    description: "intrusive write-back test address, e.g. 1:holding:40 (needs --intrusive)",
    schema: z.string().superRefine((v, ctx) => {
      const t = parseWriteTarget(v);
      if (typeof t === "string") ctx.addIssue({ code: "custom", message: `${t}, e.g. 1:holding:40` });
    }),
    requiresIntrusive: true,
    intrusiveNote: "a write-back test is intrusive",
  },
];

export const MODBUS_TLS_CREDENTIAL_FIELDS = {
  /** client certificate (PEM), path relative to the credentials file */
  certificate: z.string().min(1),
  /** its private key (PEM, unencrypted) */
  key: z.string().min(1),
};

export type ModbusTlsCredentialEntry = ReturnType<typeof modbusTlsCredentials>[number];

/** The client certificates a probe got (kind `modbus-tls`). */
export function modbusTlsCredentials(entries: readonly PluginCredentialEntry[]) {
  return credentialsOfKind(entries, "modbus-tls", MODBUS_TLS_CREDENTIAL_FIELDS);
}

export const MODBUS_CREDENTIALS: PluginCredentialsDecl = {
  kinds: ["modbus-tls"],
  fields: MODBUS_TLS_CREDENTIAL_FIELDS,
  secrets: [],
  paths: ["certificate", "key"],
  validate(_entry, files) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(files.certificate!);
    } catch (e) {
      return [`certificate: not an X.509 certificate (${(e as Error).message.slice(0, 120)})`];
    }
    try {
      const key = createPrivateKey(files.key!);
      return cert.checkPrivateKey(key) ? [] : ["key: does not belong to the certificate"];
    } catch (e) {
      return [`key: not a usable private key (${(e as Error).message.slice(0, 120)})`];
    }
  },
};

export const MODBUS_DISCOVERY: PluginDiscoveryDecl = { cleartextSchemes: ["modbus"] };
