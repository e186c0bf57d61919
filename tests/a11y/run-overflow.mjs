#!/usr/bin/env node
// Phone check of the built site: does any page put content off screen at a given width?
//
// Usage: node tests/a11y/run-overflow.mjs [--width 390 --height 844] FILE.html...
// Prints a JSON summary on stdout: per page the document's scroll width and every visible
// element that lies (partly) outside the viewport horizontally – also inside a box that scrolls
// sideways, because a reader on a phone does not see that content either (issue 20: "648 table
// cells off screen"). Content clipped away on purpose (overflow hidden, visually hidden text) is
// not counted. Exit code: 0 = nothing off screen, 1 = findings, 2 = could not run.
//
// Chromium comes from the system (CHROMIUM_PATH or /usr/bin/chromium); puppeteer-core is only
// the driver and never downloads a browser.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function parseArgs(argv) {
  const options = { width: 390, height: 844, files: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--width") options.width = Number(argv[(i += 1)]);
    else if (arg === "--height") options.height = Number(argv[(i += 1)]);
    else options.files.push(resolve(arg));
  }
  return options;
}

function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((candidate) => candidate && existsSync(candidate)) || null;
}

// Runs in the page: elements a reader would have to scroll sideways to see.
function measureInPage() {
  const width = document.documentElement.clientWidth;
  const tolerance = 1;
  // What the element's ancestors do with it horizontally: "clipped" when a box that hides
  // overflow (or a clip) cuts it away on purpose – not counted; "scrolled" when it lies outside
  // a box that scrolls sideways – the reader must scroll to see it, so it counts even when the
  // box itself is on screen (a table's last column cut off at 1280 px).
  function ancestry(el, rect) {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.clip && style.clip !== "auto") return "clipped";
      if (style.clipPath && style.clipPath !== "none") return "clipped";
      const ox = style.overflowX;
      if (ox === "visible") continue;
      const box = a.getBoundingClientRect();
      const outside = rect.right > box.right + tolerance || rect.left < box.left - tolerance;
      if (!outside) continue;
      if (ox === "hidden" || ox === "clip") return "clipped";
      return "scrolled";
    }
    return "page";
  }
  const off = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("script, style, template, noscript, svg defs")) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) continue;
    const where = ancestry(el, rect);
    if (where === "clipped") continue;
    if (where === "page" && rect.right <= width + tolerance && rect.left >= -tolerance) continue;
    if (
      typeof el.checkVisibility === "function" &&
      !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
    ) {
      continue;
    }
    off.push({
      tag: el.tagName.toLowerCase(),
      cls: (el.getAttribute("class") || "").slice(0, 60),
      text: (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50),
      left: Math.round(rect.left),
      right: Math.round(rect.right),
    });
  }
  return {
    clientWidth: width,
    scrollWidth: document.documentElement.scrollWidth,
    offscreen: off.length,
    examples: off.slice(0, 8),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.files.length === 0) {
    console.error("Brug: node tests/a11y/run-overflow.mjs [--width N --height N] FIL.html...");
    return 2;
  }
  const executablePath = chromiumPath();
  if (!executablePath) {
    console.error("Chromium blev ikke fundet – installér chromium: apt-get install chromium");
    return 2;
  }
  const puppeteer = (await import("puppeteer-core")).default;
  const userDataDir = mkdtempSync(join(tmpdir(), "statusrapport-overflow-"));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--allow-file-access-from-files", "--hide-scrollbars"],
  });
  const summary = { viewport: { width: options.width, height: options.height }, pages: [] };
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: options.width, height: options.height });
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("about:")) {
        request.continue();
      } else {
        request.abort();
      }
    });
    for (const file of options.files) {
      await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60000 });
      const found = await page.evaluate(measureInPage);
      summary.pages.push({ page: file, ...found });
    }
  } finally {
    await browser.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  summary.passed = summary.pages.every(
    (p) => p.offscreen === 0 && p.scrollWidth <= p.clientWidth,
  );
  console.log(JSON.stringify(summary, null, 2));
  return summary.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Telefontesten kunne ikke køre: ${error.stack || error}`);
    process.exit(2);
  },
);
