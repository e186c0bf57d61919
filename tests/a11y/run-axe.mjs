#!/usr/bin/env node
// Accessibility check of the built site: axe-core in headless Chromium over every HTML page,
// plus two checks axe does not make across pages: every internal link resolves and every <img>
// has non-empty alt text.
//
// Usage: node tests/a11y/run-axe.mjs [--width 390 --height 844] [--out summary.json] PATH...
//   PATH is an HTML file or a folder (searched recursively for *.html).
// Prints a JSON summary on stdout. Exit code: 0 = no serious/critical violations, no broken
// links, no missing alt text; 1 = findings; 2 = could not run (no Chromium, bad arguments).
//
// Chromium comes from the system (CHROMIUM_PATH or /usr/bin/chromium); puppeteer-core is only
// the driver and never downloads a browser.

import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const FAIL_IMPACTS = new Set(["serious", "critical"]);
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

function parseArgs(argv) {
  const options = { width: 390, height: 844, out: null, paths: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--width") options.width = Number(argv[(i += 1)]);
    else if (arg === "--height") options.height = Number(argv[(i += 1)]);
    else if (arg === "--out") options.out = argv[(i += 1)];
    else if (arg === "--help" || arg === "-h") options.help = true;
    else options.paths.push(arg);
  }
  return options;
}

function htmlFiles(paths) {
  const files = [];
  const walk = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name === "node_modules" || name.startsWith(".")) continue;
        walk(join(path, name));
      }
    } else if (path.endsWith(".html")) {
      files.push(resolve(path));
    }
  };
  for (const path of paths) walk(path);
  return files;
}

function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((candidate) => candidate && existsSync(candidate)) || null;
}

// Links and images of the page, gathered in the browser (after the page's own scripts ran).
function collectInPage() {
  const links = [];
  for (const el of document.querySelectorAll("a[href], link[href], img[src], script[src]")) {
    const attr = el.hasAttribute("href") ? "href" : "src";
    links.push({ tag: el.tagName.toLowerCase(), raw: el.getAttribute(attr), url: el[attr] });
  }
  const ids = new Set(Array.from(document.querySelectorAll("[id]"), (el) => el.id));
  const names = new Set(Array.from(document.querySelectorAll("a[name]"), (el) => el.name));
  const images = Array.from(document.querySelectorAll("img"), (img) => ({
    src: (img.getAttribute("src") || "").slice(0, 80),
    alt: img.getAttribute("alt"),
    hidden: img.getAttribute("aria-hidden") === "true" || img.getAttribute("role") === "presentation",
  }));
  return { links, ids: Array.from(ids), names: Array.from(names), images };
}

function checkLinks(pageFile, found) {
  const broken = [];
  const pageUrl = pathToFileURL(pageFile).href;
  const ids = new Set([...found.ids, ...found.names]);
  for (const link of found.links) {
    if (!link.raw || link.raw.startsWith("data:") || link.raw.startsWith("javascript:")) continue;
    let url;
    try {
      url = new URL(link.raw, pageUrl);
    } catch {
      broken.push({ page: pageFile, link: link.raw, reason: "ugyldig adresse" });
      continue;
    }
    if (url.protocol !== "file:") continue; // external links are not checked (no network)
    const target = fileURLToPath(url.href.split("#")[0].split("?")[0]);
    if (target === pageFile && url.hash) {
      const id = decodeURIComponent(url.hash.slice(1));
      if (id && !ids.has(id)) broken.push({ page: pageFile, link: link.raw, reason: "anker findes ikke" });
      continue;
    }
    let exists = existsSync(target);
    if (exists && statSync(target).isDirectory()) exists = existsSync(join(target, "index.html"));
    if (!exists) broken.push({ page: pageFile, link: link.raw, reason: "filen findes ikke" });
  }
  return broken;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help || options.paths.length === 0) {
    console.error("Brug: node tests/a11y/run-axe.mjs [--width N --height N] [--out fil.json] STI...");
    return 2;
  }
  const files = htmlFiles(options.paths);
  if (files.length === 0) {
    console.error(`Ingen HTML-filer fundet i: ${options.paths.join(", ")}`);
    return 2;
  }
  const executablePath = chromiumPath();
  if (!executablePath) {
    console.error("Chromium blev ikke fundet – installér chromium: apt-get install chromium");
    return 2;
  }
  const puppeteer = (await import("puppeteer-core")).default;
  const axePath = require.resolve("axe-core/axe.min.js");
  const userDataDir = mkdtempSync(join(tmpdir(), "statusrapport-axe-"));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--allow-file-access-from-files",
    ],
  });
  const summary = {
    pages: files.length,
    viewport: { width: options.width, height: options.height },
    violations: [],
    counts: { minor: 0, moderate: 0, serious: 0, critical: 0 },
    brokenLinks: [],
    imagesWithoutAlt: [],
  };
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: options.width, height: options.height });
    // No network: anything not on the local disk is refused, so a CDN dependency shows up.
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("about:")) {
        request.continue();
      } else {
        request.abort();
      }
    });
    for (const file of files) {
      await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60000 });
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
        AXE_TAGS,
      );
      for (const violation of result.violations) {
        const impact = violation.impact || "minor";
        summary.counts[impact] = (summary.counts[impact] || 0) + 1;
        summary.violations.push({
          page: file,
          id: violation.id,
          impact,
          help: violation.help,
          nodes: violation.nodes.length,
          targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
        });
      }
      const found = await page.evaluate(collectInPage);
      summary.brokenLinks.push(...checkLinks(file, found));
      for (const image of found.images) {
        if (!image.hidden && !(image.alt && image.alt.trim())) {
          summary.imagesWithoutAlt.push({ page: file, src: image.src });
        }
      }
    }
  } finally {
    await browser.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  const failing = summary.violations.filter((v) => FAIL_IMPACTS.has(v.impact));
  summary.passed =
    failing.length === 0 && summary.brokenLinks.length === 0 && summary.imagesWithoutAlt.length === 0;
  const text = JSON.stringify(summary, null, 2);
  if (options.out) writeFileSync(options.out, text);
  console.log(text);
  return summary.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Tilgængelighedstesten kunne ikke køre: ${error.stack || error}`);
    process.exit(2);
  },
);
