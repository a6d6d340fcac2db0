// Modbus/TCP Security judges what its server chose with the tls plugin's judgements over THE shared
// TLS knowledge (probes/tls/judge.ts, probes/tls/data/tls.yaml): one server, one verdict.
export { judgeCertificate, judgeDhBits, judgeGroup, judgeGroupName, judgeSuite, judgeVersionCode } from "../tls/judge.js";
