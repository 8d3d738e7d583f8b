// Department feeds over HTTP: the batch report, every kind of bad input, idempotency,
// withdrawal, and who may submit what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, tempDir, createToken, cleanup, ndjson, penaltyRow, policyWith, run, NOW } from './harness.mjs';
import { uscc, residentId, withBadCheck } from './codes.mjs';

let data, server, mr, court, operator, policyDir;
const company = uscc('9133030212345678');
const company2 = uscc('913303817654321A');
const person = residentId('33030219850312123');

function penalty(ref, overrides = {}) {
  return penaltyRow(company, '温州市测试贸易有限公司', ref, overrides);
}

function reconciles(report) {
  assert.equal(report.submitted, report.accepted + report.updated + report.unchanged + report.rejected,
    `counts do not reconcile: ${JSON.stringify(report)}`);
  assert.equal(report.errors.length, report.rejected, 'every rejected row is in errors');
}

before(async () => {
  data = tempDir();
  // A small body limit so that the 413 path is testable without megabytes of input.
  policyDir = policyWith('[ingest]\naccept_checksum_failures = false\nmax_body_bytes = 65536\nmin_year = 1949\n');
  mr = createToken(data, 'department', 'market_regulation');
  court = createToken(data, 'department', 'court');
  operator = createToken(data, 'operator');
  server = await new Server(data, ['--policy', policyDir]).start();
});

after(async () => {
  await server?.stop();
  cleanup(data);
  cleanup(policyDir);
});

