// On a phone-sized screen every main page fits the width (no sideways scrolling) and the
// navigation stays reachable; screenshots of each page are kept in both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, findSubjects, openBrowser, phone, screenshot } from './harness.mjs';

let browser;
let subject;
before(async () => {
  browser = await openBrowser({ viewport: phone });
  [subject] = await findSubjects({ kind: 'enterprise' });
});
after(async () => {
  await browser?.close();
});

const pages = [
  { name: 'home', path: () => '/', ready: 'stat-subjects' },
  { name: 'search', path: () => `/search?q=${encodeURIComponent('公司')}`, ready: 'results' },
  { name: 'subject', path: () => `/subjects/${encodeURIComponent(subject.code)}`, ready: 'subject-profile' },
  { name: 'upload', path: () => '/console/upload', ready: 'token-panel' },
];

for (const locale of ['zh-CN', 'en']) {
  test(`main pages fit a phone screen (${locale})`, async () => {
    const page = await browser.page();
    await page.goto(`${baseUrl}/`);
    await page.evaluate((value) => localStorage.setItem('credence.locale', value), locale);
    for (const spec of pages) {
      await page.goto(`${baseUrl}${spec.path()}`);
      await page.getByTestId(spec.ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${spec.name} is ${overflow}px wider than the screen`);
      for (const link of await page.locator('header nav a').all()) {
        assert.ok(await link.isVisible(), `${await link.innerText()} is visible in the header`);
        const box = await link.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= phone.width, 'navigation link within the screen');
      }
      await screenshot(page, `${spec.name}-phone-${locale === 'en' ? 'en' : 'zh'}`);
    }
    assert.deepEqual(browser.errors, []);
  });
}
