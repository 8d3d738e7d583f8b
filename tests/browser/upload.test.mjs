// The department console: sign in with a department token, upload an NDJSON file in which some
// lines are bad, and read every rejected line, with its line number, in the batch report; then
// find the batch again in the history.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, baseUrl, deptToken, findSubjects, openBrowser, screenshot } from './harness.mjs';

let browser;
before(async () => {
  assert.ok(deptToken, 'DEPT_TOKEN must hold a market_regulation department token');
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

// Builds the file: good records about a real subject, and bad lines whose numbers the report
// must name. Source references are unique per run so the good lines are new records.
function buildFeed(subject) {
  const run = `${Date.now().toString(36)}-${process.pid}`;
  const base = {
    action: 'upsert',
    subject: { code: subject.code, name: subject.name },
    authority: { name: '温州市市场监督管理局', code: '11330300002582141C' },
  };
  const penalty = (n) => ({
    ...base,
    source_ref: `BT-CF-${run}-${n}`,
    kind: 'admin_penalty',
    decided_at: '2025-03-05',
    tier: 'general',
    document_no: `温市监罚〔2025〕${n}号`,
    legal_basis: '《中华人民共和国食品安全法》第一百二十四条',
    content: '罚款人民币伍万元',
    amount_yuan: 50000,
  });
  const license = (n) => ({
    ...base,
    source_ref: `BT-XK-${run}-${n}`,
    kind: 'admin_license',
    decided_at: '2025-02-10',
    document_no: `温市监许〔2025〕${n}号`,
    legal_basis: '《中华人民共和国行政许可法》',
    content: '食品经营许可',
    valid_until: '2030-02-09',
  });
  const lines = [
    { good: true, text: JSON.stringify(penalty(1)) },
    { good: false, text: '{"source_ref": "BT-broken", "kind": ' }, // not JSON
    { good: true, text: JSON.stringify(license(2)) },
    { good: false, text: JSON.stringify({ ...penalty(3), subject: undefined }) }, // no subject
    { good: false, text: JSON.stringify({ ...penalty(4), decided_at: '2025-13-45' }) }, // no such date
    { good: false, text: JSON.stringify({ ...penalty(5), kind: 'no_such_kind' }) },
    { good: false, text: JSON.stringify({ ...penalty(6), subject: { code: '9133', name: subject.name } }) },
    { good: true, text: JSON.stringify(penalty(7)) },
  ];
  return {
    text: lines.map((line) => line.text).join('\n') + '\n',
    goodLines: lines.flatMap((line, i) => (line.good ? [i + 1] : [])),
    badLines: lines.flatMap((line, i) => (line.good ? [] : [i + 1])),
  };
}

async function signIn(page) {
  await page.goto(`${baseUrl}/console/upload`);
  await page.getByTestId('token-input').fill(deptToken);
  await page.getByTestId('token-submit').click();
  await page.getByTestId('whoami').waitFor();
}

test('a department uploads NDJSON with bad lines and sees each rejected line', async () => {
  const me = await api('/me', { token: deptToken });
  const policy = await api('/policy');
  const department = policy.departments.find((d) => d.key === me.department);
  const [subject] = await findSubjects({ kind: 'enterprise' });
  assert.ok(subject, 'the demo city has an enterprise to report on');
  const feed = buildFeed(subject);

  const page = await browser.page();
  await signIn(page);
  assert.equal(await page.getByTestId('whoami-role').getAttribute('data-role'), me.role);
  if (department) {
    await page.getByTestId('whoami-department').filter({ hasText: department.name.zh }).waitFor();
  }

  // Note whether the progress bar is ever shown, however fast the upload is.
  await page.evaluate(() => {
    window.__progressSeen = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="upload-progress"] progress')) window.__progressSeen = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByTestId('file-input').setInputFiles({
    name: '市场监管-双公示.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(feed.text, 'utf8'),
  });
  await page.getByTestId('file-name').filter({ hasText: '市场监管-双公示.ndjson' }).waitFor();
  await page.getByTestId('upload-button').click();
  const report = page.getByTestId('upload-report');
  await report.waitFor();
  assert.equal(await page.evaluate(() => window.__progressSeen), true, 'a progress bar was shown');

  const count = async (key) => Number((await report.getByTestId(`count-${key}`).innerText()).replace(/\D/g, ''));
  assert.equal(await count('submitted'), feed.goodLines.length + feed.badLines.length);
  assert.equal(await count('rejected'), feed.badLines.length);
  assert.equal(
    (await count('accepted')) + (await count('updated')) + (await count('unchanged')),
    feed.goodLines.length,
  );
  assert.match(await report.getByTestId('reconcile').getAttribute('class'), /notice-ok/);

  const shownLines = (await report.getByTestId('error-line').allInnerTexts()).map(Number);
  assert.deepEqual([...new Set(shownLines)].sort((a, b) => a - b), feed.badLines);
  // Each row names the code and a message the department can act on.
  for (const row of await report.getByTestId('error-table').locator('tbody tr').all()) {
    const cells = await row.locator('td').allInnerTexts();
    assert.ok(cells[2].trim(), 'an error code');
    assert.ok(cells[3].trim(), 'a message');
  }
  await screenshot(page, 'upload-report-zh');

  // The batch is in the history; its detail page shows the same rejected lines.
  const batchId = (await report.getByTestId('report-batch').innerText()).trim();
  const history = page.getByTestId('history-table');
  const link = history.getByRole('link', { name: batchId });
  await link.waitFor();
  await screenshot(page, 'upload-history-zh');
  await link.click();
  await page.waitForURL(`**/console/batches/${encodeURIComponent(batchId)}`);
  const detail = page.getByTestId('batch-detail');
  await detail.getByTestId('error-line').first().waitFor();
  const detailLines = (await detail.getByTestId('error-line').allInnerTexts()).map(Number);
  assert.deepEqual([...new Set(detailLines)].sort((a, b) => a - b), feed.badLines);
  await screenshot(page, 'batch-detail-zh');

  const stored = await api(`/ingest/batches/${encodeURIComponent(batchId)}`, { token: deptToken });
  assert.equal(stored.rejected, feed.badLines.length);
  assert.deepEqual(browser.errors, []);
});

test('a CSV file is recognised by its extension; its header counts as line 1', async () => {
  const [subject] = await findSubjects({ kind: 'enterprise' });
  const run = `${Date.now().toString(36)}-${process.pid}`;
  const header = 'source_ref,kind,subject.code,subject.name,decided_at,document_no,legal_basis,content,valid_until,authority.name';
  const row = (n, date) =>
    [`BT-CSV-${run}-${n}`, 'admin_license', subject.code, subject.name, date, `温市监许〔2025〕${n}号`,
      '《中华人民共和国行政许可法》', '食品经营许可', '2030-02-09', '温州市市场监督管理局'].join(',');
  const csv = [header, row(1, '2025-02-10'), row(2, '2025-02-30'), row(3, '2025-02-11')].join('\n') + '\n';

  const page = await browser.page();
  await signIn(page);
  await page.getByTestId('file-input').setInputFiles({
    name: '许可.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await page.getByTestId('upload-button').click();
  const report = page.getByTestId('upload-report');
  await report.getByTestId('error-line').first().waitFor();
  await report.getByText('CSV', { exact: true }).waitFor();
  assert.deepEqual((await report.getByTestId('error-line').allInnerTexts()).map(Number), [3]);
  assert.equal(Number(await report.getByTestId('count-submitted').innerText()), 3);
});

test('a slow upload shows its progress and can be cancelled before it is sent', async () => {
  const before = await api('/ingest/batches?offset=0&limit=1', { token: deptToken });
  const page = await browser.page();
  await signIn(page);
  // Throttle this tab's uploads to 64 KB/s so that a 256 KB file takes seconds.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 64 * 1024,
  });
  const line = JSON.stringify({ source_ref: 'BT-SLOW', kind: 'admin_license', padding: 'x'.repeat(200) });
  await page.getByTestId('file-input').setInputFiles({
    name: 'slow.ndjson',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(`${line}\n`.repeat(Math.ceil((256 * 1024) / (line.length + 1)))),
  });
  await page.getByTestId('upload-button').click();
  const progress = page.getByTestId('upload-progress').locator('progress');
  await page.waitForFunction(() => {
    const bar = document.querySelector('[data-testid="upload-progress"] progress');
    return bar && bar.value > 0 && bar.value < 100;
  });
  const shown = Number(await progress.getAttribute('value'));
  assert.ok(shown > 0 && shown < 100, `part of the file is reported sent (${shown}%)`);
  await screenshot(page, 'upload-progress-zh');
  await page.getByTestId('upload-cancel').click();
  await page.getByTestId('upload-error').waitFor();
  assert.equal(await page.getByTestId('upload-report').count(), 0);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const afterCancel = await api('/ingest/batches?offset=0&limit=1', { token: deptToken });
  assert.equal(afterCancel.total, before.total, 'no batch was created');
});

test('the token is remembered for the tab and a bad token is refused', async () => {
  const page = await browser.page();
  await signIn(page);
  await page.reload();
  await page.getByTestId('whoami').waitFor(); // restored from sessionStorage
  await page.getByTestId('sign-out').click();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('credence.token')), null);

  await page.getByTestId('token-input').fill('not-a-real-token');
  await page.getByTestId('token-submit').click();
  await page.getByTestId('token-error').waitFor();
  assert.equal(await page.getByTestId('upload-button').isDisabled(), true);
});
