// Browser test of issue #20 item 3 (工程建设项目审批制度改革) against the running
// `oneseal serve --demo`: the clerk opens the demo's construction project from the menu, reads
// its stages and the server-drawn timeline, registers a new project through the form, receives a
// project approval (企业投资项目核准) application and links it to the first stage, which opens
// with its clock on the page and the timeline. (The refusals are the API tests'.)
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { visit, suite, signedIn, registerCase } = require('./lib');

suite();

const as = signedIn();

// Submits the form `selector` after `fill`; returns the answer's text (已办理 or the refusal).
// A successful form reloads the page (data-reload): that load is awaited.
async function submit(page, selector, fill) {
  const form = page.locator(selector).first();
  assert.equal(await form.count(), 1, `no form ${selector} on ${page.url()}`);
  if (fill) await fill(form);
  await form.locator('button').click();
  await page.waitForSelector('#form-result p');
  const text = (await page.textContent('#form-result')).trim();
  if (/已办理/.test(text)) {
    await page.waitForEvent('load').catch(() => {});
    await page.waitForLoadState('load');
  }
  return text;
}

test('(projects) the demo project shows its stages and timeline; a new project is registered and its first stage opened with a case', async () => {
  const clerk = await as('CLERK');
  await visit(clerk, '/');
  await clerk.locator('a[href="/projects"]').first().click();
  await clerk.waitForLoadState('load');
  const demo = clerk.locator('#projects tr[data-project]', { hasText: '演示' });
  assert.equal(await demo.count(), 1, 'the demo project is listed');
  const demoCode = (await demo.getAttribute('data-project')).trim();
  assert.match(demoCode, /^\d{4}-370100-47-01-\d{6}$/);

  await visit(clerk, '/projects/' + demoCode);
  const stages = await clerk.textContent('#project-stages');
  assert.match(stages, /立项用地规划许可/);
  assert.match(stages, /竣工验收/);
  assert.ok((await clerk.locator('#project-stages tr[data-stage] a[href^="/cases/"]').count()) >= 1,
    'the stages list their cases');
  const svg = clerk.locator('svg#project-timeline');
  assert.equal(await svg.count(), 1, 'the timeline is drawn');
  assert.ok((await svg.locator('g.tl-stage rect').count()) >= 1, 'a stage bar');
  assert.ok((await svg.locator('g.tl-case rect').count()) >= 1, 'a case bar');
  assert.match(await svg.textContent(), /总时限/);
  assert.match(await clerk.textContent('#project-whole'), /120个工作日/);

  const name = '泉城路地下停车场工程 ' + Date.now();
  await visit(clerk, '/projects');
  const registered = await submit(clerk, '#register-project', async (f) => {
    await f.locator('input[name=name]').fill(name);
    await f.locator('input[name=owner]').fill('济南泉城停车管理有限公司');
    await f.locator('select[name=kind]').selectOption('filing');
  });
  assert.match(registered, /已办理/);
  const row = clerk.locator('#projects tr[data-project]', { hasText: name });
  assert.equal(await row.count(), 1, 'the new project is listed');
  const code = (await row.getAttribute('data-project')).trim();
  assert.match(code, /-03-\d{6}$/, 'a filed (备案) project');

  await visit(clerk, '/projects/' + code);
  assert.match(await clerk.textContent('#project-status'), /已登记/);
  assert.match(await clerk.textContent('#project-chart'), /尚无办件/);

  const number = await registerCase(clerk, { item: '990100009000', name: '济南泉城停车管理有限公司', uscc: '91370100MA3C0RT1XH', file: '项目申请报告.pdf' });
  await visit(clerk, '/projects/' + code);
  const linked = await submit(clerk, '#link-case', async (f) => {
    await f.locator('select[name=stage]').selectOption('land_planning');
    await f.locator('input[name=case_number]').fill(number);
  });
  assert.match(linked, /已办理/);
  await visit(clerk, '/projects/' + code);
  assert.match(await clerk.textContent('#project-status'), /审批中/);
  const first = await clerk.textContent('#project-stages tr[data-stage="land_planning"]');
  assert.match(first, new RegExp(number));
  assert.match(first, /20个工作日/);
  assert.match(first, /\d{4}-\d{2}-\d{2}/, 'the stage shows its opening and due date');
  assert.equal(await clerk.locator('#project-timeline g.tl-stage rect').count(), 1);
  assert.equal(await clerk.locator('form.complete-stage').count(), 1, 'the stage may be completed from the page');
});
