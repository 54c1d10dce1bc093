// Browser tests of names where staff look (issue #18, items 5 and 7), against the running
// `oneseal serve --demo` (ONESEAL_URL) and its 90 days of history: a case page names who acted,
// a department opens a push's case summary and sends feedback from it without typing a licence
// number, and the bureau head reads a bad rating's comment where the rectification is closed.
// These tests only read the history and add one piece of feedback: web.test.js's flow is left
// as it finds it.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { signIn, visit, findRow, screenshot, suite } = require('./lib');

suite();

// `林晓窗（CLERK）`: a name with the staff id beside it.
const NAMED = /[\u4e00-\u9fa5]{2,4}（[A-Z0-9-]{2,32}）/;

test('a case page names the staff who acted, with their ids', async () => {
  const head = await signIn('HEAD');
  await visit(head, '/cases?include_closed=true');
  const link = head.locator('main table tbody tr td a[href^="/cases/"]').first();
  assert.equal(await link.count(), 1, 'the queue lists a case');
  await Promise.all([head.waitForURL(/\/cases\/\d+/), link.click()]);
  const actors = await head.locator('#steps tbody tr td:nth-child(3)').allTextContents();
  assert.ok(actors.length > 0, 'the case has steps');
  for (const a of actors) assert.match(a.trim(), NAMED, 'every step names its actor: ' + actors.join(' | '));
  await screenshot(head, 'names-case', true);
  await head.context().close();
});

test('a department opens a push, sees the licensee and licence, and sends feedback from it', async () => {
  const dept = await signIn('SCJG');
  // The newest push about a licence, whichever page it is on.
  await visit(dept, '/dept');
  let row = dept.locator('#dept-pushes tbody tr:has(a[href^="/verify/"])').first();
  for (let i = 0; (await row.count()) === 0 && i < 50; i++) {
    const next = dept.locator('a[rel=next]').first();
    assert.equal(await next.count(), 1, 'SCJG has a push about a licence');
    await visit(dept, await next.getAttribute('href'));
    row = dept.locator('#dept-pushes tbody tr:has(a[href^="/verify/"])').first();
  }
  const licence = (await row.locator('a[href^="/verify/"] code').textContent()).trim();
  const push = (await row.getAttribute('data-push')).trim();
  await Promise.all([dept.waitForURL(new RegExp('/dept/pushes/' + push + '$')), row.locator(`a[href="/dept/pushes/${push}"].button`).click()]);
  assert.notEqual((await dept.textContent('#licensee')).trim(), '', 'the licensee is named');
  assert.equal((await dept.textContent('#licence-id')).trim(), licence, 'the push\'s licence');
  assert.ok((await dept.locator('#summary-steps tbody tr').count()) >= 3, 'the case\'s steps are summarised');
  await screenshot(dept, 'names-push-summary', true);
  const form = dept.locator('#feedback-supervision');
  assert.equal(await form.locator('input[name="body.licence_id"]').getAttribute('value'), licence, 'the licence is filled in');
  assert.equal(await form.locator('input[name="body.licence_id"]').getAttribute('type'), 'hidden', 'nothing to type');
  await form.locator('input[name=external_ref]').fill('SCJG-JC-' + Date.now());
  await form.locator('input[name="body.inspected_on"]').fill('2026-11-20');
  await form.locator('select[name="body.result"]').selectOption('compliant');
  await form.locator('textarea[name="body.summary"]').fill('现场检查，经营条件符合要求');
  await form.locator('button').click();
  await dept.waitForSelector('#form-result p');
  assert.match((await dept.textContent('#form-result')).trim(), /已办理/);
  await dept.waitForLoadState('load');
  // The feedback is listed in the inbox with the licence it is about.
  const sent = await findRow(dept, '/dept', '现场检查，经营条件符合要求');
  assert.equal(await sent.count(), 1, 'the feedback is in the inbox');
  assert.match(await sent.textContent(), new RegExp(licence));
  await dept.context().close();
});

test('the bureau head reads a bad rating\'s comment where the rectification is closed', async () => {
  const head = await signIn('HEAD');
  const row = await findRow(head, '/ratings?limit=200', '申请人意见');
  assert.equal(await row.count(), 1, 'an open rectification in the demo\'s history');
  const comment = (await row.locator('.rating-comment').textContent()).trim();
  assert.match(comment, /申请人意见.*：.{4,}/, 'the comment is shown: ' + comment);
  assert.equal(await row.locator('form input[name=explanation]').count(), 1, 'beside the rectification form');
  await screenshot(head, 'names-rating-comment', false);
  // The inspector oversees ratings but does not rectify, and does not see the comment.
  const inspector = await signIn('INSPECT');
  await visit(inspector, '/ratings?limit=200');
  assert.equal(await inspector.locator('.rating-comment').count(), 0);
  await inspector.context().close();
  await head.context().close();
});
