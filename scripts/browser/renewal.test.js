// Browser test of issue #21 items 1 and 12 against the running `oneseal serve --demo`: a food
// business licence is granted, its holder applies for renewal at the window from the licence's
// page, the renewal is a case reviewed like any, the approving official refuses it with reasons
// and remedies (sealed as 不予延续行政许可决定书), and the licence page shows the refusal: the
// licence keeps its expiry and ends then (Licensing Law Art. 50). A construction permit's request to start
// later is granted (the date bounded to three months) and a second refused (建筑法 Art. 9).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { visit, suite, signedIn, act: actOn, registerCase } = require('./lib');

const shared = { licence: null, renewal: null, validUntil: null };
const HOLDER = '济南续证餐饮有限公司';
const USCC = '91370100MA3C0RT1XH';

suite();

// Each staff member signs in once and keeps the page for the later steps.
const as = signedIn();

const act = async (staff, number, action, fill) => actOn(await as(staff), number, action, fill);

// The decision: the form opens the preview of what is sealed, whose second submit takes it.
async function decide(number, outcome, fill, expect) {
  const page = await as('APPROVE');
  await visit(page, '/cases/' + number);
  const form = page.locator(`form.confirm-step:has(input[name=action][value=decide]):has(input[name=outcome][value=${outcome}])`);
  assert.equal(await form.count(), 1, `no ${outcome} form`);
  if (fill) await fill(form);
  await Promise.all([page.waitForURL(/\/confirm\?/), form.locator('button').click()]);
  const preview = await page.textContent('main');
  for (const t of expect) assert.match(preview, t);
  await Promise.all([page.waitForURL(new RegExp(`/cases/${number}\\?done=decide$`)), page.click('#confirm-step')]);
  return page;
}

async function reviewed(number) {
  await act('CLERK', number, 'accept');
  await act('REVIEW', number, 'review', (f) => f.locator('textarea[name=opinion]').fill('材料齐全'));
  await act('REVIEW2', number, 'review', async (f) => {
    await f.locator('select[name=step]').selectOption('review');
    await f.locator('textarea[name=opinion]').fill('经核查');
  });
}

test('(renewal) a food business licence is granted to an organisation', async () => {
  const clerk = await as('CLERK');
  const number = await registerCase(clerk, { item: '990100001000', name: HOLDER, uscc: USCC, file: '食品经营许可申请书.pdf' });
  await reviewed(number);
  const approver = await decide(number, 'approve', null, [/准予行政许可/]);
  shared.licence = (await approver.locator('dl.facts a[href^="/verify/"]').textContent()).trim();
  assert.match(shared.licence, /^1\.2\.156\.3005\.2\./);
  assert.equal(await approver.locator('#manage-licence').count(), 1, 'the case links the licence page');
});

test('(renewal) the holder applies for renewal at the window: a case linked to the licence', async () => {
  assert.ok(shared.licence, 'needs the licence above');
  const clerk = await as('CLERK');
  await visit(clerk, `/licences/${shared.licence}/manage`);
  assert.match(await clerk.textContent('#licence-status'), /有效/);
  shared.validUntil = (await clerk.textContent('#licence-valid-until')).trim();
  const form = clerk.locator('#licence-apply');
  await form.locator('select[name=purpose]').selectOption('renewal');
  await form.locator('select[name="applicant.type"]').selectOption('organisation');
  await form.locator('input[name="applicant.name"]').fill(HOLDER);
  await form.locator('input[name="applicant.uscc"]').fill(USCC);
  await form.locator('input[name="applicant.phone"]').fill('0531 8600 1234');
  const reloaded = clerk.waitForEvent('load').catch(() => {});
  await form.locator('button').click();
  await clerk.waitForSelector('#form-result p');
  assert.match(await clerk.textContent('#form-result'), /已办理.*办件编号/);
  await reloaded;
  await clerk.waitForLoadState('load');
  shared.renewal = (await clerk.textContent('#licence-application a')).trim();
  assert.match(shared.renewal, /^\d{20}$/);
  assert.match(await clerk.textContent('#licence-events'), /申请延续/);
  await visit(clerk, '/cases/' + shared.renewal);
  assert.match(await clerk.textContent('#about-licence'), /延续/);
});

