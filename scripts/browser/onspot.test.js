// Browser test of issue #21 item 10 against the running `oneseal serve --demo`: an item whose
// law allows it (市场主体登记, 《市场主体登记管理条例》第十九条) is accepted and granted on the
// spot by the approving official (Art. 34(2)); an item without that setting is not offered it.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { visit, suite, signedIn, registerCase } = require('./lib');

suite();

// Each staff member signs in once and keeps the page for the later steps.
const as = signedIn();

// The clerk registers a complete application at the window for the item `code`.
async function register(code, name, uscc) {
  const clerk = await as('CLERK');
  return registerCase(clerk, { item: code, name, uscc, file: '登记申请书.pdf' });
}

test('(onspot) the approving official accepts and grants a complete registration on the spot', async () => {
  const number = await register('990100008000', '济南泉城当场登记有限公司', '91370100MA3C0RT1XH');
  // The clerk is offered the ordinary acceptance, not the decision.
  const clerk = await as('CLERK');
  await visit(clerk, '/cases/' + number);
  assert.equal(await clerk.locator('form.confirm-step:has(input[name=action][value="decide_on_spot"])').count(), 0);
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + number);
  const form = approver.locator('form.confirm-step:has(input[name=action][value="decide_on_spot"])');
  assert.equal(await form.count(), 1, 'the on-the-spot form is offered');
  assert.match(await form.textContent(), /市场主体登记管理条例/);
  await Promise.all([approver.waitForURL(/\/confirm\?action=decide_on_spot/), form.locator('button').click()]);
  const preview = await approver.textContent('main');
  assert.match(preview, /当场受理并准予行政许可/);
  assert.match(preview, /第三十四条第二款/);
  await Promise.all([
    approver.waitForURL(new RegExp(`/cases/${number}\\?done=decide_on_spot$`)),
    approver.click('#confirm-step'),
  ]);
  assert.match(await approver.textContent('#form-result'), /已办理/);
  assert.equal((await approver.textContent('h2#decision')).trim(), '准予行政许可决定书');
  const kinds = await approver.locator('#documents a').evaluateAll((as) => as.map((a) => a.dataset.kind));
  for (const k of ['receipt', 'acceptance', 'decision']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  const main = await approver.textContent('main');
  assert.match(main, /当场决定/);
  assert.match(main, /当场作出决定/);
  // Nothing more to decide: the case waits for delivery by the clerk.
  assert.equal(await approver.locator('form.confirm-step:has(input[name=action][value="decide_on_spot"])').count(), 0);
});

test('(onspot) an item whose law does not provide for it is not offered on the spot', async () => {
  const number = await register('990100001000', '济南泉城普通食品有限公司', '91370100MA3C0RT2XJ');
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + number);
  assert.equal(await approver.locator('form.confirm-step:has(input[name=action][value="decide_on_spot"])').count(), 0);
});
