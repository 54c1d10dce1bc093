// Browser test of issue #19 item 5 at a phone's viewport (360 × 740): a 告知承诺 case through its
// verification. The clerk registers 食品经营许可 with the applicant's signed commitment ticked; the
// approving official decides it on the spot on the strength of the commitment; the supervising
// department (SCJG) finds on /dept that the commitment is false; the bureau head sees the credit
// record on /commitments with the revocation due (Art. 69 para 2).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PDF, signIn, visit, suite, screenshot } = require('./lib');

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
