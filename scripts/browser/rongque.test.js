// Browser test of 容缺受理 (issue #19 item 6): an applicant applies online on a phone (360 × 740)
// for 食品经营许可 without its food-safety management rules; the clerk accepts with that material
// to follow by an agreed date (the case page's 容缺受理 card), two reviewers review and the
// official grants; the licence is held (no delivery offered, the desk says why). The applicant
// uploads the material from /my on the phone; the clerk receives it and the licence is issued
// (the case links it and delivery is offered).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { BASE, PDF, newPage, visit, suite, signedIn, act, chinaToday } = require('./lib');

const PHONE_VIEW = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true };
const ITEM = '990100001000';
const RULES = '食品安全自查、从业人员健康管理等食品安全管理制度';
const MOBILE = '137' + String(Date.now()).slice(-8);
const shared = {};

suite();
const as = signedIn();

function inDays(n) {
  const d = new Date(chinaToday() + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function noSidewaysScroll(page, what) {
  const w = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(w.scroll <= w.client, `${what}: ${w.scroll} px wide on a ${w.client} px screen`);
}

async function clerkApi(path, body) {
  const clerk = await as('CLERK');
  const csrf = await clerk.evaluate(() => document.body.dataset.csrf);
  const r = await clerk.request.post(BASE + path, {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, data: JSON.stringify(body),
  });
  assert.equal(r.status(), 200, await r.text());
  return r.json();
}

test('(rongque) an online application is accepted with a material to follow and granted, its licence held', async () => {
  const page = await newPage('rongque-applicant', PHONE_VIEW);
  shared.page = page;
  await visit(page, '/my?item=' + ITEM);
  await page.fill('#my-phone', MOBILE);
  await page.click('#otp-send');
  await page.waitForFunction(() => document.getElementById('my-status').textContent.includes('验证码已发送'));
  const outbox = await page.request.get(BASE + '/api/v1/demo/outbox?phone=' + MOBILE);
  await page.fill('#my-code', (await outbox.json()).messages[0].code);
  await Promise.all([page.waitForSelector('#apply-form'), page.click('#code-sign-in')]);
  await page.fill('#apply-name', '李容缺');
  await page.fill('#apply-code', '11010519491231002X');
  await page.fill('#apply-phone', MOBILE);
  await page.setInputFiles('#apply-materials input[type=file] >> nth=0',
    { name: '申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  await Promise.all([page.waitForURL(/\/my#mine$/), page.click('#apply-submit')]);
  const row = page.locator('#my-applications li').first();
  await row.waitFor();
  shared.id = await row.getAttribute('data-id');

  const received = await clerkApi(`/api/v1/online-applications/${shared.id}/receive`, {});
  shared.number = received.case_number;
  const clerk = await as('CLERK');
  await act(clerk, shared.number, 'form#deferral-accept', async (f) => {
    assert.match(await f.textContent(), new RegExp(RULES));
    await f.locator('input[name=due]').fill(inDays(7));
  });
  assert.match(await clerk.textContent('#deferral'), /容缺受理/);
  for (const [who, step] of [['REVIEW', 'initial_review'], ['REVIEW2', 'review']]) {
    await act(await as(who), shared.number, 'review', async (f) => {
      await f.locator('select[name=step]').selectOption(step);
      await f.locator('textarea[name=opinion]').fill('主要材料齐全，符合条件');
    });
  }
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + shared.number);
  const form = approver.locator('form.confirm-step:has(input[name=outcome][value="approve"])');
  await Promise.all([approver.waitForURL(/\/confirm\?/), form.locator('button').click()]);
  await Promise.all([
    approver.waitForURL(new RegExp(`/cases/${shared.number}\\?done=decide$`)),
    approver.click('#confirm-step'),
  ]);
  // Held: the clerk is not offered the delivery, and the page says why.
  await visit(clerk, '/cases/' + shared.number);
  assert.equal(await clerk.locator('form.confirm-step:has(input[name=action][value="deliver"])').count(), 0);
  assert.match(await clerk.textContent('#deferral'), /补齐并经窗口核验后发放证照/);
  assert.equal(await clerk.locator('#manage-licence').count(), 0, 'no licence yet');
});

test('(rongque) the applicant uploads it on the phone and the licence is issued', async () => {
  assert.ok(shared.number, 'the case of the first test');
  const page = shared.page;
  await visit(page, '/my');
  const row = page.locator(`#my-applications li[data-id="${shared.id}"]`);
  assert.match(await row.locator('.deferral-summary').textContent(), /补齐/);
  await noSidewaysScroll(page, '/my with a deferred material');
  await page.setInputFiles(`#my-applications li[data-id="${shared.id}"] .deferral-answer input[type=file]`,
    { name: '管理制度.pdf', mimeType: 'application/pdf', buffer: PDF });
  await Promise.all([
    page.waitForLoadState('load'),
    row.locator('.deferral-answer button[type=submit]').click(),
  ]);
  await page.waitForFunction(() => document.body.textContent.includes('容缺材料已提交'));
  await noSidewaysScroll(page, '/my after sending');

  const done = await clerkApi(`/api/v1/online-applications/${shared.id}/receive`, {});
  assert.equal(done.case_number, shared.number);
  const clerk = await as('CLERK');
  await visit(clerk, '/cases/' + shared.number);
  assert.equal(await clerk.locator('#manage-licence').count(), 1, 'the licence is issued');
  assert.equal(await clerk.locator('form.confirm-step:has(input[name=action][value="deliver"])').count(), 1);
  await visit(page, '/my');
  assert.match(await page.locator(`#my-applications li[data-id="${shared.id}"]`).textContent(), /已全部补齐/);
});
