// Credit checks over HTTP: a listed debtor's measures with their legal basis, a batch of bidders,
// feedback per measure, overdue checks and statistics, and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, tempDir, createToken, cleanup, ndjson, run, SOURCE } from './harness.mjs';
import { uscc } from './codes.mjs';

let data, server, court, finance, tax, operator;
const debtor = uscc('9133030255550001');
const clean = uscc('9133030255550002');
const unknown = uscc('9133030255550003');

async function ingest(token, rows) {
  const r = await server.post('/api/v1/ingest/batches', {
    token, body: ndjson(rows), headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.rejected, 0, r.text);
}

function check(token, body) {
  return server.post('/api/v1/checks', { token, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

function feedback(token, id, measures) {
  return server.post(`/api/v1/checks/${id}/feedback`, { token, body: JSON.stringify({ measures }), headers: { 'content-type': 'application/json' } });
}

before(async () => {
  data = tempDir();
  court = createToken(data, 'department', 'court');
  finance = createToken(data, 'department', 'finance');
  tax = createToken(data, 'department', 'tax');
  operator = createToken(data, 'operator');
  server = await new Server(data).start();
  await ingest(court, [{
    source_ref: '(2026)浙0302执77号', kind: 'dishonest_debtor',
    subject: { code: debtor, name: '温州市失信测试有限公司', kind: 'enterprise' },
    decided_at: '2026-05-01', document_no: '(2026)浙0302执77号', ground: 1,
    legal_basis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第一项',
    content: '有履行能力而拒不履行生效法律文书确定义务', authority: { name: '温州市鹿城区人民法院' },
  }, {
    source_ref: '(2026)浙0302民1号', kind: 'judgment',
    subject: { code: clean, name: '温州市守信测试有限公司', kind: 'enterprise' },
    decided_at: '2026-05-01', document_no: '(2026)浙0302民1号',
    legal_basis: '《中华人民共和国民法典》第五百七十七条', content: '合同纠纷', authority: { name: '温州市鹿城区人民法院' },
  }]);
});

after(async () => {
  await server?.stop();
  cleanup(data);
});

test('a listed debtor bidding in a procurement: level, list and every measure with its legal basis', async () => {
  const r = await check(finance, { subject: debtor, scenario: 'public_resource_trading' });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.ok(c.id > 0);
  assert.equal(c.subject, debtor);
  assert.equal(c.found, true);
  assert.equal(c.department, 'finance');
  assert.ok(['A+', 'A', 'B', 'C', 'D'].includes(c.level), c.level);
  assert.deepEqual(c.lists, ['court_dishonest_debtor']);
  const keys = c.measures.map((m) => m.key);
  assert.ok(keys.includes('debtor_procurement_restricted'), keys.join());
  assert.ok(keys.includes('debtor_bidding_restricted'), keys.join());
  assert.ok(!keys.includes('debtor_high_consumption'), 'a measure of another scenario');
  for (const m of c.measures) {
    assert.equal(m.kind, 'punishment');
    assert.match(m.legal_basis, /第.+条|第（.+）项/);
    assert.ok(m.action_required.zh.length > 0 && m.action_required.en.length > 0);
    assert.ok(m.grounds.length > 0);
  }
  const ban = c.measures.find((m) => m.key === 'debtor_procurement_restricted');
  assert.match(ban.legal_basis, /法释〔2017〕7号）第八条/);
  assert.ok(ban.memoranda.some((memo) => memo.includes('发改财金〔2016〕141号')));
  assert.equal(c.overdue, false);
  assert.equal(c.answered_at, null);
  assert.match(c.feedback_due, /^\d{4}-\d{2}-\d{2}$/);

  const again = await server.get(`/api/v1/checks/${c.id}`, { token: finance });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.measures, c.measures);
});

test('a batch of 500 bidders is checked in one call, in order, each recorded', async () => {
  const bidders = [debtor, clean, unknown];
  for (let i = 0; bidders.length < 500; i++) bidders.push(uscc(`913303026600${String(i).padStart(4, '0')}`));
  const r = await check(finance, { subjects: bidders, scenario: 'public_resource_trading' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.length, 500);
  assert.deepEqual(r.json.map((c) => c.subject), bidders);
  assert.ok(r.json[0].measures.length > 0);
  assert.equal(r.json[1].found, true);
  assert.deepEqual(r.json[1].measures, []);
  assert.equal(r.json[2].found, false);
  assert.equal(r.json[2].level, null);
  const ids = new Set(r.json.map((c) => c.id));
  assert.equal(ids.size, 500);
  const listed = await server.get('/api/v1/checks?limit=100', { token: finance });
  assert.ok(listed.json.total >= 501, listed.text);
});

test('bad requests are refused and say where', async () => {
  let r = await check(finance, { subject: debtor, scenario: 'shopping' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'scenario');
  r = await check(finance, { subjects: [debtor, '12345', 7], scenario: 'financing' });
  assert.equal(r.status, 400);
  assert.deepEqual(r.json.error.details.map((d) => d.field), ['subjects[1]', 'subjects[2]']);
  r = await check(finance, { subject: debtor, subjects: [debtor], scenario: 'financing' });
  assert.equal(r.status, 400);
  r = await check(finance, { subjects: [], scenario: 'financing' });
  assert.equal(r.status, 400);
  r = await check(finance, { subjects: Array(10001).fill(debtor), scenario: 'financing' });
  assert.equal(r.status, 429, r.text);
  r = await server.post('/api/v1/checks', { token: finance, body: '{"subject": "' });
  assert.equal(r.status, 400);
  r = await check(undefined, { subject: debtor, scenario: 'financing' });
  assert.equal(r.status, 401);
  r = await check(operator, { subject: debtor, scenario: 'financing' });
  assert.equal(r.status, 403);
});

test('feedback per measure: not applied needs a reason, each measure once, then answered', async () => {
  const c = (await check(finance, { subject: debtor, scenario: 'public_resource_trading' })).json;
  const [first, ...rest] = c.measures.map((m) => m.key);
  let r = await feedback(finance, c.id, [{ key: first, action: 'not_applied' }]);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.details[0].field, 'measures[0].reason');
  r = await feedback(finance, c.id, [{ key: 'no_such_measure', action: 'applied' }]);
  assert.equal(r.status, 400);
  r = await feedback(tax, c.id, [{ key: first, action: 'applied' }]);
  assert.equal(r.status, 404, 'another department cannot answer');

  r = await feedback(finance, c.id, [{ key: first, action: 'not_applied', reason: '采购合同已于列入前签订' }]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.answered_at, null);
  assert.equal(r.json.feedback.length, 1);
  r = await feedback(finance, c.id, [{ key: first, action: 'applied' }]);
  assert.equal(r.status, 409);

  r = await feedback(finance, c.id, rest.map((key) => ({ key, action: 'applied' })));
  assert.equal(r.status, 200, r.text);
  assert.notEqual(r.json.answered_at, null);
  assert.deepEqual(r.json.feedback.map((f) => f.key), [first, ...rest]);
  assert.equal(r.json.feedback[0].reason, '采购合同已于列入前签订');
});

test('statistics by department, scenario and county; departments see their own', async () => {
  await check(tax, { subject: debtor, scenario: 'law_enforcement' });
  const exempt = (await check(finance, { subject: debtor, scenario: 'public_resource_trading' })).json;
  const answered = await feedback(finance, exempt.id, exempt.measures.map((m) => ({ key: m.key, action: 'exempted', reason: '法律另有规定' })));
  assert.equal(answered.status, 200, answered.text);
  const byDepartment = await server.get('/api/v1/checks/statistics?by=department', { token: operator });
  assert.equal(byDepartment.status, 200, byDepartment.text);
  const rows = Object.fromEntries(byDepartment.json.items.map((row) => [row.key, row]));
  assert.equal(rows.finance.checks, 503);
  assert.equal(rows.finance.hits, 4);  // the debtor's four checks; nothing for the others
  assert.ok(rows.finance.applied >= 1);
  assert.ok(rows.finance.not_applied >= 1);
  assert.ok(rows.finance.exempted >= 1);
  assert.ok(rows.finance.feedback_rate > 0 && rows.finance.feedback_rate < 1);
  assert.equal(rows.tax.checks, 1);
  const byCounty = await server.get('/api/v1/checks/statistics?by=county', { token: operator });
  assert.ok(byCounty.json.items.some((row) => row.key === '330302'), byCounty.text);
  const byScenario = await server.get('/api/v1/checks/statistics?by=scenario', { token: tax });
  assert.deepEqual(byScenario.json.items.map((row) => row.key), ['law_enforcement']);
  const bad = await server.get('/api/v1/checks/statistics?by=planet', { token: operator });
  assert.equal(bad.status, 400);
  const publicCaller = await server.get('/api/v1/checks/statistics');
  assert.equal(publicCaller.status, 401);
});

test('checks without feedback past their day show as overdue', async () => {
  const before = await server.get('/api/v1/checks?overdue=true', { token: finance });
  assert.equal(before.json.total, 0);
  await server.stop();
  // Six weeks later: every check with measures still waiting is overdue.
  server = await new Server(data, [], { now: '2027-01-05T04:00:00Z' }).start();
  const later = await server.get('/api/v1/checks?overdue=true&limit=100', { token: finance });
  assert.equal(later.status, 200, later.text);
  assert.ok(later.json.total >= 2, later.text);
  for (const c of later.json.items) {
    assert.equal(c.overdue, true);
    assert.equal(c.answered_at, null);
    assert.ok(c.measures.length > 0);
  }
  const mine = await server.get('/api/v1/checks?overdue=true', { token: tax });
  assert.ok(mine.json.items.every((c) => c.department === 'tax'));
});

test('credence checks overdue lists the same checks from the command line', () => {
  const out = run(['checks', 'overdue', '--data', data, '--now', '2027-01-05T04:00:00Z', '--department', 'finance']).stdout.trim().split('\n');
  const count = Number(out[out.length - 1].match(/^(\d+) overdue checks$/)[1]);
  assert.ok(count >= 2, out.join('\n'));
  assert.ok(out.slice(0, -1).every((line) => line.split('\t')[1] === 'finance'));
});

test('the default measures validate; a measure without a legal basis is refused naming file, key and reason', () => {
  const ok = run(['checks', 'measures']).stdout.trim().split('\n');
  const [, measures, memoranda] = ok[ok.length - 1].match(/^(\d+) measures from (\d+) memoranda/);
  assert.ok(Number(measures) >= 38 && Number(memoranda) >= 38, ok[ok.length - 1]);
  const procurement = run(['checks', 'measures', '--scenario', 'public_resource_trading']).stdout;
  assert.match(procurement, /debtor_procurement_restricted\tpunishment\t限制参加政府采购活动\t.*第八条/);

  const dir = tempDir('credence-policy-');
  cpSync(join(SOURCE, 'policy'), dir, { recursive: true });
  appendFileSync(join(dir, 'measures.toml'), `
[[measure]]
key = "local_ban"
name = { zh = "本地限制", en = "Local restriction" }
kind = "punishment"
targets = [{ list = "court_dishonest_debtor" }]
departments = ["finance"]
scenarios = ["financing"]
action = { zh = "限制", en = "Restrict" }
`);
  const refused = run(['checks', 'measures', '--policy', dir], { allowFail: true });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /measures\.toml: measure\.local_ban\.legal_basis: is required/);
  const serve = run(['serve', '--data', tempDir(), '--policy', dir, '--port', '0'], { allowFail: true });
  assert.notEqual(serve.status, 0);
  assert.match(serve.stderr, /measure\.local_ban\.legal_basis/);
  cleanup(dir);
});
