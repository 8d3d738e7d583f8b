// The public search: type part of a real subject's name, pick it from the suggestions, and
// read its profile and records; run a full search with paging.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, baseUrl, deptToken, findSubjects, openBrowser, residentId, screenshot, submitFeed } from './harness.mjs';

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

// A part of the name that the API ranks among the first 8 suggestions for this subject, so the
// test types what a person would type and still finds the subject in the list.
async function partialNameFor(subject) {
  const name = subject.name;
  const candidates = new Set();
  for (const length of [6, 5, 4, 8]) {
    for (let start = 0; start + length <= name.length; start++) candidates.add(name.slice(start, start + length));
  }
  candidates.add(name);
  for (const part of [...candidates].filter((c) => c !== name).concat(name)) {
    const page = await api(`/subjects?q=${encodeURIComponent(part)}&limit=8`);
    if (page.items.some((item) => item.code === subject.code)) return part;
  }
  throw new Error(`no part of “${name}” finds it among the first 8 suggestions`);
}

test('typing part of a name suggests the subject; picking it opens its profile and records', async () => {
  const [subject] = await findSubjects({ kind: 'enterprise' });
  assert.ok(subject, 'the demo city has at least one enterprise');
  const part = await partialNameFor(subject);
  const profile = await api(`/subjects/${encodeURIComponent(subject.code)}`);
  const records = await api(`/subjects/${encodeURIComponent(subject.code)}/records?offset=0&limit=10`);

  const page = await browser.page();
  await page.goto(`${baseUrl}/`);
  const input = page.getByTestId('search-input');
  await input.click();
  await input.pressSequentially(part, { delay: 40 });
  const option = page.getByRole('option', { name: new RegExp(escapeRegExp(subject.name)) });
  await option.first().waitFor();
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  await screenshot(page, 'home-suggestions-zh');
  await option.first().click();

  await page.waitForURL(`**/subjects/${encodeURIComponent(subject.code)}`);
  const heading = page.getByRole('heading', { level: 1 });
  await assertText(heading, subject.name);
  await assertText(page.getByTestId('subject-code'), subject.code);
  if (profile.region_name) await page.getByTestId('subject-profile').getByText(profile.region_name).first().waitFor();

  // Every category the API counts is offered, and the records shown are the API's first page.
  const categoryLinks = page.getByTestId('categories').getByRole('link');
  assert.equal(await categoryLinks.count(), profile.counts.length + 1);
  if (records.items.length === 0) {
    await page.getByText('该类别下暂无公示的信用记录').waitFor();
  } else {
    await page.getByTestId('record').first().waitFor();
    assert.equal(await page.getByTestId('record').count(), records.items.length);
    const first = records.items[0];
    const card = page.getByTestId('record').first();
    await assertContains(card, first.decided_at);
    if (first.document_no) await assertContains(card, first.document_no);
    await assertContains(card, first.kind_name.zh);
  }
  await screenshot(page, 'subject-zh');
  assert.deepEqual(browser.errors, []);
});

