// Browser test of issue #19 items 3–4 at a phone's viewport (360 × 740): an applicant opens a
// service guide, presses 网上申请, signs in with a one-time code read from the demo's outbox,
// fills the form from the item's checklist with a PDF, and submits; "my applications" shows it
// submitted. The clerk then receives it (a case received at the submission time) and issues a
// one-time notice; the applicant answers it online with a file. The bureau then accepts,
// reviews, decides and delivers: each public step is a message in the applicant's inbox (the
// unread count in the header) and a text message in the demo's outbox; the applicant reads
// one and rates the closed case from /my. Every page: no sideways scrolling, tap targets of
// 44 px, no axe-core WCAG 2.1 AA violation.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { BASE, PDF, newPage, signIn, visit, screenshot, suite } = require('./lib');

const AXE = require.resolve('axe-core/axe.min.js');
const PHONE_VIEW = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true };
const ITEM = '990100001000';
// A fresh number each run, so that the code limits (one a minute per number) never meet.
const MOBILE = '139' + String(Date.now()).slice(-8);
const shared = {};

suite();

async function checkPhonePage(page, what) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  assert.ok(widths.scroll <= widths.client, `${what}: ${widths.scroll} px wide on a ${widths.client} px screen`);
  const small = await page.evaluate(() => [...document.querySelectorAll(
    'header a, header button, main button, main input, main select, .tile')]
    .filter((e) => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden' && e.type !== 'hidden')
    .map((e) => ({ t: (e.textContent || e.name || e.id || '').trim().slice(0, 20), h: e.getBoundingClientRect().height }))
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

test('(applicant) from the guide to a submitted online application, signed in with a code from the outbox', async () => {
  const page = await newPage('applicant', PHONE_VIEW);
  shared.page = page;
  await visit(page, '/guide/' + ITEM);
  await Promise.all([page.waitForURL(/\/my\?item=/), page.click('#apply-online')]);
  await checkPhonePage(page, 'sign-in');
  await page.fill('#my-phone', MOBILE);
  await page.click('#otp-send');
  await page.waitForFunction(() => document.getElementById('my-status').textContent.includes('验证码已发送'));
  const outbox = await page.request.get(BASE + '/api/v1/demo/outbox?phone=' + MOBILE);
  assert.equal(outbox.status(), 200);
  const messages = (await outbox.json()).messages;
  assert.ok(!JSON.stringify(messages).includes(MOBILE), 'the outbox masks the number');
  await page.fill('#my-code', messages.find((m) => m.kind === 'code').code);
  await Promise.all([page.waitForSelector('#apply-form'), page.click('#code-sign-in')]);
  await checkPhonePage(page, 'application form');
  await screenshot(page, 'applicant-form', true);
  await page.fill('#apply-name', '王小明');
  await page.fill('#apply-code', '11010519491231002X');
  await page.fill('#apply-phone', MOBILE);
  await page.setInputFiles('#apply-materials input[type=file] >> nth=0',
    { name: '申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  await Promise.all([page.waitForURL(/\/my#mine$/), page.click('#apply-submit')]);
  const row = page.locator('#my-applications li').first();
  await row.waitFor();
  assert.match(await row.locator('.app-status').textContent(), /已提交/);
  shared.id = await row.getAttribute('data-id');
  await checkPhonePage(page, 'my applications');
});

test('(applicant) the clerk receives it, issues a one-time notice, and the applicant answers it online', async () => {
  assert.ok(shared.id, 'the application of the first test');
  const clerk = await signIn('CLERK');
  const csrf = await clerk.evaluate(() => document.body.dataset.csrf);
  const headers = { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
  const received = await clerk.request.post(BASE + `/api/v1/online-applications/${shared.id}/receive`, { headers, data: '{}' });
  assert.equal(received.status(), 200, await received.text());
  const number = (await received.json()).case_number;
  const notice = await clerk.request.post(BASE + `/api/v1/cases/${number}/actions`, {
    headers,
    data: JSON.stringify({ action: 'one_time_notice', items: [{ material: '营业执照', problem: 'missing', detail: '请补充营业执照复印件' }] }),
  });
  assert.equal(notice.status(), 200, await notice.text());
  const page = shared.page;
  await visit(page, '/my');
  const row = page.locator(`#my-applications li[data-id="${shared.id}"]`);
  assert.match(await row.textContent(), /一次性告知/);
  assert.match(await row.textContent(), new RegExp(number));
  await checkPhonePage(page, 'one-time notice');
  await page.setInputFiles(`#my-applications li[data-id="${shared.id}"] .supplement-form input[type=file]`,
    { name: '营业执照.pdf', mimeType: 'application/pdf', buffer: PDF });
  await Promise.all([
    page.waitForLoadState('load'),
    row.locator('.supplement-form button[type=submit]').click(),
  ]);
  await page.waitForFunction(() => document.body.textContent.includes('补正材料已提交'));
  await screenshot(page, 'applicant-supplement', true);
  shared.number = number;
});

// One step on a case as `staff`, through the API with that member's session.
async function stepAs(staff, number, body) {
  const p = await signIn(staff);
  const csrf = await p.evaluate(() => document.body.dataset.csrf);
  const headers = { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
  const url = body === 'receive'
    ? BASE + `/api/v1/online-applications/${shared.id}/receive`
    : BASE + `/api/v1/cases/${number}/actions`;
  const r = await p.request.post(url, { headers, data: body === 'receive' ? '{}' : JSON.stringify(body) });
  assert.equal(r.status(), 200, `${staff} ${JSON.stringify(body)}: ${await r.text()}`);
  await p.context().close();
}

test('(applicant) every public step reaches the inbox and the outbox; the applicant reads and rates from /my', async () => {
  assert.ok(shared.number, 'the case of the second test');
  const number = shared.number;
  await stepAs('CLERK', number, 'receive');
  await stepAs('CLERK', number, { action: 'accept' });
  await stepAs('REVIEW', number, { action: 'review', step: 'review', opinion: '符合条件', substantive: true });
  await stepAs('REVIEW2', number, { action: 'review', step: 'review', opinion: '符合条件', substantive: true });
  await stepAs('APPROVE', number, { action: 'decide', decision: { outcome: 'approve' } });
  await stepAs('CLERK', number, { action: 'deliver', method: 'window' });
  const page = shared.page;
  await visit(page, '/my');
  // received, one-time notice, supplement received, accepted, decided, licence issued, delivered.
  const badge = page.locator('#header-unread');
  assert.equal((await badge.textContent()).trim(), '7');
  const list = page.locator('#message-list li');
  assert.equal(await list.count(), 7);
  const texts = await list.allTextContents();
  assert.ok(texts.every((t) => t.includes(number)), 'each message names the case');
  assert.ok(!texts.join('').includes(MOBILE) && !texts.join('').includes('王小明'), 'no personal data');
  assert.match(texts[0], /送达/);
  await checkPhonePage(page, 'inbox');
  await screenshot(page, 'applicant-inbox', true);
  // The text messages: the delivery worker hands them to the demo sender within seconds.
  let sent = [];
  for (let i = 0; i < 40 && sent.length < 7; i++) {
    const r = await page.request.get(BASE + '/api/v1/demo/outbox?phone=' + MOBILE);
    sent = (await r.json()).messages.filter((m) => m.kind === 'message');
    if (sent.length < 7) await new Promise((ok) => setTimeout(ok, 500));
  }
  assert.equal(sent.length, 7, 'one text message per public step');
  assert.ok(!JSON.stringify(sent).includes(MOBILE), 'the outbox masks the number');
  // Read one: the count in the header goes down.
  await Promise.all([page.waitForEvent('load'), page.locator('.message-read').first().click()]);
  await page.waitForFunction(() => (document.getElementById('header-unread') || {}).textContent === '6');
  // Rate the closed case: no level preselected, then once.
  const row = page.locator(`#my-applications li[data-id="${shared.id}"]`);
  const form = row.locator('.rating-form');
  await form.locator('button[type=submit]').click();
  await page.waitForFunction(() => document.getElementById('my-status').className === 'error');
  await form.locator('input[name=level][value=very_satisfied]').check();
  await form.locator('textarea').fill('窗口服务很耐心');
  await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()]);
  await page.waitForFunction(() => document.body.textContent.includes('已评价'));
  assert.equal(await page.locator('.rating-form').count(), 0, 'rated once: the form is gone');
  await checkPhonePage(page, 'rated');
});