test('(renewal) the renewal is reviewed and refused with reasons, sealed as a refusal of renewal', async () => {
  assert.ok(shared.renewal, 'needs the renewal case above');
  await reviewed(shared.renewal);
  await decide(shared.renewal, 'refuse', (f) => f.locator('textarea[name=reasons]').fill('经营场所已不具备食品安全条件'),
    [/不予延续行政许可决定书/, /行政复议/]);
  const clerk = await as('CLERK');
  await visit(clerk, `/licences/${shared.licence}/manage`);
  assert.match(await clerk.textContent('#renewal-refused'), /不予延续.*有效期届满时终止/);
  assert.equal((await clerk.textContent('#licence-valid-until')).trim(), shared.validUntil, 'the expiry is kept');
  assert.match(await clerk.textContent('#licence-events'), /不予延续/);
  assert.equal(await clerk.locator('#licence-application').count(), 0, 'no application is open');
});

test('(renewal) a construction permit: a later start is requested, granted with its new date, then refused with reasons', async () => {
  const clerk = await as('CLERK');
  const number = await registerCase(clerk, { item: '990100011000', name: '济南延期开工建设有限公司', uscc: '91370100MA3C0RT4XL', file: '施工许可申请表.pdf' });
  await reviewed(number);
  const approver = await decide(number, 'approve', null, [/准予行政许可/]);
  const licence = (await approver.locator('dl.facts a[href^="/verify/"]').textContent()).trim();
  const submit = async (id, fill) => {
    const form = approver.locator('#' + id);
    assert.equal(await form.count(), 1, `no form #${id}`);
    if (fill) await fill(form);
    const reloaded = approver.waitForEvent('load').catch(() => {});
    await form.locator('button').click();
    await approver.waitForSelector('#form-result p');
    assert.match(await approver.textContent('#form-result'), /已办理/);
    await reloaded;
    await approver.waitForLoadState('load');
  };
  await visit(approver, `/licences/${licence}/manage`);
  const firstDeadline = (await approver.textContent('#licence-start')).match(/\d{4}-\d{2}-\d{2}/)[0];
  assert.match(await approver.textContent('#licence-start-extensions'), /0 \/ 2/);
  assert.equal(await approver.locator('#licence-start-grant').count(), 0, 'nothing to decide yet');
  await submit('licence-start-extension');
  assert.match(await approver.textContent('#licence-start'), /已申请延期开工，待发证机关决定/);
  // The date offered is the latest the law allows (three months on); the form bounds it.
  const date = approver.locator('#licence-start-grant input[name=new_start_by]');
  const latest = await date.getAttribute('max');
  assert.ok(latest > firstDeadline, `${latest} after ${firstDeadline}`);
  await submit('licence-start-grant');
  assert.match(await approver.textContent('#licence-start'), new RegExp(latest));
  assert.match(await approver.textContent('#licence-start-extensions'), /1 \/ 2/);
  assert.match(await approver.textContent('#licence-events'), new RegExp(`准予延期开工.*${latest}`));
  // The second request, refused with reasons: the deadline stands, the reasons stay off the page's history.
  await submit('licence-start-extension');
  await submit('licence-start-refuse', (f) => f.locator('textarea[name=reasons]').fill('未说明不能按期开工的正当理由'));
  assert.match(await approver.textContent('#licence-start-extensions'), /1 \/ 2.*不予延期/);
  assert.match(await approver.textContent('#licence-start'), new RegExp(latest));
  const history = await approver.textContent('#licence-events');
  assert.match(history, /不予延期开工/);
  assert.doesNotMatch(history, /正当理由/);
});
