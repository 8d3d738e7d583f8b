// The operators' data-quality dashboard: an operator signs in and sees the figures the API
// gives, department by department, in both languages; a department token is turned away.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, baseUrl, deptToken, openBrowser, operatorToken, screenshot } from './harness.mjs';

let browser;
before(async () => {
  assert.ok(operatorToken, 'OPERATOR_TOKEN must hold an operator token');
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

async function signIn(page, token) {
  await page.goto(`${baseUrl}/console/quality`);
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('token-submit').click();
  await page.getByTestId('whoami').waitFor();
}

test('an operator sees volumes, rejection rate and every department', async () => {
  const page = await browser.page();
  await signIn(page, operatorToken);
  const report = await api('/quality?days=30', { token: operatorToken });
  await page.getByTestId('quality-summary').waitFor();

  const rows = page.getByTestId('quality-departments').locator('tbody tr');
  assert.equal(await rows.count(), report.departments.length);
  const market = report.departments.find((d) => d.department === 'market_regulation');
  const row = page.locator('tr[data-department="market_regulation"]');
  assert.match(await row.innerText(), new RegExp(market.name.zh));
  assert.equal(await page.getByTestId('quality-late-count').innerText(),
    String(report.departments.filter((d) => d.late).length));
  if (report.daily.length > 0) await page.getByTestId('quality-chart').waitFor();
  await screenshot(page, 'console-quality-zh');

  await page.getByTestId('language-switch').click();
  await page.getByRole('heading', { level: 1, name: 'Data quality' }).waitFor();
  assert.match(await row.innerText(), new RegExp(market.name.en.split(' ')[0]));
  await screenshot(page, 'console-quality-en');
  assert.deepEqual(browser.errors, []);
});

test('a department token is told the dashboard is not for it', async () => {
  const page = await browser.page();
  await signIn(page, deptToken);
  await page.getByTestId('quality-not-allowed').waitFor();
  assert.equal(await page.getByTestId('quality-summary').count(), 0);
});
