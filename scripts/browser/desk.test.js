// Browser tests of the case desk's finishing work (issue #18), against the running
// `oneseal serve --demo` (ONESEAL_URL): the administrator downloads the catalog's import
// template, imports a changed item through the dry run (the preview names the changed field
// before anything is written, then the import is confirmed), and the clerk filters the queue by
// a reviewer chosen by name. The import renames one generated related item (a suffix that is
// new each run), which no other test reads; everything else only reads.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { BASE, signIn, visit, screenshot, suite } = require('./lib');

suite();

test('the administrator downloads the template and imports a change after its dry run', async () => {
  const admin = await signIn('ADMIN');
  await visit(admin, '/catalog/import');
  const link = admin.locator('#import-template');
  assert.equal(await link.getAttribute('href'), '/api/v1/catalog/template.xlsx');
  const template = await admin.request.get(BASE + '/api/v1/catalog/template.xlsx');
  assert.equal(template.status(), 200);
  assert.match(template.headers()['content-type'], /spreadsheetml/);
  assert.equal((await template.body()).subarray(0, 2).toString(), 'PK', 'an XLSX (ZIP) file');

  // One generated related item, renamed in the exported CSV.
  const found = await (await admin.request.get(BASE + '/api/v1/catalog/items?category=related&q=' +
    encodeURIComponent('演示生成') + '&per_page=1')).json();
  const item = found.items[0];
  const csv = (await (await admin.request.get(BASE + '/api/v1/catalog/export?format=csv')).body()).toString('utf8');
  const lines = csv.split('\r\n');
  const line = lines.find((l) => l.startsWith(item.basic_code + ','));
  assert.ok(line && line.includes(item.name), 'the item is a line of the export');
  const renamed = item.name.replace(/·\d+$/, '') + '·' + Date.now();
  const file = Buffer.from(lines[0] + '\r\n' + line.replace(item.name, renamed) + '\r\n', 'utf8');

  await admin.setInputFiles('#import-form input[type=file]', { name: 'change.csv', mimeType: 'text/csv', buffer: file });
  await admin.click('#import-form button[type=submit]');
  await admin.waitForSelector('#import-preview');
  const summary = (await admin.textContent('#import-result p.ok')).trim();
  assert.match(summary, /预览（未写入）.*变更 1 项/, summary);
  const row = admin.locator('#import-preview tr[data-change=changed]').first();
  assert.match(await row.textContent(), /事项名称（name）/);
  assert.match(await row.textContent(), new RegExp(renamed));
  await screenshot(admin, 'catalog-import-preview', true);
  // Nothing is written before the confirmation.
  const still = await (await admin.request.get(BASE + '/api/v1/catalog/items/' + item.basic_code)).json();
  assert.equal(still.item.name, item.name, 'the dry run wrote nothing');

  await admin.click('#import-confirm');
  await admin.waitForSelector('#import-result div p');
  assert.match((await admin.textContent('#import-result div p')).trim(), /导入成功：新发布 1 项/);
  const now = await (await admin.request.get(BASE + '/api/v1/catalog/items/' + item.basic_code)).json();
  assert.equal(now.item.name, renamed, 'the confirmed import published the change');
  await admin.context().close();
});

test('the queue\'s assignee filter is a choice of named staff', async () => {
  const clerk = await signIn('CLERK');
  await visit(clerk, '/cases');
  const options = await clerk.locator('select[name=assignee] option').allTextContents();
  assert.ok(options.length >= 3, 'everyone a case may be assigned to: ' + options.join(' | '));
  for (const o of options.slice(1)) assert.match(o.trim(), /^[\u4e00-\u9fa5]{2,4}（.+，[A-Z0-9-]+）$/, 'named, with role and id: ' + o);
  await clerk.selectOption('select[name=assignee]', 'REVIEW');
  await Promise.all([clerk.waitForURL(/assignee=REVIEW(&|$)/), clerk.click('form.filters button[type=submit]')]);
  assert.equal(await clerk.locator('select[name=assignee]').inputValue(), 'REVIEW', 'the filter shown is the filter applied');
  await clerk.context().close();
});
