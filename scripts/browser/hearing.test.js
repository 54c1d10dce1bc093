// Browser test of issue #21 item 5 (Licensing Law Art. 36, 45–48) against the running
// `oneseal serve --demo`: one case walked from the review's finding that others' major interests
// are concerned, through the notice to the interested parties, their statement, the notice of
// the right to a hearing and the request, to the hearing's notice (7 days ahead, presided over
// by someone who did not review the case) and its postponement (noticed again 7 days ahead).
// The server runs on the real clock, so that hearing day lies in the future; the demo's history
// leaves one more case on its hearing day (services/history/staged.rs, 济南泉城听证示范餐饮有限公司),
// and that hearing is walked to the end: the signed record closed, the clock running again, and
// the decision taken on the record.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { visit, suite, signedIn, act: actOn, registerCase, BASE } = require('./lib');

const shared = {};
const STATEMENT = '油烟排放口正对住户窗户，请求调整位置';
suite();

// Each staff member signs in once and keeps the page for the later steps.
const as = signedIn();

// Takes one step through the case page's form `selector`, filled by `fill`.
const act = async (staff, selector, fill) => actOn(await as(staff), shared.number, selector, fill);

const hearing = (a) => `form[data-action="hearing"][data-act="${a}"]`;

test('(hearing) a case is received, accepted and reviewed once', async () => {
  const clerk = await as('CLERK');
  shared.number = await registerCase(clerk, { item: '990100001000', name: '济南泉城餐饮管理有限公司', uscc: '91370100MA3C0RT1XH' });
  await act('CLERK', 'form[data-action="accept"]');
  await act('REVIEW', 'form[data-action="review"]', async (f) => {
    await f.locator('select[name=step]').selectOption('initial_review');
    await f.locator('textarea[name=opinion]').fill('材料齐全；经营场所与住宅相邻');
  });
});

test('(hearing) the reviewer finds others concerned, tells and hears them, and tells of the hearing right', async () => {
  const reviewer = await act('REVIEW', hearing('find_major_interests'));
  // Until the parties are told, their statement cannot be recorded: no such form.
  assert.equal(await reviewer.locator(hearing('record_statement')).count(), 0);
  await act('REVIEW', hearing('notify_parties'), async (f) => {
    await f.locator('textarea[name=parties]').fill('相邻住户代表');
    await f.locator('input[name=notice_reference]').fill('济审告〔2026〕1号');
  });
  await act('REVIEW', hearing('record_statement'), async (f) => {
    await f.locator('input[name=party]').fill('相邻住户代表');
    await f.locator('textarea[name=statement]').fill(STATEMENT);
  });
  await act('REVIEW', hearing('notify_right'), async (f) => {
    await f.locator('input[name=notice_reference]').fill('济审听告〔2026〕1号');
  });
  const page = await as('REVIEW');
  await visit(page, '/cases/' + shared.number);
  assert.match(await page.textContent('#hearing'), new RegExp(STATEMENT));
});

test('(hearing) a request stops the clock, and the hearing is noticed 7 days ahead by someone who did not review', async () => {
  await act('REVIEW', hearing('request'), async (f) => {
    await f.locator('select[name=requester]').selectOption('interested_party');
    await f.locator('input[name=notice_reference]').fill('济审听不计〔2026〕1号');
  });
  const page = await as('REVIEW');
  await visit(page, '/cases/' + shared.number);
  const form = page.locator(hearing('schedule'));
  assert.equal(await form.count(), 1);
  // The reviewer of the case is not among those who may preside (Art. 48).
  const presiding = await form.locator('select[name=presiding] option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(!presiding.includes('REVIEW'), presiding.join(','));
  assert.ok(presiding.includes('HEAD'), presiding.join(','));
  const earliest = await form.locator('input[name=held_on]').getAttribute('min');
  assert.match(earliest, /^\d{4}-\d{2}-\d{2}$/);
  await act('REVIEW', hearing('schedule'), async (f) => {
    await f.locator('select[name=presiding]').selectOption('HEAD');
    await f.locator('input[name=place]').fill('本局三楼听证室');
    await f.locator('input[name=notice_reference]').fill('济审听通〔2026〕1号');
  });
  await visit(page, '/cases/' + shared.number);
  assert.match(await page.textContent('#hearing'), new RegExp(earliest));
  assert.equal(await page.locator('#documents a[data-kind="hearing_notice"]').count(), 1, 'the 听证通知书');
  assert.match(await page.textContent('#steps'), /利害关系人与听证/);
});

test('(hearing) the approver is offered no decision before the record; the clerk does not read the statement', async () => {
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + shared.number);
  assert.equal(await approver.locator('form[data-action="decide"]').count(), 0);
  assert.match(await approver.textContent('#hearing'), new RegExp(STATEMENT));
  const clerk = await as('CLERK');
  await visit(clerk, '/cases/' + shared.number);
  const section = await clerk.textContent('#hearing');
  assert.doesNotMatch(section, new RegExp(STATEMENT));
  assert.match(section, /仅审查、审批人员可见/);
  // Nor does the clerk's page name the party.
  const progress = await clerk.locator('main').textContent();
  assert.doesNotMatch(progress, /相邻住户代表/);
});

