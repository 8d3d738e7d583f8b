// Accounts and sessions, the authorisation policy over HTTP, the subject's own view and access
// log, and the security limits (throttling, CSRF, rate and size limits, what the logs hold) —
// against a real server on a demo city at a fixed clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Server, demoCity, cleanup, readText, run, NOW } from './harness.mjs';

let data, server, demo;

// data/demo-tokens.txt: "role dept token" lines and "account role login password" lines.
function readDemoFile(dir) {
  const tokens = {};
  const accounts = {};
  for (const line of readText(join(dir, 'demo-tokens.txt')).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cells = line.split('\t');
    if (cells[0] === 'account') {
      const [, role, login, password] = cells;
      const key = role === 'subject' ? (/^[0-9]{17}[0-9X]$/.test(login) ? 'resident' : 'enterprise') : role;
      accounts[key] = { login, password };
    } else {
      tokens[cells[1] === '-' ? cells[0] : cells[1]] = cells[2];
    }
  }
  return { tokens, accounts };
}

async function login(srv, account, headers = {}) {
  const response = await srv.post('/api/v1/auth/login', {
    body: JSON.stringify({ login: account.login, password: account.password }),
    headers: { 'content-type': 'application/json', ...headers },
  });
  const cookie = (response.headers.get('set-cookie') || '').split(';')[0];
  return { response, cookie, csrf: response.json?.csrf_token };
}

const ID_PATTERN = /(?<![0-9A-Za-z])[1-6][0-9]{5}(19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx](?![0-9A-Za-z])/;

before(async () => {
  data = demoCity(600, 7);
  demo = readDemoFile(data);
  server = await new Server(data).start();
});

after(async () => {
  await server?.stop();
  cleanup(data);
});

test('the demo city lists an enterprise, a resident and each staff role with its password', () => {
  for (const key of ['enterprise', 'resident', 'department', 'lender', 'operator', 'auditor']) {
    assert.ok(demo.accounts[key], `demo account ${key}`);
  }
  assert.ok(demo.tokens.market_regulation && demo.tokens.court && demo.tokens.operator);
});

test('an enterprise logs in: an HttpOnly, Secure, SameSite=Strict cookie and a CSRF token', async () => {
  const { response, cookie, csrf } = await login(server, demo.accounts.enterprise);
  assert.equal(response.status, 200, response.text);
  const setCookie = response.headers.get('set-cookie');
  assert.match(setCookie, /^credence_session=[A-Za-z0-9_-]{40,};/);
  for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', 'Max-Age=28800']) {
    assert.ok(setCookie.includes(flag), `${flag} in ${setCookie}`);
  }
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.json.account.role, 'subject');
  assert.equal(response.json.account.subject_code, demo.accounts.enterprise.login);
  assert.equal(response.json.expires_at, '2026-11-22T12:00:00Z');  // 8 hours after NOW
  assert.ok(csrf.length >= 32);
  assert.ok(!response.text.includes(demo.accounts.enterprise.password));

  const session = await server.get('/api/v1/auth/session', { headers: { cookie } });
  assert.equal(session.status, 200);
  assert.equal(session.json.csrf_token, csrf);
  const me = await server.get('/api/v1/me', { headers: { cookie } });
  assert.equal(me.json.role, 'subject');
  assert.ok(me.json.account > 0);
});

