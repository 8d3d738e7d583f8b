// Starts real `credence` processes for black-box tests: a demo city in a temporary data
// directory, tokens, and `credence serve` on a free port (read from its "server.listening" log).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, cpSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BINARY = process.env.CREDENCE_BINARY || 'build/credence';
export const SOURCE = process.env.CREDENCE_SOURCE_DIR || '.';
// Every test runs at a fixed "now" so that publicity windows and dates are reproducible.
export const NOW = '2026-11-22T04:00:00Z';

export function run(args, { input, allowFail = false } = {}) {
  const result = spawnSync(BINARY, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (!allowFail && result.status !== 0) {
    throw new Error(`credence ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return result;
}

export function tempDir(prefix = 'credence-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// A copy of the default policy with settings.toml changed, for tests of limits.
export function policyWith(settingsToml) {
  const dir = tempDir('credence-policy-');
  cpSync(join(SOURCE, 'policy'), dir, { recursive: true });
  writeFileSync(join(dir, 'settings.toml'), settingsToml);
  return dir;
}

export function createToken(data, role, department, subject) {
  const args = ['token', 'create', '--data', data, '--role', role, '--now', NOW];
  if (department) args.push('--department', department);
  if (subject) args.push('--subject', subject);
  const lines = run(args).stdout.trim().split('\n');
  return lines[lines.length - 1];
}

export class Server {
  // now: the server's fixed clock (default NOW), for tests of what happens later; given as a
  // string or as { now }.
  constructor(data, extraArgs = [], clock = NOW) {
    const now = typeof clock === 'string' ? clock : (clock?.now ?? NOW);
    this.data = data;
    this.extraArgs = extraArgs;
    this.now = now;
    this.stderr = '';
  }

  async start() {
    this.process = spawn(BINARY, ['serve', '--data', this.data, '--port', '0', '--address',
      '127.0.0.1', '--now', this.now, ...this.extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${this.stderr}`)), 30000);
      this.process.stderr.on('data', (chunk) => {
        this.stderr += chunk.toString();
        const match = this.stderr.match(/"event":"server.listening"[^\n]*"port":(\d+)/);
        if (match) { clearTimeout(timer); resolve(Number(match[1])); }
      });
      this.process.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${this.stderr}`)); });
    });
    this.base = `http://127.0.0.1:${port}`;
    return this;
  }

  // Token requests state a purpose (X-Purpose), as staff reading non-public data must; pass
  // purpose: null to send none, or a string of your own.
  async request(method, path, { token, body, headers = {}, purpose = 'credence test suite' } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (token && purpose !== null && !('x-purpose' in h)) h['x-purpose'] = purpose;
    const response = await fetch(this.base + path, { method, headers: h, body });
    const text = await response.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: response.status, headers: response.headers, text, json };
  }

  get(path, options) { return this.request('GET', path, options); }
  post(path, options) { return this.request('POST', path, options); }

  async stop(signal = 'SIGTERM') {
    if (!this.process || this.process.exitCode !== null) return this.exited;
    this.process.kill(signal);
    return this.exited;
  }
}

// A demo city shared by the read-only tests of one file.
export function demoCity(subjects = 600, seed = 3) {
  const data = tempDir();
  run(['demo', '--data', data, '--subjects', String(subjects), '--seed', String(seed), '--now', NOW]);
  return data;
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function ndjson(rows) {
  return rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n';
}

export function readText(path) { return readFileSync(path, 'utf8'); }

// An administrative penalty row of the NDJSON feed (FORMATS.md) against one company.
export function penaltyRow(code, name, ref, overrides = {}) {
  return {
    source_ref: ref, kind: 'admin_penalty',
    subject: { code, name, kind: 'enterprise' },
    decided_at: '2026-03-05', tier: 'general', document_no: `温鹿市监罚〔2026〕${ref}号`,
    legal_basis: '《中华人民共和国食品安全法》第一百二十四条', content: '罚款人民币伍万元',
    amount_yuan: 50000, authority: { name: '温州市鹿城区市场监督管理局', code: '113303020000000000' },
    ...overrides,
  };
}
