// Browser test of issue #20 item 1 (joint review, 会签 / 联合审查) against the running
// `oneseal serve --demo`: a reviewer asks the market regulator (SCJG) for its opinion on a case
// under review, the department answers from its inbox (/dept) with conditions and its own
// site-check report (uploaded, then cited), and the approving official reads the opinion on the
// case page, downloads the report, and sees why the legal clock did not stop (Art. 45).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { visit, suite, signedIn, act, registerCase } = require('./lib');

const shared = {};
const QUESTION = '请现场核查经营场所油烟净化设施';
const CONDITIONS = '油烟净化设施须在开业前安装并经验收';
// A small PDF standing for the department's site-check report.
const REPORT = Buffer.from('%PDF-1.4\n% site-check report\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
suite();

// Each staff member signs in once and keeps the page for the later steps.
const as = signedIn();

test('(consultation) a case is received, accepted and reviewed once', async () => {
  const clerk = await as('CLERK');
  shared.number = await registerCase(clerk, { item: '990100001000', name: '济南泉城会签餐饮有限公司', uscc: '91370100MA3C0RT3XK' });
  await act(clerk, shared.number, 'form[data-action="accept"]');
  await act(await as('REVIEW'), shared.number, 'form[data-action="review"]', async (f) => {
    await f.locator('select[name=step]').selectOption('initial_review');
    await f.locator('textarea[name=opinion]').fill('材料齐全，需征求监管部门意见');
  });
});

test('(consultation) the reviewer asks the market regulator for its opinion', async () => {
  const reviewer = await act(await as('REVIEW'), shared.number, 'form#ask-consultation', async (f) => {
    await f.locator('input[name=departments][value="SCJG"]').check();
    await f.locator('textarea[name=question]').fill(QUESTION);
    await f.locator('input[name=due_working_days]').fill('5');
  });
  const section = await reviewer.textContent('#consultations');
  assert.match(section, /待答复/);
  assert.match(section, new RegExp(QUESTION));
  assert.match(section, /不暂停计时/);
  shared.id = await reviewer.locator('#consultations tr[data-consultation]').first().getAttribute('data-consultation');
  assert.match(shared.id, /^ZX\d{13}$/);
});

test('(consultation) the department answers from its inbox with conditions', async () => {
  const dept = await as('SCJG');
  await visit(dept, '/dept');
  const row = dept.locator(`#dept-consultations tr[data-consultation="${shared.id}"]`);
  assert.equal(await row.count(), 1, 'the request is in the inbox');
  assert.match(await row.textContent(), new RegExp(QUESTION));
  await row.locator('select[name=opinion]').selectOption('conditional');
  await row.locator('textarea[name=text]').fill(CONDITIONS);
  await row.locator('input[type=file][name=attachments]').setInputFiles({ name: '现场核查报告.pdf', mimeType: 'application/pdf', buffer: REPORT });
  const reloaded = dept.waitForEvent('load').catch(() => {});
  await row.locator('button').click();
  await dept.waitForSelector('#form-result p');
  assert.match((await dept.textContent('#form-result')).trim(), /已办理/);
  await reloaded;
  await dept.waitForLoadState('load');
  const answered = dept.locator(`#dept-consultations tr[data-consultation="${shared.id}"]`);
  assert.match(await answered.textContent(), /有条件同意/);
  assert.equal(await answered.locator('form').count(), 0, 'answered once, no form left');
  assert.match(await answered.textContent(), /附件 1 个/);
});

test('(consultation) the approving official reads the opinion on the case', async () => {
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + shared.number);
  const section = await approver.textContent('#consultations');
  assert.match(section, /有条件同意/);
  assert.match(section, new RegExp(CONDITIONS));
  assert.match(section, /第四十五条/);
  // The department's own report, listed on the case under its name, downloads as it was sent.
  const link = approver.locator('#consultations small.attachment a').first();
  assert.match(await link.textContent(), /会签意见附件/);
  const href = await link.getAttribute('href');
  assert.match(href, new RegExp('^/api/v1/cases/' + shared.number + '/materials/[0-9a-f]{64}$'));
  const got = await approver.evaluate(async (u) => { const r = await fetch(u); return [r.status, await r.text()]; }, href);
  assert.equal(got[0], 200);
  assert.equal(got[1], REPORT.toString('latin1'));
  assert.equal(await approver.locator('form#ask-consultation').count(), 0, 'the approver does not ask');
});