test('wrong passwords, unknown logins and accounts not yet activated get the same 401', async () => {
  const wrong = await login(server, { login: demo.accounts.auditor.login, password: 'not the password' });
  const unknown = await login(server, { login: 'nobody.here', password: 'not the password' });
  assert.equal(wrong.response.status, 401);
  assert.equal(unknown.response.status, 401);
  assert.equal(wrong.response.json.error.message, unknown.response.json.error.message);
  assert.equal(wrong.response.headers.get('set-cookie'), null);
  const malformed = await server.post('/api/v1/auth/login', { body: '{"login": [1]', headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400);
  const notAnObject = await server.post('/api/v1/auth/login', { body: '[]' });
  assert.equal(notAnObject.status, 400);
});

test('the subject sees its own full file with the rating, its reasons and what would change it', async () => {
  const { cookie } = await login(server, demo.accounts.enterprise);
  const own = await server.get('/api/v1/me/file', { headers: { cookie } });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.profile.code, demo.accounts.enterprise.login);
  assert.equal(own.json.profile.view, 'full');
  assert.ok(own.json.rating, 'enterprises are rated');
  assert.ok(typeof own.json.rating.score === 'number');
  assert.ok(Array.isArray(own.json.rating.what_if));
  assert.ok(Array.isArray(own.json.records.items));
  assert.equal(own.json.records.total, own.json.profile.counts.reduce((n, c) => n + c.total, 0));
  // Another subject's file is shown to it as the public sees it.
  const other = await server.get(`/api/v1/subjects?q=${encodeURIComponent('有限公司')}&limit=5`);
  const stranger = other.json.items.find((s) => s.code !== demo.accounts.enterprise.login);
  const theirs = await server.get(`/api/v1/subjects/${stranger.code}`, { headers: { cookie } });
  assert.equal(theirs.json.view, 'public');
});

test('the /me routes are for subjects: 401 for the public, 403 for staff', async () => {
  assert.equal((await server.get('/api/v1/me/file')).status, 401);
  const staff = await server.get('/api/v1/me/file', { token: demo.tokens.court });
  assert.equal(staff.status, 403);
  assert.equal(staff.json.error.reason, 'role_not_allowed');
  const { cookie } = await login(server, demo.accounts.department);
  const officer = await server.get('/api/v1/me/access-log', { headers: { cookie } });
  assert.equal(officer.status, 403);
  // Staff sessions have the role's rights: the audit head for the auditor, not for a department.
  const auditor = await login(server, demo.accounts.auditor);
  assert.equal((await server.get('/api/v1/audit/head', { headers: { cookie: auditor.cookie } })).status, 200);
  assert.equal((await server.get('/api/v1/audit/head', { headers: { cookie } })).status, 403);
});

test('staff must state a purpose to read non-public data, and the subject sees who read what and why', async () => {
  const code = demo.accounts.enterprise.login;
  const { cookie } = await login(server, demo.accounts.enterprise);
  const before = await server.get('/api/v1/me/access-log', { headers: { cookie } });
  assert.equal(before.status, 200);

  const refused = await server.get(`/api/v1/subjects/${code}`, { token: demo.tokens.court, purpose: null });
  assert.equal(refused.status, 400);
  assert.equal(refused.json.error.reason, 'purpose_required');
  const refusedRecords = await server.get(`/api/v1/subjects/${code}/records`, { token: demo.tokens.court, purpose: null });
  assert.equal(refusedRecords.status, 400);

  const purpose = '执行案件 (2026)浙0302执123号 财产调查';
  const read = await server.get(`/api/v1/subjects/${code}`, { token: demo.tokens.court, purpose: encodeURIComponent(purpose) });
  assert.equal(read.status, 200);
  assert.equal(read.json.view, 'full');
  const viaQuery = await server.get(`/api/v1/subjects/${code}/rating?purpose=${encodeURIComponent('loan application 42')}`,
    { token: demo.tokens.market_regulation, purpose: null });
  assert.equal(viaQuery.status, 200);
  // The public and the subject itself leave no entry.
  await server.get(`/api/v1/subjects/${code}`);
  await server.get(`/api/v1/subjects/${code}`, { headers: { cookie } });

  const log = await server.get('/api/v1/me/access-log', { headers: { cookie } });
  assert.equal(log.json.total, before.json.total + 2);
  const [rating, profile] = log.json.items;
  assert.equal(profile.purpose, purpose);
  assert.equal(profile.department, 'court');
  assert.equal(profile.department_name.zh.length > 0, true);
  assert.equal(profile.what, 'profile');
  assert.equal(profile.at, NOW);
  assert.match(profile.actor, /^department:court#token:\d+$/);
  assert.equal(rating.purpose, 'loan application 42');
  assert.equal(rating.what, 'rating');
  const tooLong = await server.get(`/api/v1/subjects/${code}`, { token: demo.tokens.court, purpose: 'x'.repeat(301) });
  assert.equal(tooLong.status, 400);
});

test('a session changes state only with its CSRF token; logout ends it', async () => {
  const { cookie, csrf } = await login(server, demo.accounts.lender);
  // Without the token the request is the public's: the session survives.
  const forged = await server.post('/api/v1/auth/logout', { headers: { cookie } });
  assert.equal(forged.status, 204);
  assert.equal((await server.get('/api/v1/auth/session', { headers: { cookie } })).status, 200);
  const wrong = await server.post('/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': 'a'.repeat(csrf.length) } });
  assert.equal(wrong.status, 204);
  assert.equal((await server.get('/api/v1/auth/session', { headers: { cookie } })).status, 200);
  // A route the public may not use refuses a session without the token outright.
  const operator = await login(server, demo.accounts.operator);
  const noToken = await server.post('/api/v1/accounts', {
    headers: { cookie: operator.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'auditor', login: 'csrf.victim' }),
  });
  assert.equal(noToken.status, 403);

  const out = await server.post('/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie'), /^credence_session=; .*Max-Age=0/);
  assert.equal((await server.get('/api/v1/auth/session', { headers: { cookie } })).status, 401);
  assert.equal((await server.get('/api/v1/me/file', { headers: { cookie } })).status, 401);
  // A stale cookie does not lock anyone out of public pages.
  assert.equal((await server.get('/api/v1/stats', { headers: { cookie } })).status, 200);
});

