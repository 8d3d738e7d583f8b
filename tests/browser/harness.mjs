// Shared setup of the browser tests: Debian's Chromium driven by playwright-core (no browser
// download), a fresh profile for each browser, the portal's URL and the department token from
// the environment (scripts/run-browser-tests.sh sets them), and where screenshots go.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

export const baseUrl = (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const deptToken = process.env.DEPT_TOKEN ?? '';
export const operatorToken = process.env.OPERATOR_TOKEN ?? '';
export const screenshotDir = resolve(
  process.env.SCREENSHOT_DIR ?? join(here, '..', '..', 'test-artifacts', 'screenshots'),
);
mkdirSync(screenshotDir, { recursive: true });

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const desktop = { width: 1280, height: 900 };
export const phone = { width: 390, height: 844 };

// Starts Chromium with a new, empty profile and returns its single browser context. Each test
// gets its own, so language choice, tokens and storage never leak between tests.
export async function openBrowser({ viewport = desktop, locale = 'zh-CN' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'credence-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: chromiumArgs,
    viewport,
    locale,
    timeout: 60_000,
  });
  context.setDefaultTimeout(15_000);
  const errors = [];
  context.on('weberror', (error) => errors.push(String(error.error())));
  return {
    context,
    errors, // uncaught page errors: a test asserts there were none
    // A new tab: its sessionStorage (the console token) starts empty.
    async page() {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(String(error)));
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  const file = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function api(path, { token } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/api/v1${path}`, { headers });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

// Submits an NDJSON feed as the department the token belongs to; returns the batch report.
export async function submitFeed(text, token) {
  const response = await fetch(`${baseUrl}/api/v1/ingest/batches?format=ndjson`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
    body: text,
  });
  if (response.status !== 201) throw new Error(`POST batch: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

// A valid resident ID number (GB 11643) from its first 17 digits.
export function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// A few organisations from the demo city, found through the public search API with broad
// terms that Chinese organisation names contain.
export async function findSubjects({ kind, count = 1 } = {}) {
  const found = new Map();
  const terms = ['有限公司', '公司', '温州', '店', '中心', '厂', '协会', '局'];
  if (kind === 'person') terms.unshift('王', '李', '张', '陈', '刘');
  for (const term of terms) {
    const page = await api(`/subjects?q=${encodeURIComponent(term)}&limit=50`);
    for (const item of page.items) {
      if (!kind || item.kind === kind) found.set(item.code, item);
    }
    if (found.size >= count) break;
  }
  return [...found.values()].slice(0, count);
}

// Han characters: after switching to English, the portal's own texts must contain none.
export const hanPattern = /\p{Script=Han}/u;
