// Browser test of 帮办代办 and 委托代理 at the window (issue #19 item 3) against the running demo:
// an older walk-in applicant asks the clerk to fill in the application for them; without the
// applicant's consent recorded the form comes back with the reason beside the consent field,
// with it the case is registered and its page says who filed, how the applicant consented and
// when. Then an agent files for an organisation with the authorisation's scan chosen on the form.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PDF, visit, suite, signedIn, takeProblems } = require('./lib');

suite();
const as = signedIn();

async function fillPerson(clerk) {
  await visit(clerk, '/cases/new');
  const label = await clerk.locator('#item-list option[value$="（990100001000）"]').getAttribute('value');
  await clerk.fill('input[name=item]', label);
  await clerk.selectOption('select[name=applicant_type]', 'natural_person');
  await clerk.fill('input[name=applicant_name]', '王大爷');
  await clerk.fill('input[name=applicant_code]', '11010519491231002X');
  await clerk.fill('input[name=applicant_phone]', '13800138000');
}

test('the clerk files on behalf of a walk-in applicant only with the consent recorded', async () => {
  const clerk = await as('CLERK');
  await fillPerson(clerk);
  await clerk.selectOption('select[name=representation]', 'on_behalf');
  await clerk.click('#intake-form button[type=submit]');
  await clerk.waitForSelector('#e-consent');
  assert.match(await clerk.textContent('#e-consent'), /须经申请人同意/);
  // The refused form answers 400, which Chromium logs; that one message is expected, nothing else.
  const seen = takeProblems();
  assert.equal(seen.length, 1, seen.join('\n'));
  assert.match(seen[0], /status of 400 .* on .*\/cases\/new$/);
  // What was typed is still there; the clerk records how the applicant agreed.
  assert.equal(await clerk.inputValue('input[name=applicant_name]'), '王大爷');
  await clerk.selectOption('select[name=consent]', 'verbal_at_window');
  await clerk.click('#intake-form button[type=submit]');
  await clerk.waitForSelector('#case-number', { timeout: 10000 });
  const number = (await clerk.textContent('#case-number')).trim();
  await visit(clerk, '/cases/' + number);
  const facts = await clerk.textContent('dl.facts');
  assert.match(facts, /帮办代办：.*代为填报/);
  assert.match(facts, /申请人在窗口当面口头同意/);
  assert.match(facts, /同意时间/);
});

test('an agent files for an organisation with the authorisation scanned at the window', async () => {
  const clerk = await as('CLERK');
  await visit(clerk, '/cases/new');
  const label = await clerk.locator('#item-list option[value$="（990100001000）"]').getAttribute('value');
  await clerk.fill('input[name=item]', label);
  await clerk.selectOption('select[name=applicant_type]', 'organisation');
  await clerk.fill('input[name=applicant_name]', '济南泉城代理测试有限公司');
  await clerk.fill('input[name=applicant_code]', '91370100MA3C0RT1XH');
  await clerk.fill('input[name=applicant_phone]', '0531 8600 1234');
  await clerk.selectOption('select[name=representation]', 'agent');
  await clerk.fill('input[name=agent_name]', '李代理');
  await clerk.fill('input[name=agent_id_number]', '370102198001011237');
  await clerk.setInputFiles('#f-authorisation', { name: '委托书.pdf', mimeType: 'application/pdf', buffer: PDF });
  await clerk.click('#intake-form button[type=submit]');
  await clerk.waitForSelector('#case-number', { timeout: 10000 });
  const number = (await clerk.textContent('#case-number')).trim();
  await visit(clerk, '/cases/' + number);
  const facts = await clerk.textContent('dl.facts');
  assert.match(facts, /李代理/);
  assert.match(facts, /已存入材料库/);
  // The reviewer sees the agent's ID number masked.
  const reviewer = await as('REVIEW');
  await visit(reviewer, '/cases/' + number);
  const seen = await reviewer.textContent('dl.facts');
  assert.match(seen, /3701\*+1237/);
  assert.doesNotMatch(seen, /370102198001011237/);
});