test('an operator creates a subject account; the holder activates it once with the code', async () => {
  const found = await server.get(`/api/v1/subjects?q=${encodeURIComponent('有限公司')}&limit=20`);
  const subject = found.json.items.find((s) => s.code !== demo.accounts.enterprise.login);
  const created = await server.post('/api/v1/accounts', {
    token: demo.tokens.operator,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'subject', subject_code: subject.code }),
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.account.login, subject.code);
  assert.equal(created.json.account.activated, false);
  const code = created.json.activation_code;
  assert.equal(code.length, 20);
  const again = await server.post('/api/v1/accounts', {
    token: demo.tokens.operator, body: JSON.stringify({ role: 'subject', subject_code: subject.code }),
  });
  assert.equal(again.status, 409);
  const byDepartment = await server.post('/api/v1/accounts', {
    token: demo.tokens.court, body: JSON.stringify({ role: 'subject', subject_code: subject.code }),
  });
  assert.equal(byDepartment.status, 403);

  const activate = (activation_code, password) => server.post('/api/v1/auth/activate', {
    body: JSON.stringify({ login: subject.code, activation_code, password }),
  });
  assert.equal((await activate('wrong-code-0000000000', 'a long password')).status, 401);
  assert.equal((await activate(code, 'short')).status, 400);
  assert.equal((await activate(code, 'a long password')).status, 204);
  assert.equal((await activate(code, 'another password')).status, 401);
  const session = await login(server, { login: subject.code, password: 'a long password' });
  assert.equal(session.response.status, 200);
});

test('five failed logins lock the account, even against the right password', async () => {
  const account = { login: 'locked.auditor', password: 'auditor password' };
  run(['account', 'create', '--data', data, '--role', 'auditor', '--login', account.login, '--now', NOW]);
  const probe = await login(server, account);
  assert.equal(probe.response.status, 401);  // not activated yet: the CLI printed a code
  for (let i = 0; i < 4; i++) {
    assert.equal((await login(server, { login: account.login, password: `guess number ${i}` })).response.status, 401);
  }
  const locked = await login(server, account);
  assert.equal(locked.response.status, 429);
  assert.equal(locked.response.json.error.reason, 'throttled');
  // Other accounts from the same address still log in.
  assert.equal((await login(server, demo.accounts.auditor)).response.status, 200);
});

