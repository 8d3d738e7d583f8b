// The operators' data-quality dashboard over HTTP: volumes, reasons, wrong codes, lateness,
// and who may see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tempDir, createToken, cleanup, ndjson, penaltyRow } from './harness.mjs';
import { uscc, withBadCheck } from './codes.mjs';

let data, server, mr, operator, auditor;
const company = uscc('9133030212345678');

const penalty = (ref, overrides) => penaltyRow(company, '温州市测试贸易有限公司', ref, overrides);

before(async () => {
  data = tempDir();
  mr = createToken(data, 'department', 'market_regulation');
  operator = createToken(data, 'operator');
  auditor = createToken(data, 'auditor');
  server = await new Server(data).start();
  const body = ndjson([
    penalty('Q-1'),
    penalty('Q-2', { subject: { code: withBadCheck(uscc('9133030288880001')), name: '坏校验码公司' } }),
    penalty('Q-3', { document_no: undefined }),
  ]);
  const submitted = await server.post('/api/v1/ingest/batches', { token: mr, body });
  assert.equal(submitted.status, 201, submitted.text);
});

after(async () => {
  await server?.stop();
  cleanup(data);
});

test('operators see volumes, reasons, wrong codes and late departments', async () => {
  const response = await server.get('/api/v1/quality?days=7', { token: operator });
  assert.equal(response.status, 200, response.text);
  const report = response.json;
  assert.equal(report.days, 7);
  assert.equal(report.to, '2026-11-22');
  assert.equal(report.from, '2026-11-16');
  assert.equal(report.batches, 1);
  assert.equal(report.submitted, 3);
  assert.equal(report.rejected, 2);
  assert.equal(report.code_errors, 1);
  const codes = report.reasons.map((reason) => reason.code);
  assert.ok(codes.includes('checksum'), JSON.stringify(report.reasons));
  assert.ok(codes.includes('required'), JSON.stringify(report.reasons));

  const market = report.departments.find((d) => d.department === 'market_regulation');
  assert.equal(market.name.zh, '温州市市场监督管理局');
  assert.equal(market.accepted, 1);
  assert.equal(market.days_since_last_batch, 0);
  assert.equal(market.late, false);
  const court = report.departments.find((d) => d.department === 'court');
  assert.equal(court.last_batch_at, null);
  assert.equal(court.late, true, 'a department that never sent a feed is late');
  assert.deepEqual(report.daily, [{ day: '2026-11-22', department: 'market_regulation', submitted: 3, rejected: 2 }]);

  assert.equal((await server.get('/api/v1/quality', { token: auditor })).status, 200);
});

test('the dashboard is for operators and auditors only, and the window is checked', async () => {
  assert.equal((await server.get('/api/v1/quality')).status, 401);
  assert.equal((await server.get('/api/v1/quality', { token: mr })).status, 403);
  for (const days of ['0', '367', 'x', '7d']) {
    const response = await server.get(`/api/v1/quality?days=${days}`, { token: operator });
    assert.equal(response.status, 400, days);
    assert.match(response.json.error.message, /days/);
  }
});
