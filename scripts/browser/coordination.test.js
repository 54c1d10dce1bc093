// Browser test of issue #20 item 4 (领导协调) against the running `oneseal serve --demo`: a
// reviewer raises a matter, the bureau head records the meeting's decision and assigns a task to
// the market regulator (SCJG), the department reports it done from its own sign-in, the head
// closes the matter; the dashboard counts coordination matters.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { visit, suite, signedIn } = require('./lib');

suite();

const as = signedIn();

// Submits the form `selector` on the page as it is, after `fill`; the page answers 已办理 and
// reloads itself a moment later (data-reload): that load is awaited.
async function submit(page, selector, fill) {
  const form = page.locator(selector).first();
  assert.equal(await form.count(), 1, `no form ${selector} on ${page.url()}`);
  if (fill) await fill(form);
  const reloaded = page.waitForEvent('load').catch(() => {});
  await form.locator('button').click();
  await page.waitForSelector('#form-result p');
  const text = (await page.textContent('#form-result')).trim();
  assert.match(text, /已办理/, `${selector}: ${text}`);
  await reloaded;
  await page.waitForLoadState('load');
}

test('(coordination) a matter is raised, decided, its task reported done by the department and closed', async () => {
  const title = '路灯维护监管职责争议 ' + Date.now();
  const reviewer = await as('REVIEW');
  await visit(reviewer, '/coordination');
  await submit(reviewer, '#raise-matter', async (f) => {
    await f.locator('select[name=kind]').selectOption('competence_dispute');
    await f.locator('input[name=title]').fill(title);
    await f.locator('textarea[name=description]').fill('城管局与住建局均认为路灯维护监管不属本部门职责');
    await f.locator('textarea[name=departments]').fill('SCJG\nZJ');
    await f.locator('input[name=due_working_days]').fill('3');
  });
  const row = reviewer.locator('#coordination-matters tr', { hasText: title });
  assert.equal(await row.count(), 1, 'the new matter is listed');
  const id = (await row.getAttribute('data-matter')).trim();
  assert.match(id, /^XT-\d{6}-\d{5}$/);
  assert.match(await row.textContent(), /待协调/);

  const head = await as('HEAD');
  await visit(head, '/coordination/' + id);
  await submit(head, '#decide-matter', async (f) => {
    await f.locator('textarea[name=decision]').fill('由市场监管局牵头，五个工作日内拿出监管方案');
  });
  assert.match(await head.textContent('#matter-status'), /落实中/);
  await submit(head, '#assign-task', async (f) => {
    await f.locator('select[name=department]').selectOption('SCJG');
    await f.locator('textarea[name=description]').fill('拿出路灯维护监管方案');
    await f.locator('input[name=due_working_days]').fill('5');
  });
  assert.equal(await head.locator('#close-matter').count(), 0, 'no closing while a task is open');

  const dept = await as('SCJG');
  await visit(dept, '/dept');
  assert.equal(await dept.locator('a[href="/coordination"]').count() > 0, true);
  await visit(dept, '/coordination/' + id);
  await submit(dept, 'form.task-done', async (f) => {
    await f.locator('input[name=report]').fill('监管方案已报送');
  });
  assert.match(await dept.textContent('#matter-tasks'), /已办结/);

  await visit(head, '/coordination/' + id);
  await submit(head, '#close-matter', async (f) => {
    await f.locator('textarea[name=summary]').fill('职责已明确，方案已落实');
  });
  assert.match(await head.textContent('#matter-status'), /已办结/);
  assert.match(await head.textContent('#matter-closed'), /方案已落实/);

  await visit(head, '/dashboard');
  assert.match(await head.textContent('#kpi-coordination'), /协调事项未办结/);
});
