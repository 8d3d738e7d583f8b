// Due process in the portal, in both languages: an enterprise signs in with its subject token,
// objects to a penalty with grounds and a PDF; the record shows "under objection" at once; the
// department finds it in its queue with the deadline and decides it with reasons; the
// enterprise sees the decision and its notification.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, baseUrl, deptToken, findSubjects, openBrowser, submitFeed } from './harness.mjs';

const binary = process.env.CREDENCE_BINARY ?? '';
const dataDir = process.env.CREDENCE_DATA ?? '';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

let subject, subjectToken;
const run = `${Date.now().toString(36)}-${process.pid}`;

function penalty(ref, decided = '2026-10-05') {
  return {
    source_ref: ref, kind: 'admin_penalty',
    subject: { code: subject.code, name: subject.name },
    decided_at: decided, tier: 'general', document_no: `温市监罚〔2025〕${ref}号`,
    legal_basis: '《中华人民共和国食品安全法》第一百二十四条', content: '罚款人民币伍万元',
    amount_yuan: 50000, authority: { name: '温州市市场监督管理局', code: '11330300002582141C' },
  };
}

before(async () => {
  assert.ok(deptToken, 'DEPT_TOKEN must hold a market_regulation department token');
  assert.ok(binary && dataDir, 'CREDENCE_BINARY and CREDENCE_DATA must be set (scripts/run-browser-tests.sh)');
  [subject] = await findSubjects({ kind: 'enterprise' });
  assert.ok(subject, 'the demo city has an enterprise');
  const report = await submitFeed(
    [penalty(`OBJ-zh-${run}`), penalty(`OBJ-en-${run}`), penalty(`RES-${run}`, '2026-06-01')].map((row) => JSON.stringify(row)).join('\n') + '\n',
    deptToken,
  );
  assert.equal(report.rejected, 0, JSON.stringify(report.errors));
  const out = execFileSync(binary, ['token', 'create', '--data', dataDir, '--role', 'subject', '--subject', subject.code], { encoding: 'utf8' });
  subjectToken = out.trim().split('\n').pop().trim();
});

async function signIn(page, path, tokenValue) {
  await page.goto(`${baseUrl}${path}`);
  await page.getByTestId('token-input').fill(tokenValue);
  await page.getByTestId('token-submit').click();
  await page.getByTestId('whoami').waitFor();
}

