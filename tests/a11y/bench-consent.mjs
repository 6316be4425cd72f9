// Time from navigation to the consent button being usable, in headless
// Chromium on loopback. Each run uses a fresh browser context (cold cache).
// "Usable" = the <button id="consent"> is in the DOM: Yew renders it with its
// click handler attached, so it works from that moment on.
// Usage: node bench-consent.mjs URL [RUNS]
import puppeteer from "puppeteer-core";

const url = process.argv[2];
const runs = Number(process.argv[3] || 10);
if (!url) {
  console.error("usage: node bench-consent.mjs URL [RUNS]");
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
  ],
});

const times = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    // Record the moment the button appears, measured inside the page.
    await page.evaluateOnNewDocument(() => {
      const seen = () => {
        if (document.getElementById("consent")) {
          window.__consentAt = performance.now();
          return true;
        }
        return false;
      };
      new MutationObserver((_, obs) => { if (seen()) obs.disconnect(); })
        .observe(document, { childList: true, subtree: true });
    });
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => window.__consentAt !== undefined, { timeout: 20000 });
    times.push(await page.evaluate(() => window.__consentAt));
    await context.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(JSON.stringify({
  runs: times.length,
  median_ms: Math.round(median),
  min_ms: Math.round(times[0]),
  max_ms: Math.round(times[times.length - 1]),
}));
