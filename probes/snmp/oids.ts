// OIDs the probe reads: the system group (RFC 3418 §2, SNMPv2-MIB) and the USM statistics a
// Report carries (RFC 3414 §5, usmStats).
export const SYSTEM_GROUP = {
  sysDescr: "1.3.6.1.2.1.1.1.0",
  sysObjectID: "1.3.6.1.2.1.1.2.0",
  sysUpTime: "1.3.6.1.2.1.1.3.0",
  sysContact: "1.3.6.1.2.1.1.4.0",
  sysName: "1.3.6.1.2.1.1.5.0",
  sysLocation: "1.3.6.1.2.1.1.6.0",
} as const;
export type SystemField = keyof typeof SYSTEM_GROUP;

export const USM_STATS = "1.3.6.1.6.3.15.1.1";
export const USM_STATS_NAMES: Record<string, string> = {
  [`${USM_STATS}.1.0`]: "usmStatsUnsupportedSecLevels",
  [`${USM_STATS}.2.0`]: "usmStatsNotInTimeWindows",
  [`${USM_STATS}.3.0`]: "usmStatsUnknownUserNames",
  [`${USM_STATS}.4.0`]: "usmStatsUnknownEngineIDs",
  [`${USM_STATS}.5.0`]: "usmStatsWrongDigests",
  [`${USM_STATS}.6.0`]: "usmStatsDecryptionErrors",
};
export const USM_UNKNOWN_USER = `${USM_STATS}.3.0`;
export const USM_UNKNOWN_ENGINE = `${USM_STATS}.4.0`;
