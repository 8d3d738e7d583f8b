// Credit certificates: issuing with the subject's level, verifying online with the current
// status (superseded, revoked), the signed trust list, offline verification from the command
// line (token and QR image), and a certificate of another platform verifying after its trust
// list is imported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, tempDir, createToken, cleanup, ndjson, run, NOW } from './harness.mjs';
import { uscc } from './codes.mjs';

let data, other, server, mr, court, operator;
const company = uscc('9133030233334444');
const listed = uscc('9133030255556666');

function penalty(ref, code, overrides = {}) {
  return {
    source_ref: ref, kind: 'admin_penalty',
    subject: { code, name: '温州市证书测试有限公司', kind: 'enterprise' },
    decided_at: '2020-01-10', tier: 'general', document_no: `温鹿市监罚〔2020〕${ref}号`,
    legal_basis: '《中华人民共和国食品安全法》第一百二十四条', content: '警告',
    amount_yuan: 0, authority: { name: '温州市鹿城区市场监督管理局', code: '113303020000000000' },
    ...overrides,
  };
}

async function ingest(token, rows) {
  const r = await server.post('/api/v1/ingest/batches', {
    token, body: ndjson(rows), headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.rejected, 0, r.text);
}

async function issue(code, token = operator) {
  const r = await server.post(`/api/v1/subjects/${code}/certificates`, { token });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function verify(token) {
  const r = await server.post('/api/v1/certificates/verify', {
    body: JSON.stringify({ token }), headers: { 'content-type': 'application/json' },
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function cliVerify(args) {
  const r = run(['cert', 'verify', '--now', NOW, ...args], { allowFail: true });
  return { status: r.status, json: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

before(async () => {
  data = tempDir();
  other = tempDir();
  mr = createToken(data, 'department', 'market_regulation');
  court = createToken(data, 'department', 'court');
  operator = createToken(data, 'operator');
  server = await new Server(data).start();
  await ingest(mr, [penalty('C-1', company), penalty('C-2', listed)]);
});

after(async () => {
  await server?.stop();
  cleanup(data);
  cleanup(other);
});

test('a certificate carries the level of the rating and verifies as valid', async () => {
  const rating = await server.get(`/api/v1/subjects/${company}/rating`);
  assert.equal(rating.status, 200, rating.text);
  const issued = await issue(company);
  assert.match(issued.token, /^CC1:[0-9A-Z $%*+\-./:]+$/);
  assert.equal(issued.level, rating.json.level);
  assert.equal(issued.expires, '2026-12-22T04:00:00Z');
  const v = await verify(issued.token);
  assert.equal(v.valid, true, JSON.stringify(v));
  assert.equal(v.status, 'valid');
  assert.equal(v.failed_step, null);
  assert.equal(v.claims.code, company);
  assert.equal(v.claims.serial, issued.serial);
  assert.equal(v.claims.level, rating.json.level);
  assert.equal(v.claims.type, 'certificate');
});

test('an issued certificate is found by serial with its status and QR code', async () => {
  const issued = await issue(company);
  const got = await server.get(`/api/v1/certificates/${encodeURIComponent(issued.serial)}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.token, issued.token);
  assert.equal(got.json.code, company);
  assert.ok(['valid', 'superseded'].includes(got.json.status), got.text);
  const png = await fetch(`${server.base}/api/v1/certificates/${encodeURIComponent(issued.serial)}/qr.png`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const file = join(other, 'served.png');
  writeFileSync(file, Buffer.from(await png.arrayBuffer()));
  const read = cliVerify(['--data', data, '--qr', file]);
  assert.equal(read.json.claims.serial, issued.serial, read.stderr);
  const svg = await server.get(`/api/v1/certificates/${encodeURIComponent(issued.serial)}/qr.svg`);
  assert.match(svg.text, /^<svg/);
  assert.equal((await server.get('/api/v1/certificates/CC-none')).status, 404);
});

test('issuing needs a token, and a subject only for itself', async () => {
  assert.equal((await server.post(`/api/v1/subjects/${company}/certificates`)).status, 401);
  assert.equal((await server.post(`/api/v1/subjects/${uscc('9133030299990000')}/certificates`, { token: operator })).status, 404);
});

test('damaged and foreign tokens fail at their own step', async () => {
  const { token } = await issue(company);
  assert.equal((await verify('HC1:' + token.slice(4))).failed_step, 'prefix');
  assert.equal((await verify('CC1:abc')).failed_step, 'base45');
  assert.equal((await verify('CC1:' + token.slice(4, 40))).failed_step, 'zlib');
  const damaged = await verify(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'));
  assert.equal(damaged.valid, false);
  assert.equal(damaged.status, 'invalid');
  const none = await server.post('/api/v1/certificates/verify', { body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(none.status, 400);
  const huge = await server.post('/api/v1/certificates/verify', { body: JSON.stringify({ token: 'CC1:' + 'A'.repeat(20000) }) });
  assert.equal(huge.status, 413);
});

test('the trust list is a JWK Set, also signed as a compact JWS', async () => {
  const list = await server.get('/api/v1/trust-list');
  assert.equal(list.status, 200);
  assert.equal(list.json.keys.length, 1);
  const key = list.json.keys[0];
  assert.deepEqual([key.kty, key.crv, key.alg, key.use], ['OKP', 'Ed25519', 'EdDSA', 'sig']);
  assert.equal(Buffer.from(key.kid, 'base64url').length, 8);
  const jws = await server.get('/api/v1/trust-list.jws');
  const [header, payload, signature] = jws.text.trim().split('.');
  assert.equal(JSON.parse(Buffer.from(header, 'base64url')).alg, 'EdDSA');
  assert.deepEqual(JSON.parse(Buffer.from(payload, 'base64url')), list.json);
  assert.equal(Buffer.from(signature, 'base64url').length, 64);
});

test('offline: the command line verifies a token and its QR image with the trust list file', async () => {
  const { token } = await issue(company);
  const listFile = join(other, 'fz-trust-list.json');
  writeFileSync(listFile, (await server.get('/api/v1/trust-list')).text);
  const ok = cliVerify(['--trust-list', listFile, token]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.json.valid, true);
  assert.equal(ok.json.claims.code, company);

  const png = join(other, 'qr.png');
  run(['cert', 'qr', '--out', png, token]);
  const fromImage = cliVerify(['--trust-list', listFile, '--qr', png]);
  assert.equal(fromImage.status, 0, fromImage.stderr);
  assert.equal(fromImage.json.claims.serial, ok.json.claims.serial);

  const late = run(['cert', 'verify', '--now', '2026-12-23T00:00:00Z', '--trust-list', listFile, token], { allowFail: true });
  assert.equal(late.status, 1);
  assert.equal(JSON.parse(late.stdout).failed_step, 'expired');
});

test('another platform verifies our certificates once it imports our trust list', async () => {
  const { token } = await issue(company);
  const before = cliVerify(['--data', other, token]);
  assert.equal(before.status, 1);
  assert.equal(before.json.failed_step, 'unknown_key');
  const listFile = join(other, 'incoming.json');
  writeFileSync(listFile, (await server.get('/api/v1/trust-list')).text);
  run(['cert', 'import-trust-list', '--data', other, '--name', 'wenzhou', listFile]);
  const afterImport = cliVerify(['--data', other, token]);
  assert.equal(afterImport.status, 0, JSON.stringify(afterImport.json));
  assert.equal(afterImport.json.claims.code, company);
  const bad = run(['cert', 'import-trust-list', '--data', other, '--name', 'Bad Name', listFile], { allowFail: true });
  assert.equal(bad.status, 2);
});

test('a level change supersedes a certificate; a blacklisting revokes it', async () => {
  const first = await issue(company);
  await ingest(mr, [penalty('C-3', company, { decided_at: '2026-06-10', tier: 'serious', amount_yuan: 500000, content: '罚款人民币伍拾万元' })]);
  const rating = await server.get(`/api/v1/subjects/${company}/rating`);
  assert.notEqual(rating.json.level, first.level, 'the serious penalty must change the level');
  assert.equal((await verify(first.token)).status, 'superseded');
  const second = await issue(company);
  assert.equal(second.level, rating.json.level);
  assert.equal((await verify(second.token)).status, 'valid');

  const doomed = await issue(listed);
  await ingest(court, [{ source_ref: '(2026)浙0302执77号', kind: 'dishonest_debtor', subject: { code: listed, name: '温州市证书测试有限公司', kind: 'enterprise' },
    decided_at: '2026-05-01', document_no: '(2026)浙0302执77号', ground: 1, legal_basis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第一项',
    content: '被执行人有履行能力而拒不履行生效法律文书确定义务', authority: { name: '温州市鹿城区人民法院' } }]);
  const revoked = await verify(doomed.token);
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.valid, false);
  const refused = await server.post(`/api/v1/subjects/${listed}/certificates`, { token: operator });
  assert.equal(refused.status, 409, refused.text);
});
