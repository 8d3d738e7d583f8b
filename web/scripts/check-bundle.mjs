// Fails the build when the JavaScript the first page loads (the entry script and every module
// it preloads, as listed in dist/index.html) exceeds the budget, gzipped. Charts and the other
// pages are loaded on demand and are not counted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const budgetBytes = 300 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const files = new Set();
for (const match of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) files.add(match[1]);
for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) files.add(match[1]);
if (files.size === 0) {
  console.error('check-bundle: no module script found in dist/index.html');
  process.exit(1);
}

let total = 0;
for (const file of files) {
  const size = gzipSync(readFileSync(join(dist, file.replace(/^\//, '')))).length;
  total += size;
  console.log(`  ${file}  ${(size / 1024).toFixed(1)} KB gzipped`);
}
const verdict = total <= budgetBytes ? 'within' : 'OVER';
console.log(
  `first-page JavaScript: ${(total / 1024).toFixed(1)} KB gzipped, ${verdict} the ${budgetBytes / 1024} KB budget`,
);
if (total > budgetBytes) process.exit(1);
