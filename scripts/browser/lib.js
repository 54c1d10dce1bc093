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

// What every test file shares: one browser for the file, and after each test no page may have
// logged an error, broken the CSP, thrown, asked another host for anything or met a server error.
function suite() {
  const { before, after, afterEach } = require('node:test');
  const assert = require('node:assert/strict');
  before(async () => { await launch(); });
  after(async () => { await close(); });
  afterEach(() => {
    const seen = takeProblems();
    assert.deepEqual(seen, [], 'browser problems:\n' + seen.join('\n'));
  });
}

// `as(staff)`: signs each staff member in once per file and keeps the page for later steps.
function signedIn() {
  const pages = {};
  return async (staff) => {
    if (!pages[staff]) pages[staff] = await signIn(staff);
    return pages[staff];
  };
}

// One action form on a case page (an action name, or a selector starting with `form`); the page
// answers 已办理 and reloads itself a moment later: that load is awaited, or the next visit races
// it and one navigation aborts the other.
async function act(page, number, action, fill) {
  const assert = require('node:assert/strict');
  await visit(page, '/cases/' + number);
  const selector = action.startsWith('form') ? action : `form[data-action="${action}"]`;
  const form = page.locator(selector).first();
  assert.equal(await form.count(), 1, `no "${action}" form on case ${number}`);
  if (fill) await fill(form);
  const reloaded = page.waitForEvent('load').catch(() => {});
  await form.locator('button').click();
  await page.waitForSelector('#form-result p');
  const text = (await page.textContent('#form-result')).trim();
  assert.match(text, /已办理/, `${action}: ${text}`);
  await reloaded;
  await page.waitForLoadState('load');
  return page;
}

// The smallest file intake accepts as a PDF (it sniffs the bytes).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

// Registers an organisation's application through /cases/new with one PDF and returns the
// case number (the receipt page stays open for the caller); `address` fills 住所/经营场所.
async function registerCase(clerk, { item, name, uscc, file = '申请书.pdf', address }) {
  await visit(clerk, '/cases/new');
  const label = await clerk.locator(`#item-list option[value$="（${item}）"]`).getAttribute('value');
  await clerk.fill('input[name=item]', label);
  await clerk.selectOption('select[name=applicant_type]', 'organisation');
  await clerk.fill('input[name=applicant_name]', name);
  await clerk.fill('input[name=applicant_code]', uscc);
  await clerk.fill('input[name=applicant_phone]', '0531 8600 1234');
  if (address) await clerk.fill('input[name=applicant_address]', address);
  await clerk.setInputFiles('#f-materials', { name: file, mimeType: 'application/pdf', buffer: PDF });
  await clerk.click('#intake-form button[type=submit]');
  await clerk.waitForSelector('#case-number', { timeout: 10000 });
  return (await clerk.textContent('#case-number')).trim();
}

// Today's date in China Standard Time (UTC+8), the day the bureau's legal dates are in.
function chinaToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

module.exports = {
  PDF, registerCase, chinaToday, BASE, launch, close, newPage, signIn, visit, findRow, takeProblems, screenshot, suite, signedIn, act,
};
