// Browser tests of a case's documents (#18.4, #21.7) against the running demo (ONESEAL_URL):
// the clerk registers a case and gets the 收件凭证 PDF, the case is accepted, reviewed and
// refused through the desk, the case page names the refusal and links its PDF, and the
// applicant downloads the copies from the progress page with the query code. Each PDF is read
// back with `pdftotext` (poppler-utils; scripts/browser-test installs it).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { PDF, BASE, newPage, visit, suite, signedIn, act: actOn, registerCase } = require('./lib');

const shared = { number: null, code: null };

suite();

// Each staff member signs in once and keeps the page for the later steps.
const as = signedIn();

// Fetches `href` with the page's cookies and returns the PDF's text (whitespace removed: the
// layout breaks lines anywhere).
async function pdfText(page, href) {
  const r = await page.request.get(new URL(href, BASE).href);
  assert.equal(r.status(), 200, `GET ${href}`);
  assert.equal(r.headers()['content-type'], 'application/pdf');
  const body = await r.body();
  assert.equal(body.subarray(0, 5).toString(), '%PDF-');
  const file = path.join(os.tmpdir(), `oneseal-doc-${process.pid}-${body.length}.pdf`);
  fs.writeFileSync(file, body);
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString().replace(/\s+/g, '');
  } finally {
    fs.unlinkSync(file);
  }
}

const act = async (staff, action, fill) => actOn(await as(staff), shared.number, action, fill);

test('intake prints the 收件凭证 as a PDF carrying the query code', async () => {
  const clerk = await as('CLERK');
  shared.number = await registerCase(clerk, {
    item: '990100001000', name: '济南历山文书测试有限公司', uscc: '91370100MA3C0RT1XH', address: '济南市历城区山大路9号',
  });
  shared.code = (await clerk.textContent('#query-code')).trim();
  const href = await clerk.getAttribute('#receipt-pdf', 'href');
  const text = await pdfText(clerk, href);
  for (const want of ['收件凭证', shared.number, shared.code, '济南历山文书测试有限公司', '申请书', '住所/经营场所', '济南市历城区山大路9号']) {
    assert.ok(text.includes(want), `${want} missing from the receipt: ${text}`);
  }
});

test('the refusal is sealed, named on the case page and its PDF states the remedies with their limits', async () => {
  assert.ok(shared.number, 'needs the case registered above');
  await act('CLERK', 'accept');
  await act('REVIEW', 'review', (f) => f.locator('textarea[name=opinion]').fill('场所不符'));
  await act('REVIEW2', 'review', async (f) => {
    await f.locator('select[name=step]').selectOption('review');
    await f.locator('textarea[name=opinion]').fill('不符合条件');
  });
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + shared.number);
  const form = approver.locator('form.confirm-step:has(input[name=outcome][value="refuse"])');
  await form.locator('textarea[name=reasons]').fill('经营场所面积不足');
  await Promise.all([approver.waitForURL(/\/confirm\?/), form.locator('button').click()]);
  assert.match(await approver.textContent('main'), /不予行政许可/);
  await Promise.all([
    approver.waitForURL(new RegExp(`/cases/${shared.number}\\?done=decide$`)),
    approver.click('#confirm-step'),
  ]);
  assert.equal((await approver.textContent('h2#decision')).trim(), '不予行政许可决定书');
  const kinds = await approver.locator('#documents a').evaluateAll((as) => as.map((a) => a.dataset.kind));
  assert.deepEqual(kinds, ['receipt', 'acceptance', 'decision']);
  const text = await pdfText(approver, await approver.getAttribute('#documents a[data-kind=decision]', 'href'));
  for (const want of ['不予行政许可决定书', '济南历山文书测试有限公司', '经营场所面积不足', '六十日内', '申请行政复议', '六个月内', '提起行政诉讼']) {
    assert.ok(text.includes(want), `${want} missing from the refusal: ${text}`);
  }
  assert.ok(!text.includes(shared.code), 'the staff copy carries no query code');
});

test('the applicant downloads its copies from the progress page with the query code', async () => {
  assert.ok(shared.code, 'needs the case above');
  const page = await newPage('public');
  await visit(page, `/progress?case=${shared.number}&code=${shared.code}`);
  const links = page.locator('#documents a');
  assert.equal(await links.count(), 3);
  const text = await pdfText(page, await page.getAttribute('#documents a[data-kind=decision]', 'href'));
  assert.ok(text.includes('不予行政许可决定书'), text);
  assert.ok(text.includes(shared.code), 'the applicant\'s copy carries the query code');
  const wrong = await page.request.get(`${BASE}/progress/documents/decision?case=${shared.number}&code=WRONG12345`);
  assert.equal(wrong.status(), 404);
  await page.context().close();
});

test('a grant with its scope: the certificate prints holder, address, item, scope, validity and number', async () => {
  const clerk = await as('CLERK');
  const number = await registerCase(clerk, {
    item: '990100001000', name: '济南历山证照测试有限公司', uscc: '91370100MA3C0RT1XH', address: '济南市历下区经十路88号',
  });
  const step = async (staff, action, fill) => actOn(await as(staff), number, action, fill);
  await step('CLERK', 'accept');
  await step('REVIEW', 'review', (f) => f.locator('textarea[name=opinion]').fill('符合条件'));
  await step('REVIEW2', 'review', async (f) => {
    await f.locator('select[name=step]').selectOption('review');
    await f.locator('textarea[name=opinion]').fill('符合条件');
  });
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + number);
  const form = approver.locator('form.confirm-step:has(input[name=outcome][value="approve"])');
  await form.locator('textarea[name=scope]').fill('预包装食品销售（含冷藏冷冻食品）');
  await Promise.all([approver.waitForURL(/\/confirm\?/), form.locator('button').click()]);
  assert.match(await approver.textContent('main'), /预包装食品销售/, 'the preview shows the scope');
  await Promise.all([
    approver.waitForURL(new RegExp(`/cases/${number}\\?done=decide$`)),
    approver.click('#confirm-step'),
  ]);
  const text = await pdfText(approver, await approver.getAttribute('#documents a[data-kind=licence]', 'href'));
  for (const want of ['行政许可证', '济南历山证照测试有限公司', '住所/经营场所', '济南市历下区经十路88号', '许可范围', '预包装食品销售（含冷藏冷冻食品）', '有效期限', '证照编号']) {
    assert.ok(text.includes(want), `${want} missing from the certificate: ${text}`);
  }
});
