// Reading credit files from a demo city: search, profiles, records, public versus full views,
// identifiers, policy, metrics and the API description.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, demoCity, createToken, cleanup } from './harness.mjs';

let data, server, dept;

before(async () => {
  data = demoCity(800, 5);
  dept = createToken(data, 'department', 'tax');
  server = await new Server(data).start();
});

after(async () => {
  await server?.stop();
  cleanup(data);
});

test('health, metrics and the API description answer', async () => {
  const health = await server.get('/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.json.status, 'ok');
  const openapi = await server.get('/api/v1/openapi.json');
  assert.equal(openapi.status, 200);
  assert.ok(openapi.json.paths['/api/v1/subjects/{code}']);
  const metrics = await server.get('/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /http_requests_total\{[^}]*route="\/healthz"/);
  assert.match(metrics.text, /http_request_duration_seconds_bucket/);
});

test('unknown API paths and methods get JSON errors', async () => {
  const missing = await server.get('/api/v1/nothing-here');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'not_found');
  const wrongMethod = await server.request('DELETE', '/api/v1/stats');
  assert.equal(wrongMethod.status, 405);
  const unknown = await server.get('/api/v1/subjects/91330302MA2AXXXXXX');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'not_found');
  const badPaging = await server.get('/api/v1/subjects?q=温州&limit=1000');
  assert.equal(badPaging.status, 400);
  assert.match(badPaging.json.error.message, /limit/);
  const noQuery = await server.get('/api/v1/subjects');
  assert.equal(noQuery.status, 400);
});

test('identifiers are checked with a reason', async () => {
  const ok = await server.get('/api/v1/ids/91350211M00013FA1N');
  assert.equal(ok.json.valid, false);
  assert.equal(ok.json.failure, 'checksum');
  const valid = await server.get('/api/v1/ids/911522010783762860');
  assert.equal(valid.json.valid, true);
  assert.equal(valid.json.kind, 'uscc');
  const id = await server.get('/api/v1/ids/360426199113010079');
  assert.equal(id.json.failure, 'date');
});

test('search by name part, then by exact code, then read the profile and records', async () => {
  const stats = await server.get('/api/v1/stats');
  assert.ok(stats.json.subjects >= 800);
  assert.equal(stats.json.by_region.reduce((n, r) => n + r.subjects, 0), stats.json.subjects);
  assert.ok(stats.json.by_region.every((r) => r.region.startsWith('3303') && r.region_name.includes('温州市')));
  assert.equal(stats.json.by_kind.reduce((n, k) => n + k.count, 0), stats.json.records);
  const found = await server.get(`/api/v1/subjects?q=${encodeURIComponent('有限公司')}&limit=5`);
  assert.equal(found.status, 200);
  assert.equal(found.json.items.length, 5);
  assert.ok(found.json.total >= 5);
  const first = found.json.items[0];
  assert.ok(first.name.includes('有限公司'));
  const byCode = await server.get(`/api/v1/subjects?q=${first.code}`);
  assert.equal(byCode.json.items[0].code, first.code, 'an exact code ranks first');

  const page2 = await server.get(`/api/v1/subjects?q=${encodeURIComponent('有限公司')}&limit=5&offset=5`);
  assert.equal(page2.json.offset, 5);
  assert.notDeepEqual(page2.json.items.map((s) => s.code), found.json.items.map((s) => s.code));

  const profile = await server.get(`/api/v1/subjects/${first.code}`);
  assert.equal(profile.status, 200);
  assert.equal(profile.json.view, 'public');
  assert.ok(profile.json.counts.length >= 10, 'every catalog category is counted');
  const sum = profile.json.counts.reduce((n, c) => n + c.visible, 0);
  assert.equal(sum, profile.json.visible_records);
  assert.equal(profile.json.counts[0].total, undefined, 'totals only in the full view');

  const records = await server.get(`/api/v1/subjects/${first.code}/records?limit=100`);
  assert.equal(records.json.total, profile.json.visible_records);
  for (const r of records.json.items) {
    assert.equal(r.status, 'active');
    assert.ok(['publishing', 'restorable'].includes(r.publicity_state), r.publicity_state);
    assert.ok(r.kind_name.zh && r.department_name.zh);
  }
  const full = await server.get(`/api/v1/subjects/${first.code}`, { token: dept });
  assert.equal(full.json.view, 'full');
  const total = full.json.counts.reduce((n, c) => n + c.total, 0);
  assert.ok(total >= profile.json.visible_records);
});

test('records filter by category and refuse an unknown one', async () => {
  const found = await server.get(`/api/v1/subjects?q=${encodeURIComponent('有限公司')}&limit=20`);
  let checked = 0;
  for (const subject of found.json.items) {
    const profile = await server.get(`/api/v1/subjects/${subject.code}`);
    const category = profile.json.counts.find((c) => c.visible > 0);
    if (!category) continue;
    const records = await server.get(`/api/v1/subjects/${subject.code}/records?category=${category.category}`);
    assert.equal(records.json.total, category.visible);
    assert.ok(records.json.items.every((r) => r.category === category.category));
    checked++;
  }
  assert.ok(checked > 0);
  const bad = await server.get(`/api/v1/subjects/${found.json.items[0].code}/records?category=nope`);
  assert.equal(bad.status, 400);
});

test('the policy catalog is public', async () => {
  const policy = await server.get('/api/v1/policy');
  assert.equal(policy.status, 200);
  const kinds = policy.json.kinds.map((k) => k.key);
  for (const key of ['registration', 'admin_license', 'admin_penalty', 'dishonest_debtor', 'serious_dishonesty',
    'abnormal_operation', 'tax_credit_grade', 'honour', 'red_list', 'commitment', 'social_insurance_arrears',
    'contract_performance', 'inspection_result', 'judgment', 'ip_pledge']) {
    assert.ok(kinds.includes(key), key);
  }
  assert.equal(policy.json.departments.length >= 15, true);
});

test('no public response of the demo city carries a full resident ID number', async () => {
  const idPattern = /(?<![0-9A-Za-z])[1-6][0-9]{5}(19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx](?![0-9A-Za-z])/;
  const responses = [];
  for (const q of ['张', '陈', '林', '王', '有限公司', '温州']) {
    const found = await server.get(`/api/v1/subjects?q=${encodeURIComponent(q)}&limit=50`);
    responses.push(found.text);
    for (const subject of found.json.items.slice(0, 15)) {
      responses.push((await server.get(`/api/v1/subjects/${encodeURIComponent(subject.code)}`)).text);
      responses.push((await server.get(`/api/v1/subjects/${encodeURIComponent(subject.code)}/records?limit=100`)).text);
    }
  }
  for (const text of responses) {
    const match = text.match(idPattern);
    assert.equal(match, null, `unmasked ID number in a public response: ${match?.[0]}`);
  }
});
