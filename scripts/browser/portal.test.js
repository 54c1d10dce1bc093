// Browser tests of issue #19 (items 1, 2 and 8) against the running `oneseal serve --demo`, at a
// phone's viewport (360 × 740): the public home, a search, a service guide, a progress query
// typed as people type it, and the verification page a QR code opens. On every page: no
// horizontal scrolling, tap targets of at least 44 px, and no WCAG 2.1 A/AA violation found by
// axe-core. Large text keeps the header compact: its menu folds behind one button.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { BASE, newPage, signIn, visit, screenshot, suite } = require('./lib');

const AXE = require.resolve('axe-core/axe.min.js');
// The CSP forbids injected scripts; axe is the test's own, so this context alone bypasses it.
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true };
const shared = {};

suite();

// Everything the phone must allow on the page now open: no sideways scrolling, targets of
// 44 px (links inside running text are exempt, as WCAG 2.5.5 exempts them), no axe violation.
async function checkPhonePage(page, what) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    widest: [...document.querySelectorAll('body *')]
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.right > document.documentElement.clientWidth + 1)
      .slice(0, 3).map(({ e, r }) => `${e.tagName}.${e.className} right=${Math.round(r.right)}`),
  }));
  assert.ok(widths.scroll <= widths.client,
    `${what}: ${widths.scroll} px wide on a ${widths.client} px screen: ${widths.widest.join(', ')}`);
  const small = await page.evaluate(() => [...document.querySelectorAll(
    'header a, header button, main button, main input, main select, main summary, .tile, .item-list a, .pager a')]
    .filter((e) => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden' && e.type !== 'hidden')
    .map((e) => ({ t: (e.textContent || e.name || '').trim().slice(0, 20), h: e.getBoundingClientRect().height }))
    .filter(({ h }) => h > 0 && h < 44));
  assert.deepEqual(small, [], `${what}: tap targets under 44 px`);
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
  });
  assert.deepEqual(violations, [], `${what}: axe-core WCAG 2.1 AA violations`);
}

test('(portal) a case to look up: the clerk registers one and keeps its query code', async () => {
  const clerk = await signIn('CLERK');
  const csrf = await clerk.evaluate(() => document.body.dataset.csrf);
  const created = await clerk.request.post(BASE + '/api/v1/cases', {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: JSON.stringify({
      item_code: '990100001000', channel: 'window',
      applicant: { type: 'organisation', name: '济南泉城门户测试有限公司', uscc: '91370100MA3C0RT1XH', contact_phone: '13812345678' },
      materials: [{ name: '申请书', sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }],
    }),
  });
  assert.equal(created.status(), 200, await created.text());
  const body = await created.json();
  shared.number = body.case_number;
  shared.code = body.query_code;
  await clerk.context().close();
});

test('(portal) the public home at 360 px: search, popular items, the ways in, staff sign-in as a link', async () => {
  const page = await newPage('phone', PHONE);
  await visit(page, '/');
  assert.equal(page.url(), BASE + '/', 'the public is not sent to the staff login');
  assert.match(await page.textContent('main h1'), /行政审批服务局/);
  assert.equal(await page.locator('main a[href="/guide"]', { hasText: '办事指南' }).count() >= 1, true);
  assert.equal(await page.locator('main a[href="/login"]').count(), 1, 'staff sign-in is a link');
  const popular = await page.locator('#popular .item-list a').count();
  assert.ok(popular > 0, 'the demo history makes some items popular');
  // The header is folded: one menu button; the links open under it.
  assert.equal(await page.locator('header nav').isVisible(), false, 'the menu folds on a phone');
  await page.click('header .menu-button');
  assert.equal(await page.locator('header nav').isVisible(), true);
  assert.equal(await page.getAttribute('header .menu-button', 'aria-expanded'), 'true');
  await page.click('header .menu-button');
  await checkPhonePage(page, 'home');
  await screenshot(page, 'portal-phone', true);
  shared.page = page;
});