test('(hearing) a noticed hearing is postponed for a reason and noticed again 7 days ahead', async () => {
  const page = await as('REVIEW');
  await visit(page, '/cases/' + shared.number);
  const form = page.locator(hearing('reschedule'));
  assert.equal(await form.count(), 1, 'the postponement form');
  const day = await form.locator('input[name=held_on]').getAttribute('min');
  assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
  await act('REVIEW', hearing('reschedule'), async (f) => {
    await f.locator('input[name=place]').fill('本局五楼听证室');
    await f.locator('textarea[name=reason]').fill('申请人因故请求延期');
    await f.locator('input[name=notice_reference]').fill('济审听通〔2026〕2号');
  });
  await visit(page, '/cases/' + shared.number);
  const section = await page.textContent('#hearing');
  assert.match(section, /听证延期/);
  assert.match(section, new RegExp('改于' + day));
  // The clerk sees the new day, not the reason.
  const clerk = await as('CLERK');
  await visit(clerk, '/cases/' + shared.number);
  const seen = await clerk.textContent('#hearing');
  assert.match(seen, new RegExp('改于' + day));
  assert.doesNotMatch(seen, /因故请求延期/);
});

test('(hearing) on the hearing day the signed record is closed and the decision is taken on it', async () => {
  const reviewer = await as('REVIEW');
  const r = await reviewer.request.get(BASE + '/api/v1/cases?limit=200&q=' + encodeURIComponent('听证示范餐饮'));
  assert.equal(r.status(), 200);
  const found = (await r.json()).cases;
  assert.equal(found.length, 1, 'the demo history leaves one case on its hearing day');
  const number = found[0].case_number;
  const approver = await as('APPROVE');
  await visit(approver, '/cases/' + number);
  // Before the record: no decision offered (Art. 48(2)).
  assert.equal(await approver.locator('form[data-action="decide"], form.confirm-step:has(input[name=action][value=decide])').count(), 0);
  await actOn(reviewer, number, hearing('close_record'), async (f) => {
    await f.locator('input[name=record_reference]').fill('济审听录〔演示〕1号');
    await f.locator('input[name=signed]').check();
  });
  await visit(reviewer, '/cases/' + number);
  assert.match(await reviewer.textContent('#hearing'), /听证笔录签署完毕/);
  assert.equal(await reviewer.locator(hearing('close_record')).count(), 0, 'the record is closed once');
  // The approving official now decides, on the record.
  await visit(approver, '/cases/' + number);
  const form = approver.locator('form.confirm-step:has(input[name=action][value=decide]):has(input[name=outcome][value=approve])');
  assert.equal(await form.count(), 1, 'the decision is offered once the record is closed');
  await Promise.all([approver.waitForURL(/\/confirm\?/), form.locator('button').click()]);
  assert.match(await approver.textContent('main'), /准予/);
  await Promise.all([approver.waitForURL(new RegExp(`/cases/${number}\\?done=decide$`)), approver.click('#confirm-step')]);
  await visit(approver, '/cases/' + number);
  assert.match(await approver.locator('main').textContent(), /准予行政许可决定书/);
});
