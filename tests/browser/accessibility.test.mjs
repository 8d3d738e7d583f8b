// Automated accessibility checks (axe-core, WCAG 2.1 A and AA rules) of each main page in both
// languages, and keyboard reachability of the header. Serious and critical findings fail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { baseUrl, deptToken, findSubjects, openBrowser } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser;
let subject;
before(async () => {
  browser = await openBrowser();
  [subject] = await findSubjects({ kind: 'enterprise' });
});
after(async () => {
  await browser?.close();
});

async function audit(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const pages = [
  { name: 'home', path: () => '/', ready: 'stat-subjects' },
  { name: 'search', path: () => `/search?q=${encodeURIComponent('公司')}`, ready: 'results' },
  { name: 'subject', path: () => `/subjects/${encodeURIComponent(subject.code)}`, ready: 'subject-profile' },
  { name: 'upload', path: () => '/console/upload', ready: 'token-panel' },
];

for (const locale of ['zh-CN', 'en']) {
  test(`main pages have no serious accessibility violations (${locale})`, async () => {
    const page = await browser.page();
    await page.goto(`${baseUrl}/`);
    await page.evaluate((value) => localStorage.setItem('credence.locale', value), locale);
    const found = {};
    for (const spec of pages) {
      await page.goto(`${baseUrl}${spec.path()}`);
      await page.getByTestId(spec.ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      const violations = await audit(page);
      if (violations.length) found[spec.name] = violations;
    }
    assert.deepEqual(found, {});
  });
}

test('a signed-in console with a batch report has no serious accessibility violations', async () => {
  assert.ok(deptToken, 'DEPT_TOKEN must hold a department token');
  const page = await browser.page();
  await page.goto(`${baseUrl}/console/upload`);
  await page.getByTestId('token-input').fill(deptToken);
  await page.getByTestId('token-submit').click();
  await page.getByTestId('whoami').waitFor();
  await page.getByTestId('file-input').setInputFiles({
    name: 'bad.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from('{"not json\n'),
  });
  await page.getByTestId('upload-button').click();
  await page.getByTestId('error-table').waitFor();
  assert.deepEqual(await audit(page), []);
});

test('the keyboard reaches the skip link, the navigation and the language switch', async () => {
  const page = await browser.page();
  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => localStorage.removeItem('credence.locale')); // Chinese, the default
  await page.reload();
  await page.getByTestId('search-input').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
  const reached = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') || document.activeElement?.textContent?.trim()));
  }
  for (const label of ['首页', '信用查询', '部门数据报送']) {
    assert.ok(reached.includes(label), `${label} is reachable (reached: ${reached.join(', ')})`);
  }
  assert.ok(reached.includes('language-switch'), 'the language switch is reachable');
  // Enter on the skip link moves focus into the main content.
  await page.reload();
  await page.getByTestId('search-input').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
});
