// The command line: id check, policy check, import with its report, crash safety of a batch,
// audit verification, and graceful shutdown of the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tempDir, cleanup, Server, createToken, SOURCE, NOW } from './harness.mjs';
import { uscc } from './codes.mjs';

test('id check prints a verdict per code and fails when any is invalid', () => {
  const ok = run(['id', 'check', '911522010783762860', '360426199101010071']);
  assert.match(ok.stdout, /911522010783762860\tvalid\tuscc/);
  assert.match(ok.stdout, /360426199101010071\tvalid\tresident_id/);
  const bad = run(['id', 'check', '911522010783762860', '91350211M00013FA1N'], { allowFail: true });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /91350211M00013FA1N\tinvalid\tchecksum/);
});

test('policy check accepts the default policy and names what is wrong in a broken one', () => {
  assert.match(run(['policy', 'check', join(SOURCE, 'policy')]).stdout, /ok/);
  const dir = tempDir();
  writeFileSync(join(dir, 'catalog.toml'), 'version = "x"\nedition = "2024"\nbogus_table_name = 3\n');
  const bad = run(['policy', 'check', dir], { allowFail: true });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /catalog\.toml/);
  cleanup(dir);
});

function bigFeed(rows) {
  const lines = [];
  for (let i = 0; i < rows; i++) {
    const body = String(10000000 + i).slice(-8);
    lines.push(JSON.stringify({
      source_ref: `BIG-${i}`, kind: 'admin_license',
      subject: { code: uscc(`91330302${body}`), name: `温州市批量${i}有限公司` },
      decided_at: '2025-06-01', document_no: `浙温市监许〔2025〕${i}号`, content: '食品经营许可',
      authority: { name: '温州市市场监督管理局' }, valid_until: '2030-05-31',
    }));
  }
  return lines.join('\n') + '\n';
}

test('import reports the batch; kill -9 mid-batch leaves all of it or none', async () => {
  const data = tempDir();
  const file = join(data, 'feed.ndjson');
  writeFileSync(file, bigFeed(2000));
  const out = run(['import', '--data', data, '--department', 'market_regulation', '--now', NOW, file]);
  const report = JSON.parse(out.stdout.trim().split('\n').pop());
  assert.equal(report.accepted, 2000);
  assert.equal(report.submitted, 2000);

  const big = join(data, 'big.ndjson');
  writeFileSync(big, bigFeed(150000).replaceAll('BIG-', 'HUGE-'));
  const child = spawn(process.env.CREDENCE_BINARY || 'build/credence',
    ['import', '--data', data, '--department', 'market_regulation', '--now', NOW, big], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 700));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  const token = createToken(data, 'operator');
  const server = await new Server(data).start();
  const stats = await server.get('/api/v1/stats', { token });
  assert.ok([2000, 152000].includes(stats.json.records) || stats.json.records === 2000 + 150000,
    `records after kill -9: ${stats.json.records} (expected 2000 or 152000)`);
  const batches = await server.get('/api/v1/ingest/batches', { token });
  for (const batch of batches.json.items) {
    assert.equal(batch.submitted, batch.accepted + batch.updated + batch.unchanged + batch.rejected);
  }
  // SIGTERM: the server stops cleanly.
  const exit = await server.stop('SIGTERM');
  assert.equal(exit.code, 0, server.stderr);
  assert.match(run(['audit', 'verify', '--data', data]).stdout, /audit log ok/);
  cleanup(data);
});

test('audit verify finds a tampered entry', async () => {
  const data = tempDir();
  const file = join(data, 'feed.ndjson');
  writeFileSync(file, bigFeed(50));
  run(['import', '--data', data, '--department', 'market_regulation', '--now', NOW, file]);
  assert.match(run(['audit', 'verify', '--data', data]).stdout, /audit log ok: 51 entries/);
  // Rewrite history behind the platform's back: the chain must notice.
  const sqlite = spawn('sqlite3', [join(data, 'credence.db'), "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 7"]);
  const code = await new Promise((resolve) => sqlite.on('exit', resolve));
  assert.equal(code, 0);
  const broken = run(['audit', 'verify', '--data', data], { allowFail: true });
  assert.notEqual(broken.status, 0);
  assert.match(broken.stdout, /BROKEN at entry 7/);
  cleanup(data);
});
