import { chromium } from "playwright-core";
import { makeStore, serveStore } from "../../test/serve/helpers.js";
const store = makeStore(36, 2);
const server = await serveStore(store.file);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const [p, f] of [["/", "o"], ["/device?host=10.20.0.1", "d"], ["/drift", "r"]] as const) {
  await page.goto(server.url.slice(0, -1) + p, { waitUntil: "networkidle" });
  await page.screenshot({ path: `/tmp/peek-${f}.png`, fullPage: true });
}
await browser.close(); await server.close(); store.cleanup();
