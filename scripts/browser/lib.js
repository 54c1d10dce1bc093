// Shared helpers of the browser tests: one headless Debian Chromium, one context per signed-in
// person, and a watch on everything the pages must never do (console errors, uncaught
// exceptions, CSP violations, requests to another host, server errors).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BASE = (process.env.ONESEAL_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const PASSWORD = 'oneseal-demo';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Screenshots go to a scratch directory unless asked to refresh the committed ones.
const SHOTS = process.env.ONESEAL_SCREENSHOTS || '';

const problems = [];

// Runs before any page script: CSP violations are reported as events, which we forward
// to the console as errors so the same watch catches them.
const CSP_PROBE = `document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI);
});`;

function watch(page, who) {
  const origin = new URL(BASE).origin;
  page.on('pageerror', (e) => problems.push(`${who}: uncaught ${e.message} on ${page.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${who}: console error "${m.text()}" on ${page.url()}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) {
      problems.push(`${who}: request to another host ${u}`);
    }
  });
  page.on('requestfailed', (r) => problems.push(`${who}: request failed ${r.url()} (${r.failure() && r.failure().errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${who}: ${r.status()} from ${r.url()}`);
  });
}

let browser;
async function launch() {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return browser;
}

async function close() {
  if (browser) await browser.close();
}

async function newPage(who, contextOptions = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', ...contextOptions });
  await ctx.addInitScript(CSP_PROBE);
  const page = await ctx.newPage();
  watch(page, who);
  return page;
}

// Signs in through the form; the home page (工作台) is where every role lands.
async function signIn(staff, contextOptions) {
  const page = await newPage(staff, contextOptions);
  await page.goto(BASE + '/login');
  await page.fill('input[name=staff_id]', staff);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(BASE + '/'), page.click('main button[type=submit]')]);
  return page;
}

// Opens a page and fails on an HTTP error status.
async function visit(page, url) {
  const r = await page.goto(BASE + url);
  if (!r || r.status() >= 400) throw new Error(`GET ${url}: HTTP ${r && r.status()}`);
  return r;
}

// The first table row holding every one of `texts`, following the list's next links from `url`:
// the demo's history fills every list with many pages, and a flow's row may be on any of them.
async function findRow(page, url, ...texts) {
  await visit(page, url);
  for (let pages = 0; ; pages++) {
    let rows = page.locator('tr');
    for (const t of texts) rows = rows.filter({ hasText: t });
    const next = page.locator('a[rel=next]');
    if ((await rows.count()) > 0 || (await next.count()) === 0 || pages >= 200) return rows.first();
    await visit(page, await next.first().getAttribute('href'));
  }
}

// Returns the problems seen since the last call (and forgets them).
function takeProblems() {
  return problems.splice(0, problems.length);
}

async function screenshot(page, name, fullPage = false) {
  const dir = SHOTS || path.join(process.env.ONESEAL_SCRATCH || '/tmp', 'oneseal-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const options = { path: path.join(dir, name + '.png'), fullPage };
  // A full page is cut at 6,000 px: Chromium cannot capture a page of thousands of rows (the
  // demo's 90 days of history fill /alerts), and a picture shows the top of it anyway.
  const height = fullPage ? await page.evaluate(() => document.documentElement.scrollHeight) : 0;
  if (height > 6000) options.clip = { x: 0, y: 0, width: page.viewportSize().width, height: 6000 };
  await page.screenshot(options);
}

module.exports = { BASE, launch, close, newPage, signIn, visit, findRow, takeProblems, screenshot };
