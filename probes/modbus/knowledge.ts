// The Modbus/TCP Security checks judge TLS with THE shared TLS knowledge (probes/tls/data/tls.yaml,
// loaded by probes/tls/knowledge.ts): one server, one verdict, whichever plugin looks at it.
export { familyCodes, matchesSuite, SuiteMatch, TLS_KNOWLEDGE_FILE, TlsKnowledge, tlsKnowledge } from "../tls/knowledge.js";
