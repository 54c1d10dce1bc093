// Browser tests of issue #21 (the Licensing Law item by item) against the running
// `oneseal serve --demo`: the public licence register (Art. 40) and the construction permit,
// whose own law (建筑法 Art. 8) allows no extension.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { newPage, visit, suite, signedIn, registerCase } = require('./lib');

suite();

// Each staff member signs in once and keeps the page for the later steps.
const as = signedIn();

test('(law) the public register lists grants to organisations and finds one by its holder', async () => {
  const page = await newPage('public');
  await visit(page, '/licences');
  assert.match(await page.textContent('main h1'), /许可公示/);
  const rows = page.locator('#register tbody tr');
  assert.ok((await rows.count()) > 0, 'the demo history granted licences');
  const first = rows.first();
  const holder = (await first.locator('td:nth-child(2)').textContent()).trim();
  assert.doesNotMatch(holder, /个人申请人/, 'natural persons are not listed');
  assert.match((await first.locator('td:nth-child(4)').textContent()).trim(), /^\d{4}-\d{2}-\d{2}$/);
  assert.match((await first.locator('td:nth-child(5)').textContent()).trim(), /^\d{4}-\d{2}-\d{2}$/);
  // Search by the holder: every row found names it.
  await page.fill('input[name=q]', holder);
  await Promise.all([page.waitForURL(/\/licences\?q=/), page.click('form.search button')]);
  const found = await page.locator('#register tbody tr td:nth-child(2)').allTextContents();
  assert.ok(found.length > 0);
  for (const h of found) assert.equal(h.trim(), holder);
  // A search that matches nothing says so.
  await visit(page, '/licences?q=' + encodeURIComponent('没有这个单位%_'));
  assert.equal(await page.locator('#register-empty').count(), 1);
  await page.context().close();
});

test('(law) the head is offered no extension of a construction permit and is told why', async () => {
  const clerk = await as('CLERK');
  const number = await registerCase(clerk, { item: '990100011000', name: '济南历城建筑工程有限公司', uscc: '91370100MA3C0RT1XH', file: '施工许可申请表.pdf' });
  await visit(clerk, '/cases/' + number);
  await clerk.locator('form[data-action="accept"] button').click();
  await clerk.waitForSelector('#form-result p');
  assert.match(await clerk.textContent('#form-result'), /已办理/);
  await clerk.waitForLoadState('load');
  const head = await as('HEAD');
  await visit(head, '/cases/' + number);
  assert.equal(await head.locator('form[data-action="extend"]').count(), 0, 'no extension form');
  const settings = await head.textContent('#legal-settings');
  assert.match(settings, /不得延长（《中华人民共和国建筑法》第八条）/);
  assert.match(settings, /自收到申请之日起计算/);
  // The catalog page states the same, with its source.
  await visit(head, '/catalog/990100011000');
  assert.match(await head.textContent('#legal-settings'), /《中华人民共和国建筑法》第八条/);
});
