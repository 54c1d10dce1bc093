// Browser test of issue #19 item 5 at a phone's viewport (360 × 740): a 告知承诺 case through its
// verification. The clerk registers 食品经营许可 with the applicant's signed commitment ticked; the
// approving official decides it on the spot on the strength of the commitment; the supervising
// department (SCJG) finds on /dept that the commitment is false; the bureau head sees the credit
// record on /commitments with the revocation due (Art. 69 para 2). Online, an applicant ticks the
// commitment on /my's form (the item's text above the box); once received and decided at once,
// "my applications" says the commitment was signed and when the department will verify it.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { BASE, PDF, newPage, signIn, visit, suite, screenshot } = require('./lib');

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const ITEM = '990100001000';
const FINDING = '现场核查：未设专职食品安全管理人员，与承诺不符';
const shared = {};

suite();

const pages = {};
async function as(staff) {
  if (!pages[staff]) pages[staff] = await signIn(staff, PHONE);
  return pages[staff];
}

test('(commitment) the clerk registers an application with the signed commitment', async () => {
  const clerk = await as('CLERK');
  await visit(clerk, '/cases/new');
  const label = await clerk.locator(`#item-list option[value$="（${ITEM}）"]`).getAttribute('value');
  await clerk.fill('input[name=item]', label);
  await clerk.selectOption('select[name=applicant_type]', 'organisation');
  await clerk.fill('input[name=applicant_name]', '济南泉城承诺食品有限公司');
  await clerk.fill('input[name=applicant_code]', '91370100MA3C0RT2XJ');
  await clerk.fill('input[name=applicant_phone]', '0531 8600 1234');
  await clerk.setInputFiles('#f-materials', { name: '食品经营许可申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  const box = clerk.locator('input[name=commitment]');
  assert.equal(await box.count(), 1, 'the form offers the commitment');
  await box.check();
  await clerk.click('#intake-form button[type=submit]');
  await clerk.waitForSelector('#case-number', { timeout: 10000 });
  shared.number = (await clerk.textContent('#case-number')).trim();
  assert.match(shared.number, /^\d{20}$/);
});

test('(commitment) the approving official decides it at once on the commitment', async () => {
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + shared.number);
  const form = approver.locator('form.confirm-step:has(input[name=action][value="decide_on_spot"])');
  assert.equal(await form.count(), 1, 'decided at once on a signed commitment');
  assert.match(await form.textContent(), /国办发〔2020〕42号/);
  await Promise.all([approver.waitForURL(/\/confirm\?action=decide_on_spot/), form.locator('button').click()]);
  await Promise.all([
    approver.waitForURL(new RegExp(`/cases/${shared.number}\\?done=decide_on_spot$`)),
    approver.click('#confirm-step'),
  ]);
  assert.equal((await approver.textContent('h2#decision')).trim(), '准予行政许可决定书');
});

test('(commitment) the supervising department finds the commitment false on /dept', async () => {
  const dept = await as('SCJG');
  await visit(dept, '/dept');
  const row = dept.locator(`#dept-commitments tr[data-commitment="${shared.number}"]`);
  assert.equal(await row.count(), 1, 'the verification task is in the inbox');
  assert.match(await row.textContent(), /待核查/);
  await row.locator('select[name=verdict]').selectOption('false');
  await row.locator('textarea[name=finding]').fill(FINDING);
  const reloaded = dept.waitForEvent('load').catch(() => {});
  await row.locator('button').click();
  await dept.waitForSelector('#form-result p');
  assert.match((await dept.textContent('#form-result')).trim(), /已办理/);
  await reloaded;
  await dept.waitForLoadState('load');
  const answered = dept.locator(`#dept-commitments tr[data-commitment="${shared.number}"]`);
  assert.match(await answered.textContent(), /承诺不实/);
  assert.equal(await answered.locator('form').count(), 0, 'answered once, no form left');
  await screenshot(dept, 'commitment-dept-phone');
});

test('(commitment) the bureau head sees the credit record with the revocation due', async () => {
  const head = await as('HEAD');
  await visit(head, '/commitments?status=false');
  const row = head.locator(`#commitments tr[data-commitment="${shared.number}"]`);
  assert.equal(await row.count(), 1, 'the credit record is listed for staff');
  const text = await row.textContent();
  assert.match(text, /承诺不实/);
  assert.match(text, /应当撤销许可/);
  assert.match(text, new RegExp(FINDING));
});

// One step through the API with `staff`'s session.
async function post(staff, url, body) {
  const p = await as(staff);
  const csrf = await p.evaluate(() => document.body.dataset.csrf);
  const r = await p.request.post(BASE + url, {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: JSON.stringify(body),
  });
  assert.equal(r.status(), 200, `${staff} ${url}: ${await r.text()}`);
  return r.json();
}

test('(commitment) an applicant signs the commitment online and sees it on /my', async () => {
  const mobile = '137' + String(Date.now()).slice(-8);
  const page = await newPage('applicant', PHONE);
  await visit(page, '/my?item=' + ITEM);
  await page.fill('#my-phone', mobile);
  await page.click('#otp-send');
  await page.waitForFunction(() => document.getElementById('my-status').textContent.includes('验证码已发送'));
  const outbox = await page.request.get(BASE + '/api/v1/demo/outbox?phone=' + mobile);
  const code = (await outbox.json()).messages.find((m) => m.kind === 'code').code;
  await page.fill('#my-code', code);
  await Promise.all([page.waitForSelector('#apply-form'), page.click('#code-sign-in')]);
  const text = await page.textContent('#apply-commitment-text');
  assert.match(text, /告知承诺书/);
  assert.match(text, /国办发〔2020〕42号/);
  await page.fill('#apply-name', '钱承诺');
  await page.fill('#apply-code', '11010519491231002X');
  await page.fill('#apply-phone', mobile);
  await page.setInputFiles('#apply-materials input[type=file] >> nth=0',
    { name: '申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.check('#apply-commitment');
  await Promise.all([page.waitForURL(/\/my#mine$/), page.click('#apply-submit')]);
  const row = page.locator('#my-applications li').first();
  await row.waitFor();
  const id = await row.getAttribute('data-id');

  const received = await post('CLERK', `/api/v1/online-applications/${id}/receive`, {});
  const decided = await post('APPROVE', `/api/v1/cases/${received.case_number}/actions`, { action: 'decide_on_spot' });
  assert.equal(decided.status, 11, 'decided at once on the commitment signed online');
  await visit(page, '/my');
  const status = page.locator(`#my-applications li[data-id="${id}"] .commitment-status`);
  assert.match(await status.textContent(), /您已签署告知承诺书/);
  assert.match(await status.textContent(), /主管部门将在\d{4}-\d{2}-\d{2}前核查/);
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(widths[0] <= widths[1], `no sideways scrolling: ${widths}`);
  await screenshot(page, 'commitment-applicant-phone', true);
});
