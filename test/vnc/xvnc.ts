// Interop plumbing: TigerVNC's Xtigervnc (Debian tigervnc-standalone-server) on a loopback port with
// a free display number and no real display, and a VNC password file written without vncpasswd.
import { createCipheriv } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor, type DaemonProcess } from "../helpers/daemons.js";

export const XVNC = findBinary("/usr/bin/Xtigervnc");
export const OPENSSL = findBinary("/usr/bin/openssl");

/** A VNC password file: the password (8 bytes, NUL padded) DES-encrypted with VNC's fixed key (single DES as 3DES with K1=K2=K3). */
export function vncPasswordFile(file: string, password: string): void {
  const k = Buffer.from("e84ad660c4721ae0", "hex"); // {23,82,107,6,35,78,88,7} with each byte's bits reversed, as VNC uses it
  const c = createCipheriv("des-ede3", Buffer.concat([k, k, k]), null).setAutoPadding(false);
  const pw = Buffer.alloc(8);
  pw.write(password.slice(0, 8), "latin1");
  writeFileSync(file, Buffer.concat([c.update(pw), c.final()]), { mode: 0o600 });
}

export interface Xvnc {
  port: number;
  daemon: DaemonProcess;
}

export async function startXvnc(dir: string, args: string[]): Promise<Xvnc> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const display = 300 + Math.floor(Math.random() * 600);
    if (existsSync(`/tmp/.X${display}-lock`)) continue;
    const port = await freeTcpPort();
    const daemon = spawnDaemon(XVNC!, [
      `:${display}`,
      "-rfbport",
      String(port),
      "-interface",
      "127.0.0.1",
      "-nolisten",
      "tcp",
      "-geometry",
      "64x64",
      "-depth",
      "16",
      ...args,
    ]);
    try {
      await waitFor(async () => {
        if (daemon.exited()) throw new Error(`Xtigervnc exited: ${daemon.log().slice(-400)}`);
        return tcpPortOpen(port);
      }, 10_000);
      return { port, daemon };
    } catch {
      await daemon.stop();
    }
  }
  throw new Error(`Xtigervnc did not start in ${dir}`);
}
