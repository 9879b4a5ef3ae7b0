// A keyboard-only pass through an interview: Tab, Enter and Ctrl+Enter (and typing).
import { test, expect, newUser, apiSignUp, apiCv } from './fixtures.js';

/**
 * Presses Tab until the focused element matches, at most `limit` times.
 * @param {import('@playwright/test').Page} page
 * @param {(el: { tag: string, text: string, label: string }) => boolean} wanted
 * @param {number} [limit]
 */
async function tabTo(page, wanted, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = /** @type {HTMLElement} */ (document.activeElement);
      return { tag: a.tagName.toLowerCase(), text: (a.textContent || '').trim(), label: a.getAttribute('aria-label') || a.id || '' };
    });
    if (wanted(el)) return;
  }
  throw new Error('never reached the wanted element with Tab');
}

test('a keyboard-only pass through an interview', async ({ page, request }) => {
  test.setTimeout(120_000);
  const user = newUser('keys');
  const token = await apiSignUp(request, user);
  await apiCv(request, token, { text: 'AI engineer: trained ranking models in PyTorch, deployed them with MLOps pipelines.', title: 'Text CV' });

  await page.goto('/#/login');
  await tabTo(page, (el) => el.label === 'login-username');
  await page.keyboard.type(user.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Your CVs' })).toBeFocused();

  await tabTo(page, (el) => el.tag === 'a' && el.text === 'New interview');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'New interview' })).toBeVisible();
  // Follow-ups off, so the count stays the planned ten.
  await tabTo(page, (el) => el.label === 'iv-follow_ups');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('0');
  await tabTo(page, (el) => el.tag === 'button' && el.text === 'Start interview');
  await expect(page.getByRole('button', { name: 'Start interview' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/interviews\/[A-Za-z0-9_-]+$/);

  // Default counts otherwise: 3 technical, 2 behavioral, 5 personal.
  const box = page.getByLabel('Your answer');
  for (let n = 1; n <= 10; n += 1) {
    await expect(page.locator('#progress-label')).toHaveText(`Question ${n} of 10`, { timeout: 30_000 });
    await expect(box).toBeFocused({ timeout: 30_000 });
    await page.keyboard.type(`Answer ${n}: I would measure first, then explain the trade-offs and the result.`);
    await page.keyboard.press('Control+Enter');
  }
  await expect(page.locator('#progress-label')).toHaveText('All 10 questions answered');
  await expect(page.locator('.bubble-answer')).toHaveCount(10);

  await tabTo(page, (el) => el.tag === 'a' && el.text === 'Report', 80);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Interview report' })).toBeVisible();
  await tabTo(page, (el) => el.tag === 'button' && el.text === 'Download Markdown');
  const downloading = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  await downloading;
});