test('bodies over 4 KiB are refused before the password is hashed', async () => {
  const big = await server.post('/api/v1/auth/login', {
    body: JSON.stringify({ login: 'x', password: 'y'.repeat(5000) }),
  });
  assert.equal(big.status, 413);
});

test('requests are rate limited per token and per session', async () => {
  const limited = await new Server(data, ['--rate-limit', '5']).start();
  try {
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push((await limited.get('/api/v1/me', { token: demo.tokens.auditor })).status);
    assert.ok(statuses.slice(0, 10).every((s) => s === 200), statuses.join(','));
    assert.ok(statuses.includes(429), statuses.join(','));
    const refused = await limited.get('/api/v1/me', { token: demo.tokens.auditor });
    if (refused.status === 429) assert.equal(refused.headers.get('retry-after'), '1');
    // Another token has its own bucket; the public is not limited per token.
    assert.equal((await limited.get('/api/v1/me', { token: demo.tokens.court })).status, 200);
    for (let i = 0; i < 20; i++) assert.equal((await limited.get('/healthz')).status, 200);
  } finally {
    await limited.stop();
  }
});

test('no public response of the demo city carries a full resident ID number', async () => {
  const db = join(data, 'credence.db');
  const listed = spawnSync('sqlite3', [db, 'SELECT code FROM subjects ORDER BY id'], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const codes = listed.stdout.trim().split('\n');
  assert.ok(codes.length >= 600);
  assert.ok(codes.some((c) => ID_PATTERN.test(c)), 'the demo city has residents');
  const paths = ['/api/v1/stats', '/api/v1/lists', '/api/v1/policy', '/api/v1/me'];
  for (const q of ['张', '陈', '林', '王', '李', '有限公司', '温州', '3303']) {
    paths.push(`/api/v1/subjects?q=${encodeURIComponent(q)}&limit=100`);
  }
  for (const code of codes) {
    paths.push(`/api/v1/subjects/${code}`, `/api/v1/subjects/${code}/records?limit=100`,
      `/api/v1/subjects/${code}/rating`, `/api/v1/subjects?q=${code}`, `/api/v1/ids/${code}`.replace(code, code.slice(0, 6)));
  }
  let scanned = 0;
  for (const path of paths) {
    const response = await server.get(path);
    const match = response.text.match(ID_PATTERN);
    assert.equal(match, null, `unmasked ID number in the public response to ${path}: ${match?.[0]}`);
    scanned++;
  }
  // A resident found by its full ID number comes back masked.
  const resident = codes.find((c) => ID_PATTERN.test(c));
  const found = await server.get(`/api/v1/subjects?q=${resident}`);
  assert.equal(found.json.items.length, 1);
  assert.match(found.json.items[0].code, /^\d{4}\*{10}\d{3}[\dX]$/);
  assert.ok(scanned > 3000);
});

test('the server log holds no password, session secret, CSRF token or full ID number', async () => {
  const resident = demo.accounts.resident;
  const ok = await login(server, resident);
  assert.equal(ok.response.status, 200);
  await login(server, { login: resident.login, password: 'wrong password here' });
  await server.get('/api/v1/me/file', { headers: { cookie: ok.cookie } });
  await server.get(`/api/v1/subjects/${resident.login}`, { token: demo.tokens.court });
  const secret = ok.cookie.split('=')[1];
  await new Promise((resolve) => setTimeout(resolve, 200));
  const log = server.stderr;
  assert.ok(log.includes('auth.login'), 'logins are logged');
  for (const [what, value] of [['a password', resident.password], ['the session secret', secret],
    ['the CSRF token', ok.csrf], ['another password', demo.accounts.enterprise.password]]) {
    assert.ok(!log.includes(value), `${what} in the log`);
  }
  const match = log.match(ID_PATTERN);
  assert.equal(match, null, `full ID number in the log: ${match?.[0]}`);
});
