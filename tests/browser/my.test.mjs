// The subject's user center: an enterprise logs in with the demo city's account, sees its full
// file with the rating, and the access log lists a department's read with its stated purpose —
// in Chinese and, after switching, in English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { baseUrl, openBrowser, screenshot } from './harness.mjs';

let browser;
let enterprise;
let courtToken;

before(async () => {
  const lines = readFileSync(process.env.DEMO_FILE, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const cells = line.split('\t');
    if (cells[0] === 'account' && cells[1] === 'subject' && !/^[0-9]{17}[0-9X]$/.test(cells[2])) {
      enterprise = { login: cells[2], password: cells[3] };
    }
    if (cells[0] === 'department' && cells[1] === 'court') courtToken = cells[2];
  }
  assert.ok(enterprise && courtToken, 'the demo file lists an enterprise account and the court token');
  // The court reads the enterprise's file, stating why.
  const read = await fetch(`${baseUrl}/api/v1/subjects/${enterprise.login}`, {
    headers: { authorization: `Bearer ${courtToken}`, 'x-purpose': encodeURIComponent('执行案件财产调查') },
  });
  assert.equal(read.status, 200);
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
});

test('an enterprise logs in and sees its file, rating and who viewed it, in both languages', async () => {
  const page = await browser.page();
  await page.goto(`${baseUrl}/my`);
  // Not logged in: the user center sends to the login page.
  await page.waitForURL(/\/login\?next=/);
  await page.fill('input[name="login"]', enterprise.login);
  await page.fill('input[name="password"]', 'wrong password!');
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.getByTestId('login-error').waitFor();
  assert.match(await page.getByTestId('login-error').innerText(), /账号或密码错误/);

  await page.fill('input[name="password"]', enterprise.password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForURL(/\/my$/);
  await page.getByTestId('my-file').waitFor();
  assert.match(await page.getByTestId('my-code').innerText(), new RegExp(enterprise.login));
  await page.getByTestId('my-rating').waitFor();
  assert.match(await page.getByTestId('my-rating').innerText(), /怎样会改变评价/);
  // The session cookie is out of reach of scripts.
  assert.equal(await page.evaluate(() => document.cookie.includes('credence_session')), false);
  await screenshot(page, 'my-file-zh');

  await page.getByRole('link', { name: '谁查看了我的档案' }).click();
  await page.getByTestId('my-access-log').waitFor();
  const logZh = await page.getByTestId('my-access-log').innerText();
  assert.match(logZh, /执行案件财产调查/);
  assert.match(logZh, /用途/);
  await screenshot(page, 'my-access-log-zh');

  await page.getByTestId('language-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const logEn = await page.getByTestId('my-access-log').innerText();
  assert.match(logEn, /Who viewed my file/);
  assert.match(logEn, /Purpose/);
  assert.match(logEn, /执行案件财产调查/);  // the department's own words stay as written
  await page.getByRole('link', { name: 'Credit file' }).click();
  await page.getByTestId('my-rating').waitFor();
  assert.match(await page.getByTestId('my-rating').innerText(), /What would change it/);
  await screenshot(page, 'my-file-en');

  await page.getByTestId('logout').click();
  await page.waitForURL(`${baseUrl}/`);
  const after = await page.evaluate(async () => (await fetch('/api/v1/me/file')).status);
  assert.equal(after, 401);
  assert.deepEqual(browser.errors, []);
});
