// Browser tests of the materials desk (issue #18 item 2) against the running demo: the clerk
// uploads a PDF and a PNG to a new case beside the item's checklist, a file of another type is
// refused, the reviewer previews them, the clerk builds the one-time notice by ticking the
// missing items and prints it, the supplement's file is stored through the same upload, and
// every role that may view the case sees the files (and only clerks the upload form).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PDF, BASE, visit, takeProblems, screenshot, suite, signedIn } = require('./lib');

const shared = { number: null };
// A 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000200000500' + '01e9fadcd80000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF supplement')]);

suite();

// Each staff member signs in once and keeps the page for the later steps.
const as = signedIn();

async function casePage(staff) {
  const page = await as(staff);
  await visit(page, '/cases/' + shared.number);
  return page;
}

async function checklist(page) {
  return page.locator('#material-checklist li').evaluateAll((lis) =>
    lis.map((li) => ({ name: li.dataset.material, got: li.classList.contains('got') })));
}

async function uploadThrough(page, name, file) {
  const form = page.locator('#material-upload');
  if (name) await form.locator('select[name=name]').selectOption(name);
  else {
    await form.locator('select[name=name]').selectOption('');
    await form.locator('input[name=other_name]').fill('现场照片');
  }
  await form.locator('input[name=file]').setInputFiles(file);
  await form.locator('button').click();
  await page.waitForSelector('#material-upload .upload-result.ok, #material-upload .upload-result.error');
  return (await page.textContent('#material-upload .upload-result')).trim();
}

