// The transparency log from the outside: a verifier written here from RFC 6962 / RFC 9162 (and
// nothing of the server's code) checks signed tree heads, inclusion proofs for record versions
// and consistency proofs between heads, and that rewriting history is caught.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Server, tempDir, createToken, cleanup, ndjson, penaltyRow, run, NOW } from './harness.mjs';
import { uscc } from './codes.mjs';

let data, server, mr;
const company = uscc('9133030212345678');

function penalty(ref, overrides = {}) {
  return penaltyRow(company, '温州市透明贸易有限公司', ref, overrides);
}

// --- the outside party's verifier ---
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const hex = (text) => Buffer.from(text, 'hex');
const nodeHash = (left, right) => sha256(Buffer.from([1]), left, right);
function be64(value) { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(value)); return b; }
function lp(text) { const s = Buffer.from(text, 'utf8'); const b = Buffer.alloc(4); b.writeUInt32BE(s.length); return Buffer.concat([b, s]); }

function leafHash(leaf) {
  return sha256(Buffer.from([0]), be64(leaf.seq), be64(leaf.at_micros), lp(leaf.actor), lp(leaf.action),
    lp(leaf.object), hex(leaf.digest));
}

// RFC 9162 §2.1.3.2
function verifyInclusion(hash, index, size, path, root) {
  if (index >= size) return false;
  let fn = BigInt(index), sn = BigInt(size - 1), r = hash;
  for (const p of path.map(hex)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

// RFC 9162 §2.1.4.2
function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  let path = proof.map(hex);
  if (path.length === 0) return false;
  if ((first & (first - 1)) === 0) path = [firstRoot, ...path];
  let fn = BigInt(first - 1), sn = BigInt(second - 1);
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && fr.equals(firstRoot) && sr.equals(secondRoot);
}

// The RFC 6962 TreeHeadSignature, rebuilt from the head's fields, checked with its Ed25519 key.
function verifyHeadSignature(head) {
  const signed = Buffer.concat([Buffer.from([0, 1]), be64(head.timestamp_ms), be64(head.tree_size), hex(head.root_hash)]);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: hex(head.public_key).toString('base64url') }, format: 'jwk' });
  return verify(null, signed, key, hex(head.signature));
}

