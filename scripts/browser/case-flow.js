const { chromium } = require('playwright-core');
const BASE = process.env.ONESEAL_URL || 'http://127.0.0.1:8080';
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const errors = [];
  async function as(staff) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.on('pageerror', e => errors.push(staff + ': ' + e.message));
    page.on('console', m => { if (m.type() === 'error') errors.push(staff + ' console: ' + m.text()); });
    await page.goto(BASE + '/login');
    await page.fill('input[name=staff_id]', staff);
    await page.fill('input[name=password]', 'oneseal-demo');
    await page.click('button[type=submit]');
    await page.waitForURL(BASE + '/');
    return page;
  }
  const clerk = await as('CLERK');
  await clerk.goto(BASE + '/cases/new');
  await clerk.selectOption('select[name=item_code]', '990100001000');
  await clerk.fill('input[name=applicant_name]', '济南泉城餐饮有限公司');
  await clerk.fill('input[name=applicant_code]', '91370100MA3C0RT1XH');
  await clerk.fill('input[name=applicant_phone]', '13812345678');
  await clerk.setInputFiles('input[name=materials]', { name: '申请书.txt', mimeType: 'text/plain', buffer: Buffer.from('申请书内容') });
  await clerk.click('#intake-form button[type=submit]');
  await clerk.waitForSelector('#form-result a', { timeout: 10000 });
  const href = await clerk.getAttribute('#form-result a', 'href');
  console.log('intake:', await clerk.textContent('#form-result'));
  const number = href.split('/').pop();
  async function act(page, action, fill) {
    await page.goto(BASE + '/cases/' + number);
    const form = page.locator(`form[data-action="${action}"]`).first();
    if (fill) { await fill(form); }
    await form.locator('button').click();
    await page.waitForSelector('#form-result p');
    const text = await page.textContent('#form-result');
    console.log(action + ':', text.trim());
    if (!text.includes('已办理')) { throw new Error(action + ' failed: ' + text); }
  }
  await act(clerk, 'accept');
  const review = await as('REVIEW');
  await act(review, 'review', async f => { await f.locator('textarea[name=opinion]').fill('材料齐全'); });
  const review2 = await as('REVIEW2');
  await act(review2, 'review', async f => { await f.locator('textarea[name=opinion]').fill('符合条件'); });
  const head = await as('HEAD');
  await act(head, 'extend', async f => { await f.locator('input[name=reason]').fill('需补充论证'); await f.locator('input[name=applicant_notified_on]').fill(new Date().toISOString().slice(0,10)); });
  const approver = await as('APPROVE');
  await approver.goto(BASE + '/cases/' + number);
  await act(approver, 'decide');
  await act(clerk, 'deliver');
  await clerk.goto(BASE + '/cases/' + number);
  console.log('final status:', (await clerk.textContent('dl.facts dd strong')).trim());
  await clerk.screenshot({ path: '/tmp/s-case-final.png', fullPage: false });
  console.log('errors:', JSON.stringify(errors));
  await browser.close();
})().catch(e => { console.error('FAILED', e.message); process.exit(1); });