test('the clerk registers a case and sees the checklist with nothing received', async () => {
  const clerk = await as('CLERK');
  await visit(clerk, '/cases/new');
  const created = await clerk.evaluate(async () => {
    const r = await fetch('/api/v1/cases', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': document.body.dataset.csrf },
      body: JSON.stringify({ item_code: '990100001000', channel: 'window',
        applicant: { type: 'organisation', name: '济南泉城材料测试有限公司', uscc: '91370100MA3C0RT1XH', contact_phone: '13812345678' } }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  shared.number = created.body.case_number;
  const page = await casePage('CLERK');
  const items = await checklist(page);
  assert.ok(items.length >= 2, 'the item lists at least two materials: ' + JSON.stringify(items));
  assert.ok(items.every((i) => !i.got), 'nothing is received yet');
  assert.match(await page.textContent('#material-files'), /尚未上传文件/);
  shared.checklist = items.map((i) => i.name);
});

test('the clerk uploads a PDF and a PNG; a file of another type is refused with its reason', async () => {
  const clerk = await casePage('CLERK');
  const first = shared.checklist[0];
  let said = await uploadThrough(clerk, first, { name: '申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  assert.match(said, /已上传 1 个文件/);
  await clerk.waitForLoadState('load');
  await visit(clerk, '/cases/' + shared.number);
  said = await uploadThrough(clerk, null, { name: '照片.png', mimeType: 'image/png', buffer: PNG });
  assert.match(said, /已上传 1 个文件/);
  await clerk.waitForLoadState('load');
  await visit(clerk, '/cases/' + shared.number);
  // An HTML page named .pdf is told from its bytes and refused.
  said = await uploadThrough(clerk, first, { name: '伪装.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  assert.match(said, /不受支持.*\[unsupported_material_type\]/);
  // The refused upload answers 415, which Chromium logs; that one message is expected.
  const seen = takeProblems();
  assert.equal(seen.length, 1, seen.join('\n'));
  assert.match(seen[0], /status of 415/);

  await visit(clerk, '/cases/' + shared.number);
  const rows = clerk.locator('#material-files tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), new RegExp(first + '.*PDF.*CLERK'));
  assert.match(await rows.nth(1).textContent(), /现场照片.*PNG/);
  const items = await checklist(clerk);
  assert.equal(items.find((i) => i.name === first).got, true, 'the checklist shows the PDF received');
  await screenshot(clerk, 'materials-desk');
});

test('the reviewer previews the files in the browser but has no upload form', async () => {
  const reviewer = await casePage('REVIEW');
  assert.equal(await reviewer.locator('#material-upload').count(), 0);
  const links = reviewer.locator('#material-files a.preview');
  assert.equal(await links.count(), 2);
  assert.equal(await links.first().getAttribute('target'), '_blank');
  // The PNG is shown on the page itself.
  const width = await reviewer.locator('#material-files img.thumb').evaluate((img) =>
    img.complete ? img.naturalWidth : new Promise((ok) => { img.onload = () => ok(img.naturalWidth); }));
  assert.equal(width, 1);
  // The PDF opens inline in the browser's viewer, inert: its own policy, no sniffing.
  const r = await reviewer.request.get(BASE + await links.first().getAttribute('href'));
  assert.equal(r.status(), 200);
  const h = r.headers();
  assert.equal(h['content-type'], 'application/pdf');
  assert.match(h['content-disposition'], /^inline/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.match(h['content-security-policy'], /default-src 'none'/);
  assert.deepEqual(Buffer.from(await r.body()), PDF);
});

test('the clerk builds the one-time notice by ticking the missing items and prints it', async () => {
  const clerk = await casePage('CLERK');
  const form = clerk.locator('form[data-action="one_time_notice"]');
  assert.equal(await form.count(), 1);
  const boxes = form.locator('input[name=missing]');
  const ticked = await boxes.evaluateAll((bs) => bs.filter((b) => b.checked).map((b) => b.value));
  const missing = shared.checklist.slice(1);
  assert.deepEqual(ticked, missing, 'the missing items come ticked, the received one not');
  // The clerk unticks all but one missing item and adds one by hand.
  for (const name of missing.slice(1)) await form.locator(`input[name=missing][value="${name}"]`).uncheck();
  await form.locator('textarea[name=lines]').fill('法定代表人身份证明');
  await form.locator('input[name=note]').fill('请提交加盖公章的原件');
  await form.locator('button').click();
  await clerk.waitForSelector('#form-result p');
  assert.match((await clerk.textContent('#form-result')).trim(), /已办理/);
  await clerk.waitForLoadState('load');
  await visit(clerk, '/cases/' + shared.number);
  assert.match(await clerk.textContent('#steps'), /一次性告知补正/);
  await Promise.all([clerk.waitForURL(/\/notice$/), clerk.click('#notice-link')]);
  const rows = await clerk.locator('#notice-items tbody tr').allTextContents();
  assert.deepEqual(rows.map((r) => r.includes('请提交加盖公章的原件')), [true, true]);
  assert.match(rows[0], new RegExp(missing[0]));
  assert.match(rows[1], /法定代表人身份证明/);
  assert.match(await clerk.textContent('#notice'), /一次性告知书[\s\S]*第三十二条/);
  await clerk.emulateMedia({ media: 'print' });
  assert.equal(await clerk.locator('button[data-print]').isVisible(), false, 'the button is not printed');
  assert.equal(await clerk.locator('#notice').isVisible(), true);
  await clerk.emulateMedia({ media: 'screen' });
  await screenshot(clerk, 'one-time-notice');
});

test('the supplement stores its file through the same upload', async () => {
  const clerk = await casePage('CLERK');
  const form = clerk.locator('form[data-action="supplement"]');
  assert.equal(await form.count(), 1);
  await form.locator('select[name=material]').selectOption(shared.checklist[1]);
  await form.locator('input[name=files]').setInputFiles({ name: '补正.jpg', mimeType: 'image/jpeg', buffer: JPEG });
  await form.locator('button').click();
  await clerk.waitForSelector('#form-result p');
  assert.match((await clerk.textContent('#form-result')).trim(), /已办理/);
  await clerk.waitForLoadState('load');
  await visit(clerk, '/cases/' + shared.number);
  assert.match(await clerk.textContent('#steps'), /收到补正材料/);
  const rows = clerk.locator('#material-files tbody tr');
  assert.equal(await rows.count(), 3);
  assert.match(await rows.nth(2).textContent(), new RegExp(shared.checklist[1] + '.*JPEG'));
});

test('every role that may view the case sees its files; only the clerk may upload', async () => {
  for (const staff of ['APPROVE', 'HEAD', 'INSPECT']) {
    const page = await casePage(staff);
    assert.equal(await page.locator('#material-files tbody tr').count(), 3, staff);
    assert.equal(await page.locator('#material-upload').count(), 0, staff);
  }
  const dept = await as('SCJG');
  const r = await dept.goto(`${BASE}/cases/${shared.number}`);
  assert.equal(r.status(), 403, 'a department does not see the bureau\'s cases');
  // Chromium logs the 403 page: expected.
  const seen = takeProblems();
  assert.ok(seen.every((p) => /status of 403/.test(p)), seen.join('\n'));
});
