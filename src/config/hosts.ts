// Host selectors of credentials entries: an address, a glob (10.0.*, plc-?) or a CIDR range.
import { isIP } from "node:net";

export function isValidHostSelector(sel: string): boolean {
  if (sel.includes("/")) {
    const [addr, bits] = sel.split("/");
    const n = Number(bits);
    const fam = isIP(addr!);
    return fam !== 0 && Number.isInteger(n) && n >= 0 && n <= (fam === 4 ? 32 : 128);
  }
  return /^[A-Za-z0-9.:*?_\-[\]]+$/.test(sel);
}

function ipv4ToInt(a: string): number {
  return a.split(".").reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}

/** Does a credential's host selector match this device host? */
export function hostMatches(selector: string | undefined, host: string): boolean {
  if (!selector) return true;
  if (selector.includes("/")) {
    const [addr, bitsStr] = selector.split("/");
    if (isIP(addr!) !== 4 || isIP(host) !== 4) return addr === host;
    const bits = Number(bitsStr);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ipv4ToInt(addr!) & mask) === (ipv4ToInt(host) & mask);
  }
  if (/[*?]/.test(selector)) {
    const re = new RegExp(
      "^" +
        selector
          .replace(/[.+^${}()|\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".") +
        "$",
      "i",
    );
    return re.test(host);
  }
  return selector.toLowerCase() === host.toLowerCase();
}
