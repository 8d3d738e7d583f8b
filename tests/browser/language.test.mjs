// The language switch: every page starts in Simplified Chinese; after switching, the portal's
// own texts (navigation, headings, labels, buttons, footer) are English, <html lang> follows,
// and the choice survives a reload. Screenshots of each page in both languages are kept.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, findSubjects, hanPattern, openBrowser, screenshot } from './harness.mjs';

let browser;
let subject;
before(async () => {
  browser = await openBrowser();
  [subject] = await findSubjects({ kind: 'enterprise' });
});
after(async () => {
  await browser?.close();
});

// Elements whose text the portal writes itself (not names or documents from the data).
const chrome = [
  'header nav',
  'footer',
  'main h2',
  'main dt',
  'main th',
  'main label',
  'main button',
  'main .pager .summary',
  '[data-testid="categories"]',
  '[data-testid="record"] h3',
  '[data-testid="publicity-state"]',
];

async function chromeTexts(page) {
  return page.evaluate((selectors) => {
    const out = [];
    for (const selector of selectors) {
      for (const element of document.querySelectorAll(selector)) {
        // Quoted text is the user's own query, not the portal's.
        const text = element.innerText.replace(/“[^”]*”/g, '').trim();
        if (text) out.push({ selector, text });
      }
    }
    return out;
  }, chrome);
}

const pages = [
  { name: 'home', path: () => '/', ready: 'stat-subjects', h1: ['查询公共信用信息', 'Search public credit information'] },
  { name: 'search', path: () => `/search?q=${encodeURIComponent('公司')}`, ready: 'results', h1: ['信用查询', 'Credit search'] },
  { name: 'subject', path: () => `/subjects/${encodeURIComponent(subject.code)}`, ready: 'subject-profile' },
  { name: 'upload', path: () => '/console/upload', ready: 'token-panel', h1: ['部门数据报送', 'Department data submission'] },
];

for (const spec of pages) {
  test(`the ${spec.name} page switches between Chinese and English`, async () => {
    const page = await browser.page();
    await page.goto(`${baseUrl}/`);
    await page.evaluate(() => localStorage.removeItem('credence.locale'));
    await page.goto(`${baseUrl}${spec.path()}`);
    await page.getByTestId(spec.ready).first().waitFor();
    await page.waitForLoadState('networkidle');

    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByRole('link', { name: '首页' }).waitFor();
    if (spec.h1) assert.equal((await page.locator('h1').first().innerText()).trim(), spec.h1[0]);
    const zhTitle = await page.title();
    await screenshot(page, `${spec.name}-zh`);

    await page.getByTestId('language-switch').click();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const enNav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const label of ['Home', 'Credit search', 'Data submission']) {
      await enNav.getByRole('link', { name: label }).waitFor();
    }
    if (spec.h1) assert.equal((await page.locator('h1').first().innerText()).trim(), spec.h1[1]);
    assert.equal((await page.getByTestId('language-switch').innerText()).trim(), '中文');
    assert.notEqual(await page.title(), zhTitle);
    const texts = await chromeTexts(page);
    assert.ok(texts.length > 5, 'the page has texts of its own to check');
    const untranslated = texts.filter(({ text }) => hanPattern.test(text));
    assert.deepEqual(untranslated, [], 'no Chinese left in the portal’s own texts');
    await screenshot(page, `${spec.name}-en`);

    await page.reload();
    await page.getByTestId(spec.ready).first().waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is remembered');
    await page.getByTestId('language-switch').click();
    await nav.getByRole('link', { name: '首页' }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('credence.locale')), 'zh-CN');
    assert.deepEqual(browser.errors, []);
  });
}
