// The weight budget: the first load transfers at most 150 KB of JS + CSS (before
// compression), and the page is interactive quickly. The figures go to
// test-results/weight.json and the test output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, newUser, apiSignUp, apiCv, apiInterview } from './fixtures.js';

const BUDGET = 150 * 1024;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

/**
 * Loads `hash` in a fresh page with an empty cache and measures what it fetched and when it
 * became usable.
 * @param {import('@playwright/test').Browser} browser
 * @param {string} baseURL
 * @param {string} hash
 * @param {Array<{ name: string, value: string }>} storage localStorage to start with
 * @param {(page: import('@playwright/test').Page) => Promise<void>} ready
 */
async function measure(browser, baseURL, hash, storage, ready) {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [{ origin: baseURL, localStorage: storage }] } });
  const page = await context.newPage();
  /** @type {Array<{ url: string, bytes: number }>} */
  const files = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!/\.(m?js|css)$/.test(url.pathname)) return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    files.push({ url: url.pathname, bytes: body.length });
  });
  await page.goto(`/${hash}`);
  await ready(page);
  const interactive = await page.evaluate(() => performance.now());
  await page.waitForLoadState('networkidle');
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  await context.close();
  return { hash, bytes, kb: Math.round((bytes / 1024) * 10) / 10, interactiveMs: Math.round(interactive), files: files.length };
}

test('first load stays within 150 KB of JS + CSS and is interactive fast', async ({ browser, request, baseURL }) => {
  const user = newUser('weight');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Front-end developer: React, TypeScript, accessibility audits.', title: 'CV' });
  const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'fe', lang: 'ko', technical: 1, behavioral: 0, personal: 0 });

  const origin = /** @type {string} */ (baseURL);
  /** @param {'en' | 'ko'} lang */
  const session = (lang) => [
    { name: 'cyi.session', value: JSON.stringify({ token, expiresAt: Date.now() + 3600_000 }) },
    { name: 'cyi.ui-lang', value: lang },
  ];
  const results = [
    await measure(browser, origin, '#/login', [], async (page) => {
      await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled();
    }),
    await measure(browser, origin, `#/interviews/${interview.id}`, session('en'), async (page) => {
      await expect(page.getByLabel('Your answer')).toBeFocused();
    }),
    await measure(browser, origin, `#/interviews/${interview.id}`, session('ko'), async (page) => {
      await expect(page.getByLabel('내 답변')).toBeFocused();
    }),
  ];
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'weight.json'), JSON.stringify(results, null, 2));
  for (const r of results) {
    console.log(`first load ${r.hash.replace(/[0-9a-f]{32}/, '<id>')}: ${r.kb} KB of JS + CSS in ${r.files} files, interactive after ${r.interactiveMs} ms`);
    expect(r.bytes, `JS + CSS of ${r.hash}`).toBeLessThanOrEqual(BUDGET);
  }
});
