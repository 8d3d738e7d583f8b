// The home page: the figures strip shows the platform's own numbers, and the chart library is
// downloaded only when a chart is about to be seen, never with the first page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, baseUrl, openBrowser } from './harness.mjs';

let browser;
before(async () => {
  // A short window, so that the chart starts well below the fold.
  browser = await openBrowser({ viewport: { width: 1280, height: 400 } });
});
after(async () => {
  await browser?.close();
});

test('the stats strip shows the numbers of /api/v1/stats', async () => {
  const stats = await api('/stats');
  const page = await browser.page();
  await page.goto(`${baseUrl}/`);
  const digits = async (id) => Number((await page.getByTestId(id).innerText()).replace(/\D/g, ''));
  await page.getByTestId('stat-subjects').filter({ hasText: /\d/ }).waitFor();
  assert.equal(await digits('stat-subjects'), stats.subjects);
  assert.equal(await digits('stat-records'), stats.records);
});

test('chart code is loaded on demand only', async () => {
  const stats = await api('/stats');
  const page = await browser.page();
  const scripts = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
  });
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('stat-subjects').filter({ hasText: /\d/ }).waitFor();
  await page.waitForLoadState('networkidle');
  const chartChunk = (list) => list.filter((path) => /echarts/i.test(path));
  assert.deepEqual(chartChunk(scripts), [], 'no chart code before a chart is in view');

  if (!stats.by_region?.length) return; // no chart on this server: nothing more to load
  const chart = page.getByTestId('region-chart');
  await chart.scrollIntoViewIfNeeded();
  await page.waitForSelector('[data-testid="region-chart"][data-rendered="true"] canvas');
  assert.ok(chartChunk(scripts).length > 0, 'the chart chunk was fetched when the chart came into view');
});