test('the keyboard alone searches: arrows pick a suggestion, Enter opens it', async () => {
  const [subject] = await findSubjects({ kind: 'enterprise' });
  const part = await partialNameFor(subject);
  const suggestions = await api(`/subjects?q=${encodeURIComponent(part)}&limit=8`);
  const index = suggestions.items.findIndex((item) => item.code === subject.code);

  const page = await browser.page();
  await page.goto(`${baseUrl}/`);
  await page.keyboard.press('Tab'); // skip link
  const input = page.getByTestId('search-input');
  await input.focus();
  await page.keyboard.type(part, { delay: 40 });
  await page.getByRole('option').first().waitFor();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[role="option"]').length === n,
    suggestions.items.length,
  );
  for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown');
  const active = await input.getAttribute('aria-activedescendant');
  assert.ok(active, 'an option is active');
  await assertContains(page.locator(`#${active}`), subject.name);
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/subjects/${encodeURIComponent(subject.code)}`);
  await assertText(page.getByRole('heading', { level: 1 }), subject.name);
});

test('a full search lists kind, region and status, and pages through the results', async () => {
  const term = '公司';
  const first = await api(`/subjects?q=${encodeURIComponent(term)}&offset=0&limit=20`);
  assert.ok(first.total > 20, `the demo city has more than 20 results for ${term}`);

  const page = await browser.page();
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('search-input').fill(term);
  await page.getByTestId('search-submit').click();
  await page.waitForURL(/\/search\?q=/);
  const results = page.getByTestId('results').locator(':scope > li');
  await results.first().waitFor();
  assert.equal(await results.count(), first.items.length);
  const firstItem = first.items[0];
  await assertContains(results.first(), firstItem.name);
  await assertContains(results.first(), firstItem.code);
  if (firstItem.region_name) await assertContains(results.first(), firstItem.region_name);

  await page.getByRole('navigation', { name: '分页' }).getByRole('link', { name: /下一页/ }).click();
  await page.waitForURL(/page=2/);
  const second = await api(`/subjects?q=${encodeURIComponent(term)}&offset=20&limit=20`);
  await assertContains(results.first(), second.items[0].name);
  await screenshot(page, 'search-zh');
});

test('a person’s page shows the notice, a masked ID number and no penalty', async () => {
  assert.ok(deptToken, 'DEPT_TOKEN must hold a market_regulation department token');
  // Persons are not listed by the public search, so the test makes one: a department reports a
  // penalty and a licence about a resident, and the page is opened by the full ID number.
  const id = residentId('33030219850315263');
  const subject = { code: id, name: '测试居民', kind: 'person' };
  const common = {
    subject,
    authority: { name: '温州市鹿城区市场监督管理局', code: '11330302MB1914584L' },
    legal_basis: '《中华人民共和国食品安全法》第一百二十四条',
  };
  const report = await submitFeed(
    [
      { ...common, source_ref: 'BT-PERSON-CF-1', kind: 'admin_penalty', decided_at: '2025-03-05', tier: 'general',
        document_no: '温鹿市监罚〔2025〕901号', content: '罚款人民币伍佰元', amount_yuan: 500 },
      { ...common, source_ref: 'BT-PERSON-XK-1', kind: 'admin_license', decided_at: '2025-02-10',
        document_no: '温鹿市监许〔2025〕902号', content: '食品经营许可', valid_until: '2030-02-09' },
    ].map((record) => JSON.stringify(record)).join('\n') + '\n',
    deptToken,
  );
  assert.equal(report.rejected, 0, JSON.stringify(report.errors));

  const page = await browser.page();
  await page.goto(`${baseUrl}/subjects/${id}`);
  await page.getByTestId('person-notice').waitFor();
  const shownCode = (await page.getByTestId('subject-code').innerText()).trim();
  assert.notEqual(shownCode, id, 'the full ID number is not shown to the public');
  assert.equal(shownCode.slice(-4), id.slice(-4));
  assert.match(shownCode, /\*/);
  await page.getByTestId('records').or(page.getByText('该类别下暂无公示的信用记录')).first().waitFor();
  assert.equal(await page.locator('[data-testid="record"][data-kind="admin_penalty"]').count(), 0);
  await screenshot(page, 'subject-person-zh');
});

test('an unknown code says the subject was not found', async () => {
  const page = await browser.page();
  await page.goto(`${baseUrl}/subjects/000000000000000000`);
  await page.getByTestId('subject-not-found').waitFor();
});

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function assertText(locator, expected) {
  await locator.first().waitFor();
  await locator.first().filter({ hasText: expected }).waitFor();
  assert.equal((await locator.first().innerText()).trim(), expected);
}

async function assertContains(locator, expected) {
  await locator.filter({ hasText: expected }).first().waitFor();
}