async function submit(rows) {
  const r = await server.post('/api/v1/ingest/batches', { token: mr, body: ndjson(rows), headers: { 'content-type': 'application/x-ndjson' } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function head() {
  const r = await server.get('/api/v1/transparency/head');
  assert.equal(r.status, 200, r.text);
  assert.ok(verifyHeadSignature(r.json), 'the tree head signature verifies');
  return r.json;
}

before(async () => {
  data = tempDir();
  mr = createToken(data, 'department', 'market_regulation');
  server = await new Server(data).start();
});

after(async () => {
  await server?.stop();
  cleanup(data);
});

let firstHead, recordId;

test('a published record version is proved to be in the signed log', async () => {
  const rows = [];
  for (let i = 0; i < 40; i++) rows.push(penalty(`TR-${i}`));
  const report = await submit(rows);
  assert.equal(report.accepted, 40);
  firstHead = await head();
  assert.ok(firstHead.tree_size >= 42, `tree of ${firstHead.tree_size} leaves`);

  const records = await server.get(`/api/v1/subjects/${company}/records?limit=100`, { token: mr });
  assert.equal(records.status, 200, records.text);
  const record = records.json.items.find((r) => r.source_ref === 'TR-17');
  assert.ok(record, 'record TR-17 is in the file');
  recordId = record.id;

  const proof = await server.get(`/api/v1/transparency/records/${recordId}/versions/1/inclusion?tree_size=${firstHead.tree_size}`);
  assert.equal(proof.status, 200, proof.text);
  assert.equal(proof.json.leaf.object, `record:${recordId}@1`);
  assert.equal(proof.json.leaf.action, 'record.insert');
  const hash = leafHash(proof.json.leaf);
  assert.equal(hash.toString('hex'), proof.json.leaf.leaf_hash);
  assert.ok(verifyInclusion(hash, proof.json.leaf_index, firstHead.tree_size, proof.json.audit_path, hex(firstHead.root_hash)));
  // A leaf whose content was changed does not verify against the head.
  const forged = { ...proof.json.leaf, actor: 'department:somebody-else' };
  assert.ok(!verifyInclusion(leafHash(forged), proof.json.leaf_index, firstHead.tree_size, proof.json.audit_path, hex(firstHead.root_hash)));
  // Nor does the proof of another position.
  assert.ok(!verifyInclusion(hash, proof.json.leaf_index + 1, firstHead.tree_size, proof.json.audit_path, hex(firstHead.root_hash)));
});

test('a revision is a new leaf, and the grown log is consistent with the earlier head', async () => {
  const report = await submit([penalty('TR-17', { amount_yuan: 60000, content: '罚款人民币陆万元' })]);
  assert.equal(report.updated, 1);
  const later = await head();
  assert.ok(later.tree_size > firstHead.tree_size);

  const consistency = await server.get(`/api/v1/transparency/consistency?first=${firstHead.tree_size}&second=${later.tree_size}`);
  assert.equal(consistency.status, 200, consistency.text);
  assert.ok(verifyConsistency(firstHead.tree_size, later.tree_size, hex(firstHead.root_hash), hex(later.root_hash), consistency.json.consistency_path));
  const bent = Buffer.from(hex(firstHead.root_hash)); bent[0] ^= 1;
  assert.ok(!verifyConsistency(firstHead.tree_size, later.tree_size, bent, hex(later.root_hash), consistency.json.consistency_path));

  const v2 = await server.get(`/api/v1/transparency/records/${recordId}/versions/2/inclusion`);
  assert.equal(v2.status, 200, v2.text);
  assert.equal(v2.json.leaf.action, 'record.revise');
  assert.equal(v2.json.tree_size, later.tree_size);
  assert.ok(verifyInclusion(leafHash(v2.json.leaf), v2.json.leaf_index, later.tree_size, v2.json.audit_path, hex(later.root_hash)));

  // The leaves can be read in order and hash as the proofs say.
  const leaves = await server.get(`/api/v1/transparency/leaves?start=${v2.json.leaf_index}&limit=5`);
  assert.equal(leaves.status, 200);
  assert.equal(leaves.json.items[0].leaf_hash, leafHash(v2.json.leaf).toString('hex'));
});

test('bad and unknown requests get specific errors', async () => {
  assert.equal((await server.get('/api/v1/transparency/records/999999/versions/1/inclusion')).status, 404);
  assert.equal((await server.get(`/api/v1/transparency/records/${recordId}/versions/9/inclusion`)).status, 404);
  assert.equal((await server.get('/api/v1/transparency/records/x/versions/1/inclusion')).status, 400);
  assert.equal((await server.get('/api/v1/transparency/leaves/0/inclusion?tree_size=999999')).status, 400);
  assert.equal((await server.get('/api/v1/transparency/consistency')).status, 400);
  assert.equal((await server.get('/api/v1/transparency/consistency?first=0')).status, 400);
  assert.equal((await server.get('/api/v1/transparency/leaves?limit=5000')).status, 400);
});

test('rewriting the log behind the platform is caught by a head kept outside', async () => {
  const kept = await head();
  const exit = await server.stop();
  assert.equal(exit.code, 0);
  const published = `${kept.tree_size}:${kept.root_hash}`;
  assert.match(run(['audit', 'verify', '--data', data, '--tree-head', published]).stdout, /1 published tree head\(s\) match/);
  // Change one entry and recompute the whole hash chain: only the published head can tell.
  const sqlite = spawnSync('sqlite3', [join(data, 'credence.db'), "UPDATE audit_log SET digest = zeroblob(32) WHERE seq = 5"]);
  assert.equal(sqlite.status, 0, sqlite.stderr?.toString());
  const broken = run(['audit', 'verify', '--data', data, '--tree-head', published], { allowFail: true });
  assert.notEqual(broken.status, 0);
  assert.match(broken.stdout, /BROKEN/);
  server = await new Server(data).start();
  const after = await head();
  const proof = await server.get(`/api/v1/transparency/consistency?first=${kept.tree_size}&second=${after.tree_size}`);
  assert.ok(!(after.root_hash === kept.root_hash) && !verifyConsistency(kept.tree_size, after.tree_size, hex(kept.root_hash), hex(after.root_hash), proof.json.consistency_path ?? []));
});
