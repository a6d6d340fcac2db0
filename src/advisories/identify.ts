// Small pure helpers the plugins' identify() use to read products and versions out of their facts
// (probes/<id>/index.ts). Kept here so each plugin adds only a few lines; no protocol knowledge.

/**
 * SSH identification comments that name a distribution build (RFC 4253 §4.2 "comments"), e.g.
 * "Debian-2+deb12u3", "Ubuntu-3ubuntu0.10", "FreeBSD-20240806". Distributions backport security
 * fixes without changing the upstream version, so the upstream version alone is not proof.
 */
const DISTRIBUTION =
  /^(debian|ubuntu|raspbian|devuan|kali|mint|freebsd|netbsd|dragonfly|fedora|rhel|red ?hat|centos|rocky|alma|oracle|amazon|suse|opensuse|sles|alpine|arch|gentoo|photon|mariner|openwrt|yocto|poky|wrlinux|buildroot)\b/i;

export function distributionBuild(comments: string | undefined): string | undefined {
  const c = comments?.trim();
  if (!c) return undefined;
  return DISTRIBUTION.test(c) || /\bdeb\d+u\d+\b|ubuntu\d|\.el\d|\bfc\d\d\b/i.test(c) ? c : undefined;
}

/**
 * A version in free text such as sysDescr: the number after a keyword ("firmware 2.4.1",
 * "Version 5.1", "V2.04"), else the only dotted number in the text; undefined when ambiguous
 * (a Linux sysDescr names kernel and distribution versions: guessing would mislead).
 */
export function versionInText(text: string): string | undefined {
  const keyword = /\b(?:firmware|software|version|release|revision|fw|sw|ver|rev|v)\.?\s*[:=]?\s*v?(\d+(?:\.\d+)+(?:[a-z]+\d*)?)\b/i.exec(text);
  if (keyword) return keyword[1];
  const dotted = [...new Set(text.match(/\b\d+(?:\.\d+)+\b/g) ?? [])];
  return dotted.length === 1 ? dotted[0] : undefined;
}

/** Port of a service URL such as "snmp://10.0.0.1:161" or "opc.tcp://[::1]:4840/path". */
export function portOfUrl(url: string | undefined): number | undefined {
  const m = url ? /:(\d{1,5})(?:\/|$)/.exec(url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")) : null;
  return m ? Number(m[1]) : undefined;
}
