// `npm run screenshots:dashboard`: Chromium screenshots of `otaudit serve` for the docs
// (docs/images/dashboard-*.png), from the demo data swept into a store: the demo's two devices
// (legacy PLC 127.0.0.11, hardened controller 127.0.0.12, with the demo's bench credentials) and two
// fixture-library devices (password gateway, OPC UA server), each served by `otaudit simulate` on
// its default ports, swept by `otaudit sweep` with an inventory (names, zones); a baseline is saved;
// then the legacy PLC gets a firmware update (its profile's 2.4.1 -> 2.4.7) and the fleet is swept
// again, so the drift view has two sweeps. Needs root (ports 22, 161, 502, 4840 on 127.0.0.x).
// Debian's /usr/bin/chromium, headless; nothing is downloaded. Look at the pictures before committing.
// SCREENSHOTS_KEEP=1 keeps the store and the two results.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "src", "bin", "otaudit.js");
const OUT = join(ROOT, "docs", "images");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const DEVICES = [
  { host: "127.0.0.11", name: "line3-plc", zone: "cell-line3", profile: join(ROOT, "fixtures", "profiles", "legacy-plc.yaml") },
  { host: "127.0.0.12", name: "hx900-ctrl", zone: "cell-line3", profile: join(ROOT, "fixtures", "profiles", "hardened-controller.yaml") },
  { host: "127.0.0.13", name: "site-gateway", zone: "dmz", profile: join(ROOT, "fixtures", "library", "password-gateway", "profile.yaml") },
  { host: "127.0.0.14", name: "scada-opcua", zone: "scada", profile: join(ROOT, "fixtures", "library", "opcua-legacy-server", "profile.yaml") },
];

/** Run the CLI; exit 1 (findings at or above --fail-on) is a finished sweep, anything else is not. */
function otaudit(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, [BIN, "-q", ...args], { cwd, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`otaudit ${args.join(" ")}: exit ${r.status}`);
}

/** `otaudit simulate PROFILE --host H --default-ports`, resolved once it prints its service URLs. */
async function simulate(profile: string, host: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "simulate", profile, "--host", host, "--default-ports"], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`simulate ${profile} exited ${code}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const closed = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await closed;
}

async function shoot(
  page: Page,
  url: string,
  name: string,
  clip?: (p: Page) => Promise<{ x: number; y: number; width: number; height: number } | undefined>,
): Promise<void> {
  await page.goto(url, { waitUntil: "networkidle" });
  const box = await clip?.(page);
  const scrollY = box ? ((await page.evaluate("window.scrollY")) as number) : 0;
  const path = join(OUT, name);
  await page.screenshot({ path, ...(box ? { clip: { ...box, y: box.y + scrollY }, fullPage: true } : {}) });
  process.stdout.write(`wrote ${path}\n`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "otaudit-dashboard-shots-"));
  const sims: ChildProcess[] = [];
  let server: ChildProcess | undefined;
  try {
    const inventory = join(work, "plant.yaml");
    writeFileSync(inventory, `devices:\n${DEVICES.map((d) => `  - { host: ${d.host}, name: ${d.name}, zone: ${d.zone} }`).join("\n")}\n`);
    const sweep = (json: string) =>
      otaudit(
        [
          "sweep",
          inventory,
          "--db",
          "plant.db",
          "--json",
          json,
          "--no-progress",
          "--credentials",
          join(ROOT, "fixtures", "profiles", "bench", "demo-credentials.yaml"),
        ],
        work,
      );
    process.stdout.write("starting the simulated devices and sweeping them (first sweep)...\n");
    for (const d of DEVICES) sims.push(await simulate(d.profile, d.host));
    sweep("first.json");
    otaudit(["baseline", "save", "--db", "plant.db", "--name", "commissioning"], work);
    process.stdout.write("firmware update on the PLC, second sweep...\n");
    await stop(sims[0]!);
    const updated = join(work, "legacy-plc-2.4.7.yaml");
    writeFileSync(updated, readFileSync(DEVICES[0]!.profile, "utf8").replaceAll("2.4.1", "2.4.7").replaceAll('buildNumber: "241"', 'buildNumber: "247"'));
    sims[0] = await simulate(updated, DEVICES[0]!.host);
    sweep("second.json");
    for (const s of sims) await stop(s);

    server = spawn(process.execPath, [BIN, "serve", "--db", join(work, "plant.db"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    const base = await new Promise<string>((resolve, reject) => {
      let out = "";
      server!.stdout!.on("data", (d) => {
        out += d;
        const m = /on (http:\/\/\S+)\//.exec(out);
        if (m) resolve(m[1]!);
      });
      server!.once("exit", (code) => reject(new Error(`serve exited ${code}`)));
    });
    mkdirSync(OUT, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      // 1. the overview: counts, verdict chart, gaps per zone, the heatmap (worst first)
      await shoot(page, `${base}/`, "dashboard-overview.png");
      // 2. a filter in the URL: devices failing element 9 (strong authentication)
      await shoot(page, `${base}/?element=9&verdict=fail`, "dashboard-filter.png", async (p) => {
        const box = await p.locator("#devices").boundingBox();
        return box ? { x: 0, y: box.y - 8, width: 1360, height: 420 } : undefined;
      });
      // 3. a device: identity, services, the 12 elements, findings with evidence
      await shoot(page, `${base}/device?host=127.0.0.11`, "dashboard-device.png", async (p) => {
        const box = await p.getByRole("heading", { name: "The 12 elements", exact: true }).boundingBox();
        return box ? { x: 0, y: box.y - 8, width: 1360, height: 1150 } : undefined;
      });
      // 4. drift: the two sweeps, the baseline, what changed
      await shoot(page, `${base}/drift`, "dashboard-drift.png");
      await context.close();
    } finally {
      await browser.close();
    }
  } finally {
    for (const s of sims) await stop(s).catch(() => {});
    if (server) await stop(server);
    if (process.env.SCREENSHOTS_KEEP) process.stdout.write(`kept ${work} (plant.db, first.json, second.json)\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
