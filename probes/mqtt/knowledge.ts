// Typed access to the MQTT plugin's security knowledge: the factory-default broker accounts
// (probes/mqtt/data/default-credentials.yaml, shared format src/knowledge/default-credentials.ts).
import { loadDefaultCredentials, type DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";

export const DEFAULT_CREDENTIALS_FILE = "probes/mqtt/data/default-credentials.yaml";

export function defaultCredentials(): DefaultCredentialsFile {
  return loadDefaultCredentials(DEFAULT_CREDENTIALS_FILE);
}
