// Ratings over HTTP and from the command line: the serious-penalty cap, reasons citing records,
// withdrawal, what the public sees, determinism, the bulk digest and the expiry job.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, tempDir, createToken, cleanup, ndjson, run, demoCity, NOW } from './harness.mjs';
import { uscc, residentId } from './codes.mjs';

let data, server, mr, hr, court, operator;
const company = uscc('9133030287654321');
const clean = uscc('9133030211112222');

function penalty(ref, code, overrides = {}) {
  return {
    source_ref: ref, kind: 'admin_penalty',
    subject: { code, name: '温州市评级测试有限公司', kind: 'enterprise' },
    decided_at: '2026-06-10', tier: 'serious', document_no: `温鹿市监罚〔2026〕${ref}号`,
    legal_basis: '《中华人民共和国食品安全法》第一百二十四条', content: '罚款人民币伍拾万元',
    amount_yuan: 500000, authority: { name: '温州市鹿城区市场监督管理局', code: '113303020000000000' },
    ...overrides,
  };
}

async function ingest(rows) {
  const r = await server.post('/api/v1/ingest/batches', {
    token: mr, body: ndjson(rows), headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const LEVELS = ['A+', 'A', 'B', 'C', 'D'];

before(async () => {
  data = tempDir();
  mr = createToken(data, 'department', 'market_regulation');
  hr = createToken(data, 'department', 'human_resources_social_security');
  court = createToken(data, 'department', 'court');
  operator = createToken(data, 'operator');
  server = await new Server(data).start();
});

after(async () => {
  await server?.stop();
  cleanup(data);
});

test('a serious penalty in the last 12 months caps the level at C and is cited', async () => {
  await ingest([penalty('R-1', company), penalty('R-2', clean, { tier: 'general', decided_at: '2020-01-10' })]);
  const r = await server.get(`/api/v1/subjects/${company}/rating`);
  assert.equal(r.status, 200, r.text);
  const rating = r.json;
  assert.equal(rating.code, company);
  assert.ok(LEVELS.indexOf(rating.level) >= LEVELS.indexOf('C'), `level ${rating.level}`);
  assert.ok(rating.caps.some((cap) => cap.rule === 'serious_penalty_12_months'));
  assert.ok(rating.top_factors.length <= 4);
  const top = rating.top_factors.find((f) => f.record && f.record.source_ref === 'R-1');
  assert.ok(top, JSON.stringify(rating.top_factors));
  assert.ok(top.points < 0);
  assert.ok(top.text['zh-CN'] && top.text.en);
  assert.ok(rating.contributions.some((c) => c.record && c.record.source_ref === 'R-1'));
  assert.ok(rating.what_if.some((w) => w.record.source_ref === 'R-1'));
  for (const key of ['code', 'level', 'score', 'model_version', 'as_of', 'contributions', 'top_factors', 'caps', 'what_if']) {
    assert.ok(key in rating, key);
  }
  assert.equal(rating.as_of, '2026-11-22T00:00:00Z');
});

test('the same records and day give identical bytes', async () => {
  const a = await server.get(`/api/v1/subjects/${company}/rating`);
  const b = await server.get(`/api/v1/subjects/${company}/rating`);
  assert.equal(a.text, b.text);
});

test('the rating is stored when the batch commits, equal to one computed on read', async () => {
  const stored = await server.get(`/api/v1/subjects/${company}/rating`, { token: operator });
  const computed = await server.get(`/api/v1/subjects/${company}/rating?at=2026-11-22`, { token: operator });
  assert.equal(stored.status, 200, stored.text);
  assert.equal(stored.text, computed.text);
  const history = await server.get(`/api/v1/subjects/${company}/rating/history`);
  assert.equal(history.status, 200, history.text);
  assert.equal(history.json.code, company);
  assert.equal(history.json.total, 1, history.text);
  const [first] = history.json.items;
  assert.equal(first.level, stored.json.level);
  assert.equal(first.score, stored.json.score);
  assert.equal(first.as_of, '2026-11-22T00:00:00Z');
  assert.match(first.digest, /^[0-9a-f]{64}$/);
  assert.equal(first.model_version, stored.json.model_version);
});

test('rating another day is for authorised roles only', async () => {
  const publicAt = await server.get(`/api/v1/subjects/${company}/rating?at=2026-01-01`);
  assert.equal(publicAt.status, 403);
  const before = await server.get(`/api/v1/subjects/${company}/rating?at=2026-01-01`, { token: operator });
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.as_of, '2026-01-01T00:00:00Z');
  assert.ok(!before.json.contributions.some((c) => c.record && c.record.source_ref === 'R-1'));
  const bad = await server.get(`/api/v1/subjects/${company}/rating?at=2026-13-01`, { token: operator });
  assert.equal(bad.status, 400);
});

test('a withdrawn record no longer counts', async () => {
  const capped = (await server.get(`/api/v1/subjects/${company}/rating`)).json;
  await ingest([{ source_ref: 'R-1', action: 'withdraw', reason: '录入错误' }]);
  const r = await server.get(`/api/v1/subjects/${company}/rating`);
  assert.equal(r.status, 200);
  assert.ok(!r.json.contributions.some((c) => c.record && c.record.source_ref === 'R-1'));
  assert.ok(!r.json.caps.some((cap) => cap.rule === 'serious_penalty_12_months'));
  const history = await server.get(`/api/v1/subjects/${company}/rating/history?limit=1`);
  assert.equal(history.json.total, 2, history.text);
  assert.equal(history.json.items.length, 1);
  assert.equal(history.json.items[0].level, r.json.level, 'newest first');
  const unknown = await server.get(`/api/v1/subjects/${uscc('9133030299998888')}/rating/history`);
  assert.equal(unknown.status, 404);
  assert.ok(r.json.score > capped.score, `${r.json.score} > ${capped.score}`);
});

test('unknown subjects are 404', async () => {
  const r = await server.get(`/api/v1/subjects/${uscc('9133030299998888')}/rating`);
  assert.equal(r.status, 404);
});

function digestOf(stdout) {
  const lines = stdout.trim().split('\n');
  const match = lines[lines.length - 1].match(/^digest ([0-9a-f]{64})$/);
  assert.ok(match, stdout);
  return match[1];
}

test('rate --all prints counts per level and a digest that only new records change', () => {
  const city = demoCity(300, 7);
  try {
    const first = run(['rate', '--data', city, '--all', '--at', '2026-11-22', '--now', NOW]);
    assert.match(first.stdout, /300 subjects rated/);
    assert.match(first.stdout, /records\/s/);
    const counts = [...first.stdout.matchAll(/^\s+(A\+|A|B|C|D)\s+(\d+)$/gm)];
    assert.equal(counts.length, 5, first.stdout);
    assert.equal(counts.reduce((sum, m) => sum + Number(m[2]), 0), 300);
    assert.match(first.stdout, /300 ratings stored, 300 changed/);
    const again = run(['rate', '--data', city, '--all', '--at', '2026-11-22', '--now', NOW]);
    assert.equal(digestOf(again.stdout), digestOf(first.stdout));
    assert.match(again.stdout, /300 ratings stored, 0 changed/);
    const feed = join(city, 'penalty.ndjson');
    writeFileSync(feed, ndjson([penalty('RATE-1', company)]));
    run(['import', '--data', city, '--department', 'market_regulation', '--now', NOW, feed]);
    const after = run(['rate', '--data', city, '--all', '--at', '2026-11-22', '--now', NOW]);
    assert.notEqual(digestOf(after.stdout), digestOf(first.stdout));
    assert.match(after.stdout, /301 subjects rated/);
  } finally {
    cleanup(city);
  }
});

test('lifecycle run stores as expired what is past its maximum, and the log stays whole', async () => {
  const dir = tempDir();
  let other;
  try {
    const feed = join(dir, 'penalty.ndjson');
    writeFileSync(feed, ndjson([penalty('LC-1', company, { tier: 'general', decided_at: '2026-03-01' })]));
    run(['import', '--data', dir, '--department', 'market_regulation', '--now', NOW, feed]);
    const dept = createToken(dir, 'department', 'market_regulation');
    const early = run(['lifecycle', 'run', '--data', dir, '--at', '2026-11-22', '--now', NOW]);
    assert.match(early.stdout, /0 due, 0 expired/);
    const late = run(['lifecycle', 'run', '--data', dir, '--at', '2027-06-01', '--now', NOW]);
    assert.match(late.stdout, /1 due, 1 expired, 0 skipped/);
    const repeat = run(['lifecycle', 'run', '--data', dir, '--at', '2027-06-01', '--now', NOW]);
    assert.match(repeat.stdout, /0 due, 0 expired/);
    assert.match(run(['audit', 'verify', '--data', dir]).stdout, /audit log ok/);
    other = await new Server(dir).start();
    const full = await other.get(`/api/v1/subjects/${company}/records`, { token: dept });
    assert.equal(full.status, 200, full.text);
    const record = full.json.items.find((r) => r.source_ref === 'LC-1');
    assert.equal(record.status, 'expired');
    const pub = await other.get(`/api/v1/subjects/${company}/records`);
    assert.ok(!pub.json.items.some((r) => r.source_ref === 'LC-1'));
  } finally {
    await other?.stop();
    cleanup(dir);
  }
});

test('the list definitions are public, bilingual and name their legal basis', async () => {
  const r = await server.get('/api/v1/lists');
  assert.equal(r.status, 200, r.text);
  const byKey = Object.fromEntries(r.json.items.map((l) => [l.key, l]));
  const court = byKey.court_dishonest_debtor;
  assert.ok(court, r.text);
  assert.equal(court.type, 'blacklist');
  assert.equal(court.public, true);
  assert.ok(court.name.zh && court.name.en);
  assert.ok(court.legal_basis.length > 0);
  assert.equal(court.lists_legal_representative, false);
  assert.equal(byKey.tax_grade_a?.type, 'redlist');
  assert.ok(r.json.items.every((l) => l.public), 'the public sees public lists only');
  const signedIn = await server.get('/api/v1/lists', { token: operator });
  assert.ok(signedIn.json.items.length >= r.json.items.length);
});

test('the public sees the score but not the reasons resting on records it may not see', async () => {
  const r = await server.post('/api/v1/ingest/batches', {
    token: hr, headers: { 'content-type': 'application/x-ndjson' },
    body: ndjson([{
      source_ref: 'SI-1', kind: 'social_insurance_arrears',
      subject: { code: clean, name: '温州市评级测试有限公司', kind: 'enterprise' },
      decided_at: '2026-09-01', document_no: '温人社监〔2026〕1号', amount_yuan: 120000,
      legal_basis: '《中华人民共和国社会保险法》第八十六条', content: '欠缴社会保险费',
      authority: { name: '温州市人力资源和社会保障局' },
    }]),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.accepted, 1, r.text);
  const full = await server.get(`/api/v1/subjects/${clean}/rating`, { token: operator });
  const pub = await server.get(`/api/v1/subjects/${clean}/rating`);
  assert.equal(full.status, 200, full.text);
  assert.equal(pub.status, 200, pub.text);
  const cites = (rating) => JSON.stringify(rating).includes('"SI-1"');
  assert.ok(cites(full.json), full.text);
  assert.ok(!cites(pub.json), pub.text);
  assert.equal(pub.json.score, full.json.score);
  assert.equal(pub.json.level, full.json.level);
});

test('persons are rated for those who see their full file only; the court list sets D', async () => {
  const person = residentId('33030219850312123');
  const r = await server.post('/api/v1/ingest/batches', {
    token: court, headers: { 'content-type': 'application/x-ndjson' },
    body: ndjson([{ source_ref: '(2026)浙0302执9号', kind: 'dishonest_debtor', subject: { code: person, name: '张测试' },
      decided_at: '2026-05-01', document_no: '(2026)浙0302执9号', ground: 1, legal_basis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第一项',
      content: '被执行人有履行能力而拒不履行生效法律文书确定义务', authority: { name: '温州市鹿城区人民法院' } }]),
  });
  assert.equal(r.json.accepted, 1, r.text);
  const pub = await server.get(`/api/v1/subjects/${person}/rating`);
  assert.equal(pub.status, 404);
  assert.match(pub.json.error.message, /natural persons/);
  const full = await server.get(`/api/v1/subjects/${person}/rating`, { token: operator });
  assert.equal(full.status, 200, full.text);
  assert.equal(full.json.level, 'D');
  assert.ok(full.json.caps.some((cap) => cap.level === 'D'), full.text);
});

test('members of a public list are paged and searched by name or code; persons only by whole code', async () => {
  const debtor = uscc('9133030255556666');
  const person = residentId('33030219900101456');
  const r = await server.post('/api/v1/ingest/batches', {
    token: court, headers: { 'content-type': 'application/x-ndjson' },
    body: ndjson([
      { source_ref: '(2026)浙0302执21号', kind: 'dishonest_debtor', subject: { code: debtor, name: '温州市名单测试有限公司', kind: 'enterprise' },
        decided_at: '2026-04-01', document_no: '(2026)浙0302执21号', ground: 1, legal_basis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第一项',
        content: '被执行人有履行能力而拒不履行生效法律文书确定义务', authority: { name: '温州市鹿城区人民法院' } },
      { source_ref: '(2026)浙0302执22号', kind: 'dishonest_debtor', subject: { code: person, name: '李名单' },
        decided_at: '2026-04-02', document_no: '(2026)浙0302执22号', ground: 1, legal_basis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第一项',
        content: '被执行人有履行能力而拒不履行生效法律文书确定义务', authority: { name: '温州市鹿城区人民法院' } },
    ]),
  });
  assert.equal(r.json.accepted, 2, r.text);
  const all = await server.get('/api/v1/lists/court_dishonest_debtor/members');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.list, 'court_dishonest_debtor');
  assert.equal(all.json.type, 'blacklist');
  assert.ok(all.json.name.zh && all.json.name.en);
  const codes = all.json.items.map((m) => m.code);
  assert.ok(codes.includes(debtor), all.text);
  assert.deepEqual([...codes].sort(), codes, 'code order');
  assert.ok(!codes.includes(person), 'the public sees no full ID number');
  const byName = await server.get(`/api/v1/lists/court_dishonest_debtor/members?q=${encodeURIComponent('名单测试')}`);
  assert.deepEqual(byName.json.items.map((m) => m.code), [debtor], byName.text);
  const byCode = await server.get(`/api/v1/lists/court_dishonest_debtor/members?q=${debtor.slice(0, 12).toLowerCase()}`);
  assert.deepEqual(byCode.json.items.map((m) => m.code), [debtor], byCode.text);
  const personByName = await server.get(`/api/v1/lists/court_dishonest_debtor/members?q=${encodeURIComponent('李名单')}`);
  assert.equal(personByName.json.total, 0, personByName.text);
  const personByCode = await server.get(`/api/v1/lists/court_dishonest_debtor/members?q=${person}`);
  assert.equal(personByCode.json.total, 1, personByCode.text);
  assert.notEqual(personByCode.json.items[0].code, person, 'masked');
  const signedIn = await server.get(`/api/v1/lists/court_dishonest_debtor/members?q=${encodeURIComponent('李名单')}`, { token: operator });
  assert.deepEqual(signedIn.json.items.map((m) => m.code), [person], signedIn.text);
  const paged = await server.get('/api/v1/lists/court_dishonest_debtor/members?limit=1&offset=1');
  assert.equal(paged.json.items.length, Math.min(1, all.json.total - 1));
  assert.equal((await server.get('/api/v1/lists/no_such_list/members')).status, 404);
  assert.equal((await server.get('/api/v1/lists/court_dishonest_debtor/members?limit=0')).status, 400);
});

test('rating statistics count levels by county, industry and kind; persons for signed-in roles', async () => {
  const pub = await server.get('/api/v1/stats/ratings');
  assert.equal(pub.status, 200, pub.text);
  const sum = (levels) => Object.values(levels).reduce((a, b) => a + b, 0);
  assert.equal(sum(pub.json.levels), pub.json.total);
  for (const key of ['by_county', 'by_industry', 'by_kind']) {
    assert.equal(pub.json[key].reduce((a, g) => a + g.total, 0), pub.json.total, key);
  }
  assert.ok(pub.json.by_county.every((g) => g.name.length > 0), pub.text);
  assert.ok(!pub.json.by_kind.some((g) => g.key === 'person'), pub.text);
  const full = await server.get('/api/v1/stats/ratings', { token: operator });
  const persons = full.json.by_kind.find((g) => g.key === 'person');
  assert.ok(persons && persons.levels.D >= 1, full.text);
  assert.equal(full.json.total, pub.json.total + persons.total);
});