for (const locale of ['zh-CN', 'en']) {
  test(`an enterprise objects and the department decides (${locale})`, async () => {
    const browser = await openBrowser();
    try {
      const records = await api(`/subjects/${subject.code}/records?limit=100`, { token: subjectToken });
      const record = records.items.find((item) => item.source_ref === `OBJ-${locale === 'en' ? 'en' : 'zh'}-${run}`);
      assert.ok(record, 'the penalty is in the file');

      // The enterprise files its objection.
      const page = await browser.page();
      await signIn(page, '/my/objections', subjectToken);
      await page.getByTestId('my-records').waitFor();
      // The portal opens in Chinese; English is one switch away and remembered for later pages.
      if (locale === 'en') await page.getByTestId('language-switch').click();
      assert.equal(await page.locator('h1').innerText(), locale === 'en' ? 'My objections' : '我的异议');
      await page.getByTestId('objection-submit').click();
      await page.getByTestId('objection-error').waitFor();  // nothing chosen yet
      await page.getByTestId('objection-record').selectOption(String(record.id));
      await page.getByTestId('objection-grounds').fill(locale === 'en' ? 'The fine was paid in full.' : '罚款已全额缴纳，金额有误');
      await page.getByTestId('objection-files').setInputFiles({ name: '缴款凭证.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByTestId('objection-submit').click();
      await page.getByTestId('objection-filed').waitFor();
      await page.getByTestId(`record-${record.id}`).getByTestId('under-objection').waitFor();
      const open = page.getByTestId('my-objection').filter({ hasText: record.document_no });
      assert.equal(await open.getAttribute('data-status'), 'open');

      // The public sees the mark at once.
      const publicRecords = await api(`/subjects/${subject.code}/records?limit=100`);
      assert.equal(publicRecords.items.find((item) => item.id === record.id).under_objection, true);

      // The department decides it from its queue.
      const deptPage = await browser.page();
      await signIn(deptPage, '/console/cases', deptToken);
      const item = deptPage.getByTestId('queue-case').filter({ hasText: record.document_no });
      await item.waitFor();
      assert.match(await item.getByTestId('queue-due').innerText(), /\d{4}-\d{2}-\d{2}/);
      await item.getByTestId('decision-outcome').selectOption('upheld');
      await item.getByTestId('decision-submit').click();
      await item.getByTestId('decision-error').waitFor();  // upheld needs reasons
      await item.getByTestId('decision-reasons').fill(locale === 'en' ? 'The payment record shows 20,000 yuan outstanding.' : '经核实缴款记录，尚欠两万元');
      await item.getByTestId('decision-submit').click();
      await deptPage.getByTestId('queue-case').filter({ hasText: record.document_no }).and(deptPage.locator('[data-status="upheld"]')).waitFor();
      assert.equal(await deptPage.locator('h1').innerText(), locale === 'en' ? 'Objections and restoration' : '异议与信用修复处理');
      assert.match(await item.getByTestId('queue-status').innerText(), locale === 'en' ? /Record upheld/ : /维持原记录/);

      // The enterprise sees the decision and is notified.
      await page.reload();
      await page.getByTestId('my-records').waitFor();
      const decided = page.getByTestId('my-objection').filter({ hasText: record.document_no });
      await decided.and(page.locator('[data-status="upheld"]')).waitFor();
      assert.match(await decided.getByTestId('my-objection-status').innerText(), locale === 'en' ? /Record upheld/ : /维持原记录/);
      const notice = await page.getByTestId('notice').first().innerText();
      assert.match(notice, locale === 'en' ? /was decided/ : /已处理/);
      assert.equal(await page.getByTestId(`record-${record.id}`).getByTestId('under-objection').count(), 0);
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
    }
  });
}


test('an enterprise applies for restoration and the department approves it', async () => {
  const browser = await openBrowser();
  try {
    const records = await api(`/subjects/${subject.code}/records?limit=100`, { token: subjectToken });
    const record = records.items.find((item) => item.source_ref === `RES-${run}`);
    assert.ok(record, 'the penalty is in the file');

    const page = await browser.page();
    await signIn(page, '/my/restoration', subjectToken);
    // A general penalty of 1 June 2026: restorable after three months, public for a year at most.
    const row = page.locator(`[data-testid="outlook-row"][data-record="${record.id}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('outlook-from').innerText(), '2026-09-01');
    assert.equal(await row.getByTestId('outlook-expires').innerText(), '2027-06-01');
    await page.getByTestId('restoration-record').selectOption(String(record.id));
    await page.getByTestId('restoration-proof').fill('罚款已于2026年7月全额缴纳');
    await page.getByTestId('restoration-commitment').fill('本企业承诺今后严格遵守食品安全法律法规');
    await page.getByTestId('restoration-submit').click();
    await page.getByTestId('restoration-filed').waitFor();
    await page.locator('[data-testid="my-application"][data-status="open"]').waitFor();

    const deptPage = await browser.page();
    await signIn(deptPage, '/console/cases', deptToken);
    await deptPage.getByTestId('queue-kind').selectOption('restoration');
    const item = deptPage.getByTestId('queue-case').filter({ hasText: record.document_no });
    await item.waitFor();
    await item.getByTestId('decision-outcome').selectOption('approved');
    await item.getByTestId('decision-submit').click();
    await deptPage.locator('[data-testid="queue-case"][data-status="approved"]').filter({ hasText: record.document_no }).waitFor();

    const publicRecords = await api(`/subjects/${subject.code}/records?limit=100`);
    assert.equal(publicRecords.items.find((item) => item.id === record.id), undefined, 'no longer public');
    await page.reload();
    await page.locator('[data-testid="my-application"][data-status="approved"]').waitFor();
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
