// Browser test of issue #20 item 2 against the running `oneseal serve --demo`: a "one thing"
// bundle (我要办民办学校) is applied for at the window with the combined form, one file per
// material of the combined list; the receipt lists one case per item, each is accepted,
// reviewed and approved (sealed) on its own case page, and the application's page and the
// applicant's progress show them together with the overall status.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PDF, visit, suite, signedIn, act } = require('./lib');

suite();

const as = signedIn();
const shared = {};

test('(bundles) the public home and guide list the bundles with shared materials once', async () => {
  const anon = await as('CLERK');
  await visit(anon, '/guide/bundles/open-restaurant');
  const guide = await anon.textContent('#bundle-guide');
  assert.match(guide, /我要开餐馆/);
  assert.equal(await anon.locator('#bundle-materials li:has-text("营业执照")').count(), 1);
  assert.match(await anon.textContent('#bundle-materials'), /共享/);
});

test('(bundles) the clerk applies for a bundle at the window: one case per item', async () => {
  const clerk = await as('CLERK');
  await visit(clerk, '/bundles');
  await Promise.all([
    clerk.waitForURL(/\/bundles\/open-private-school\/apply$/),
    clerk.click('tr[data-bundle="open-private-school"] a.button'),
  ]);
  await clerk.selectOption('select[name=applicant_type]', 'organisation');
  await clerk.fill('input[name=applicant_name]', '济南泉城一件事教育发展有限公司');
  await clerk.fill('input[name=applicant_code]', '91370100MA3C0RT1XH');
  await clerk.fill('input[name=applicant_phone]', '0531 8600 1234');
  const inputs = clerk.locator('#bundle-materials input[type=file]');
  const n = await inputs.count();
  assert.ok(n >= 2, `${n} material inputs`);
  for (let k = 0; k < n; k++) {
    await inputs.nth(k).setInputFiles({ name: `材料${k}.pdf`, mimeType: 'application/pdf', buffer: PDF });
  }
  await Promise.all([clerk.waitForLoadState('load'), clerk.click('#bundle-form button[type=submit]')]);
  await clerk.waitForSelector('#application-number, #error-summary, .error', { timeout: 10000 });
  assert.equal(await clerk.locator('#application-number').count(), 1, await clerk.textContent('main'));
  shared.application = (await clerk.textContent('#application-number')).trim();
  shared.code = (await clerk.textContent('#query-code')).trim();
  shared.cases = await clerk.locator('#bundle-cases a.case-link').allTextContents();
  assert.equal(shared.cases.length, 2, 'one case per item');
  assert.equal(shared.cases[0], shared.application);
  assert.match(await clerk.textContent('#materials-stored'), /\d/);
});

test('(bundles) each case is accepted, reviewed and approved on its own, and the application is complete', async () => {
  assert.ok(shared.cases, 'needs the application above');
  for (const number of shared.cases) {
    await act(await as('CLERK'), number, 'accept');
    await act(await as('REVIEW'), number, 'review', (f) => f.locator('textarea[name=opinion]').fill('材料齐全'));
    await act(await as('REVIEW2'), number, 'review', async (f) => {
      await f.locator('select[name=step]').selectOption('review');
      await f.locator('textarea[name=opinion]').fill('符合条件');
    });
    const approver = await as('APPROVE');
    await visit(approver, '/cases/' + number);
    const form = approver.locator('form.confirm-step:has(input[name=action][value="decide"]):has(input[name=outcome][value="approve"])');
    assert.equal(await form.count(), 1, `the approval is offered on ${number}`);
    await Promise.all([approver.waitForURL(/\/confirm\?/), form.locator('button').click()]);
    await Promise.all([
      approver.waitForURL(new RegExp(`/cases/${number}\\?done=decide$`)),
      approver.click('#confirm-step'),
    ]);
    assert.match(await approver.textContent('#form-result'), /已办理/);
  }
  const head = await as('HEAD');
  await visit(head, '/bundles/applications/' + shared.application);
  assert.equal((await head.getAttribute('#application-status', 'data-status')), '全部办结（准予）');
  assert.equal(await head.locator('#application-cases tbody tr').count(), 2);
  await visit(head, '/bundles');
  assert.match(await head.textContent('#bundle-stats tr[data-bundle="open-private-school"]'), /[1-9]/);
});

test('(bundles) the applicant follows every case of the application with one query code', async () => {
  assert.ok(shared.code, 'needs the application above');
  const page = await as('CLERK');
  await visit(page, `/progress?case=${shared.cases[1]}&code=${encodeURIComponent(shared.code)}`);
  assert.match(await page.textContent('#bundle-status'), /全部办结/);
  assert.equal(await page.locator('#bundle-members li').count(), 2);
});