test('(portal) search → guide index → the food business licence guide', async () => {
  const page = shared.page;
  await page.fill('#portal-q', '食品');
  await Promise.all([page.waitForURL(/\/guide\?q=/), page.click('#portal-search button')]);
  const found = await page.locator('#guides a').allTextContents();
  assert.ok(found.length > 0 && found.every((t) => t.includes('食品')), 'every item found names 食品: ' + found.join(' | '));
  await checkPhonePage(page, 'guide index');
  await Promise.all([page.waitForURL(/\/guide\/990100001000$/), page.click('#guides a:text-is("食品经营许可")')]);
  assert.match(await page.textContent('#limits'), /^法定 20个工作日 \/ 承诺 10个工作日$/);
  assert.ok((await page.locator('#materials li').count()) >= 4, 'the catalog checklist');
  assert.match(await page.textContent('#forms-none'), /暂无可下载/);
  assert.match(await page.textContent('#where'), /济南市政务服务中心/);
  assert.match(await page.textContent('#tolerates'), /适用/);
  assert.ok((await page.locator('#legal-settings tbody tr').count()) > 0, 'legal settings with their sources');
  await checkPhonePage(page, 'guide');
  // Printable: the page's own content, no header or buttons.
  await page.emulateMedia({ media: 'print' });
  try {
    assert.equal(await page.locator('header.top').isVisible(), false);
    assert.equal(await page.locator('#guide').isVisible(), true);
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
  await screenshot(page, 'guide-phone', true);
});

test('(portal) the progress query takes the code with spaces and in lower case, and speaks plainly', async () => {
  assert.ok(shared.code, 'needs the case registered above');
  const page = shared.page;
  await visit(page, '/progress');
  await checkPhonePage(page, 'progress form');
  const spaced = shared.number.replace(/(\d{4})(?=\d)/g, '$1 ');
  await page.fill('input[name=case]', spaced);
  await page.fill('input[name=code]', ' ' + shared.code.toLowerCase() + ' ');
  await Promise.all([page.waitForURL(/\/progress\?/), page.click('main button[type=submit]')]);
  assert.match(await page.textContent('#plain-status'), /已收到您的申请/);
  const text = await page.textContent('main');
  assert.doesNotMatch(text, /补正\(开始\)|部门开始办理|one_time_notice|review_step/, 'no platform or event wording');
  await checkPhonePage(page, 'progress');
});

test('(portal) the verification page a QR code opens: the licence first, hashes folded', async () => {
  const page = shared.page;
  await visit(page, '/licences');
  const link = page.locator('#register a[href^="/verify/"]').first();
  const href = await link.getAttribute('href');
  await visit(page, href);
  const facts = await page.textContent('#licence');
  for (const label of ['持证单位', '许可事项', '有效期', '证照状态']) assert.match(facts, new RegExp(label));
  assert.equal(await page.locator('#tech').getAttribute('open'), null, '技术细节 is folded');
  assert.equal(await page.locator('#tech .seal-img').isVisible(), false);
  await checkPhonePage(page, 'verification');
  await page.click('#tech summary');
  assert.equal(await page.locator('#tech .seal-img').isVisible(), true);
  await checkPhonePage(page, 'verification, details open');
  await screenshot(page, 'verify-phone', true);
});

test('(portal) large text keeps the header compact, and the log explorer explains itself', async () => {
  const page = shared.page;
  await visit(page, '/prefs?text=large&next=/');
  assert.equal(await page.getAttribute('body', 'class'), 'large-text');
  const header = await page.locator('header.top').boundingBox();
  assert.ok(header.height <= 740 / 4, 'the header takes ' + header.height + ' px of 740');
  await checkPhonePage(page, 'home, large text');
  await visit(page, '/ledger');
  assert.match(await page.textContent('#ledger-intro'), /公开记录本/);
  await visit(page, '/prefs?text=normal&next=/');
  await page.context().close();
});