test('a batch with good and bad rows reports every row and applies the good ones', async () => {
  const body = ndjson([
    penalty('T-1'),
    penalty('T-2', { subject: { code: withBadCheck(company2), name: '坏校验码公司' } }),
    '{"source_ref": "T-3", "kind": ',
    '[1, 2, 3]',
    penalty('T-4', { kind: 'no_such_kind' }),
    penalty('T-5', { kind: 'dishonest_debtor', ground: 1 }),
    penalty('T-6', { decided_at: '2026-02-30' }),
    penalty('T-7', { decided_at: '2027-01-01' }),
    penalty('T-8', { decided_at: '1900-01-01' }),
    penalty('T-9', { document_no: undefined }),
    penalty('T-1'),
    penalty('T-10', { subject: { code: '12345', name: 'x' } }),
    penalty('T-11', { tier: 'catastrophic' }),
  ]);
  const r = await server.post('/api/v1/ingest/batches', { token: mr, body, headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(r.status, 201, r.text);
  const report = r.json;
  assert.match(report.batch, /^b-\d{6}$/);
  assert.equal(report.submitted, 13);
  assert.equal(report.accepted, 1);
  assert.equal(report.rejected, 12);
  reconciles(report);
  const byLine = Object.fromEntries(report.errors.map((e) => [e.line, e]));
  assert.equal(byLine[2].code, 'checksum');
  assert.equal(byLine[2].field, 'subject.code');
  assert.equal(byLine[3].code, 'json');
  assert.equal(byLine[4].code, 'json');
  assert.equal(byLine[5].code, 'unknown_kind');
  assert.equal(byLine[6].code, 'not_allowed');
  assert.equal(byLine[7].code, 'date');
  assert.equal(byLine[8].code, 'future_date');
  assert.equal(byLine[9].code, 'too_old');
  assert.equal(byLine[10].code, 'required');
  assert.equal(byLine[10].field, 'document_no');
  assert.equal(byLine[11].code, 'duplicate');
  assert.equal(byLine[12].code, 'length');
  assert.equal(byLine[13].code, 'tier');
  for (const e of report.errors) assert.ok(e.message.length > 10, `message explains: ${JSON.stringify(e)}`);

  // The report can be fetched again, and the good row is in the credit file.
  const again = await server.get(`/api/v1/ingest/batches/${report.batch}`, { token: mr });
  assert.equal(again.status, 200);
  assert.deepEqual(again.json.errors, report.errors);
  const records = await server.get(`/api/v1/subjects/${company}/records`);
  assert.equal(records.status, 200);
  assert.equal(records.json.total, 1);
  assert.equal(records.json.items[0].source_ref, 'T-1');
  assert.equal(records.json.items[0].publicity.max_end, '2027-03-05');
});

test('the same batch again is unchanged; a change is a new version; a withdrawal hides it', async () => {
  const body = ndjson([penalty('V-1'), penalty('V-2')]);
  const first = await server.post('/api/v1/ingest/batches', { token: mr, body });
  assert.equal(first.json.accepted, 2);
  const second = await server.post('/api/v1/ingest/batches', { token: mr, body });
  assert.equal(second.json.unchanged, 2);
  reconciles(second.json);
  const changed = await server.post('/api/v1/ingest/batches', {
    token: mr, body: ndjson([penalty('V-1', { content: '罚款人民币陆万元', amount_yuan: 60000 })]),
  });
  assert.equal(changed.json.updated, 1);
  const withdrawn = await server.post('/api/v1/ingest/batches', {
    token: mr, body: ndjson([{ source_ref: 'V-2', action: 'withdraw', reason: '录入错误' }, { source_ref: 'V-404', action: 'withdraw' }]),
  });
  assert.equal(withdrawn.json.updated, 1);
  assert.equal(withdrawn.json.rejected, 1);
  assert.equal(withdrawn.json.errors[0].code, 'not_found');
  reconciles(withdrawn.json);

  const publicView = await server.get(`/api/v1/subjects/${company}/records?limit=100`);
  const refs = publicView.json.items.map((r) => r.source_ref);
  assert.ok(refs.includes('V-1'));
  assert.ok(!refs.includes('V-2'), 'a withdrawn record is not public');
  const v1 = publicView.json.items.find((r) => r.source_ref === 'V-1');
  assert.equal(v1.version, 2);
  assert.equal(v1.payload.amount_yuan, 60000);

  // The department sees the withdrawn record and every version of the changed one.
  const full = await server.get(`/api/v1/subjects/${company}/records?status=withdrawn`, { token: mr });
  assert.equal(full.json.items[0].source_ref, 'V-2');
  assert.equal(full.json.items[0].status_reason, '录入错误');
  const history = await server.get(`/api/v1/records/${v1.id}`, { token: mr });
  assert.equal(history.status, 200);
  assert.equal(history.json.versions.length, 2);
  assert.equal(history.json.versions[0].payload.amount_yuan, 50000);
  assert.equal(history.json.versions[1].payload.amount_yuan, 60000);
  assert.equal((await server.get(`/api/v1/records/${v1.id}`)).status, 401);
});

test('the national penalty template with Chinese headers, in GBK, is converted and imported', async () => {
  const csv = [
    '行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚依据,处罚类别,处罚内容,罚款金额（万元）,处罚决定日期,处罚机关,数据来源单位',
    `温州市模板测试有限公司,${company2},温瓯市监罚〔2026〕7号,《中华人民共和国产品质量法》第四十九条,罚款,罚款人民币贰万元,2,2026/04/01,温州市瓯海区市场监督管理局,温州市市场监督管理局`,
    `温州市模板测试有限公司,${company2},温瓯市监罚〔2026〕8号,《中华人民共和国行政处罚法》,警告,警告,0,2026-04-02,温州市瓯海区市场监督管理局,温州市市场监督管理局`,
    `坏行,${company2},,缺少文号,罚款,罚款,1,2026-04-03,温州市瓯海区市场监督管理局,温州市市场监督管理局`,
  ].join('\r\n') + '\r\n';
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: csv });
  const r = await server.post('/api/v1/ingest/batches', { token: mr, body: gbk, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.format, 'csv_penalty');
  assert.equal(r.json.accepted, 2);
  assert.equal(r.json.rejected, 1);
  assert.equal(r.json.errors[0].line, 4);
  assert.ok(r.json.warnings.some((w) => /GB18030|GBK/.test(w)));
  reconciles(r.json);
  const records = await server.get(`/api/v1/subjects/${company2}/records`);
  // The warning is never published; the fine is, with 万元 converted to yuan.
  assert.equal(records.json.total, 1);
  assert.equal(records.json.items[0].payload.amount_yuan, 20000);
  assert.equal(records.json.items[0].decided_at, '2026-04-01');
});

test('unreadable, empty and oversized bodies are refused whole', async () => {
  const bad = await server.post('/api/v1/ingest/batches', { token: mr, body: Buffer.from([0xff, 0xfe, 0x81, 0x30, 0xff]) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.reason, 'encoding');
  const empty = await server.post('/api/v1/ingest/batches', { token: mr, body: '' });
  assert.equal(empty.status, 400);
  const big = await server.post('/api/v1/ingest/batches', { token: mr, body: 'x'.repeat(70000) });
  assert.equal(big.status, 413);
  assert.equal(big.json.error.code, 'resource_exhausted');
});

test('tokens decide who may submit', async () => {
  const body = ndjson([penalty('A-1')]);
  assert.equal((await server.post('/api/v1/ingest/batches', { body })).status, 401);
  assert.equal((await server.post('/api/v1/ingest/batches', { token: 'crd_not-a-real-token', body })).status, 401);
  assert.equal((await server.post('/api/v1/ingest/batches', { token: operator, body })).status, 403);
  // The court may not submit penalties of market regulation's kind? It may not submit admin_penalty.
  const r = await server.post('/api/v1/ingest/batches', { token: court, body });
  assert.equal(r.status, 201);
  assert.equal(r.json.errors[0].code, 'not_allowed');
  // A department reads its own batches, not another's.
  const list = await server.get('/api/v1/ingest/batches', { token: court });
  assert.ok(list.json.items.every((b) => b.department === 'court'));
  const named = await server.post('/api/v1/ingest/batches', {
    token: mr, body: ndjson([penalty('A-2')]),
    headers: { 'content-disposition': "attachment; filename*=UTF-8''%E9%B9%BF%E5%9F%8E%E5%A4%84%E7%BD%9A.ndjson" },
  });
  assert.equal(named.status, 201);
  const mine = await server.get('/api/v1/ingest/batches', { token: mr });
  assert.equal(mine.json.items[0].source_name, '鹿城处罚.ndjson', 'the uploaded file name is kept');
  const foreign = mine.json.items[0].batch;
  assert.equal((await server.get(`/api/v1/ingest/batches/${foreign}`, { token: court })).status, 403);
});

test('a resident is created from a record, masked in public, found only by full ID', async () => {
  const r = await server.post('/api/v1/ingest/batches', {
    token: court,
    body: ndjson([{ source_ref: '(2026)浙0302执1号', kind: 'dishonest_debtor', subject: { code: person, name: '张测试' },
      decided_at: '2026-05-01', document_no: '(2026)浙0302执1号', ground: 1, legal_basis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第一项',
      content: `被执行人张测试（身份证号${person}）有履行能力而拒不履行生效法律文书确定义务`, authority: { name: '温州市鹿城区人民法院' } }]),
  });
  assert.equal(r.json.accepted, 1, r.text);
  const profile = await server.get(`/api/v1/subjects/${person}`);
  assert.equal(profile.status, 200);
  assert.equal(profile.json.kind, 'person');
  assert.equal(profile.json.status, 'provisional');
  assert.equal(profile.json.region, '330302');
  assert.ok(!profile.text.includes(person), 'full ID number never in a public response');
  assert.equal(profile.json.code, person.slice(0, 4) + '**********' + person.slice(14));
  const records = await server.get(`/api/v1/subjects/${person}/records`);
  assert.equal(records.json.total, 1, 'the court list is public for persons');
  assert.ok(!records.text.includes(person), 'ID numbers inside payloads are masked too');
  const byName = await server.get(`/api/v1/subjects?q=${encodeURIComponent('张测试')}`);
  assert.equal(byName.json.items.length, 0, 'residents are not found by name');
  const byCode = await server.get(`/api/v1/subjects?q=${person}`);
  assert.equal(byCode.json.items.length, 1);
  assert.ok(!byCode.text.includes(person));
  const full = await server.get(`/api/v1/subjects/${person}`, { token: court });
  assert.equal(full.json.code, person);
  assert.equal(full.json.view, 'full');
});

test('name search finds newly ingested subjects at once', async () => {
  const code = uscc('9133038298765432');
  const registered = await server.post('/api/v1/ingest/batches', {
    token: mr,
    body: ndjson([{ source_ref: 'REG-1', kind: 'registration', subject: { code, name: '乐清市即时搜索电气有限公司' },
      decided_at: '2020-01-02', legal_representative: '王某', authority: { name: '乐清市市场监督管理局' },
      extra: { industry: 'C', status: '存续' } }]),
  });
  assert.equal(registered.json.accepted, 1, registered.text);
  const found = await server.get(`/api/v1/subjects?q=${encodeURIComponent('即时搜索')}`);
  assert.equal(found.json.items[0]?.code, code);
  const profile = await server.get(`/api/v1/subjects/${code}`);
  assert.equal(profile.json.status, 'registered');
  assert.equal(profile.json.industry, 'C');
  assert.equal(profile.json.registered_on, '2020-01-02');
});

test('the audit chain verifies after all of the above', async () => {
  const head = await server.get('/api/v1/audit/head', { token: operator });
  assert.equal(head.status, 200);
  assert.ok(head.json.entries > 5);
  assert.match(head.json.head_hash, /^[0-9a-f]{64}$/);
  const out = run(['audit', 'verify', '--data', data]).stdout;
  assert.match(out, /audit log ok/);
});

test('hostile rows are refused one by one and never crash the server', async () => {
  const deep = '['.repeat(3000) + ']'.repeat(3000);
  const body = ndjson([
    deep,
    penalty('H-1', { subject: { code: company, name: '名'.repeat(5000) } }),
    penalty('H-2', { source_ref: 'H-2\u0000\u0007' }),
    '{"source_ref": "H-3", "kind": "admin_penalty", "subject": {"code": 12345}}',
    '\u0000\u0001\u0002',
    penalty('H-4', { amount_yuan: -5 }),
    penalty('H-5'),
  ]);
  const r = await server.post('/api/v1/ingest/batches', { token: mr, body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.submitted, 7);
  assert.equal(r.json.accepted, 1, 'only the good row is applied');
  reconciles(r.json);
  const lines = r.json.errors.map((e) => e.line).sort((a, b) => a - b);
  assert.deepEqual(lines, [1, 2, 3, 4, 5, 6]);
  assert.equal((await server.get('/healthz')).status, 200);
});
