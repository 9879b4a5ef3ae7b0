// User text (answers, CV text, model feedback, questions) is always text: markup shows
// literally and runs nothing. The page fixture fails the test on any dialog.
import { test, expect, newUser, apiSignUp, apiInterview, openLoggedIn } from './fixtures.js';

const ANSWER = '<img src=x onerror=alert(1)>';
const CV_TEXT = 'Jane Doe <script>alert("cv")</script> <b>bold?</b> <img src=x onerror=alert(2)> Senior engineer at <a href="javascript:alert(3)">ACME</a>.';

test('markup in answers and CV text displays literally and runs nothing', async ({ page, request }) => {
  const user = newUser('xss');
  const token = await apiSignUp(request, user);
  await openLoggedIn(page, token, 'en', '#/cvs');

  // A pasted CV with markup.
  await page.getByRole('button', { name: 'Paste text instead' }).click();
  await page.getByLabel('Title (optional)').fill('<i>My</i> CV');
  await page.getByLabel('CV text').fill(CV_TEXT);
  await page.getByRole('button', { name: 'Save text' }).click();
  const item = page.locator('.cv-item').first();
  await expect(item.getByRole('heading', { name: '<i>My</i> CV' })).toBeVisible();
  await item.getByRole('button', { name: 'View text' }).click();
  await expect(item.locator('.cv-text')).toHaveText(CV_TEXT);
  await expect(page.locator('script:not([src])')).toHaveCount(0);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('main b, main i')).toHaveCount(0);

  // An answer with markup, in the conversation and in the report.
  const cvs = await (await request.get('/cvs', { headers: { authorization: `Bearer ${token}` } })).json();
  const interview = await apiInterview(request, token, { cv_id: cvs.items[0].id, position: 'fe', lang: 'en', technical: 1, behavioral: 0, personal: 0, follow_ups: 0 });
  await page.goto(`/#/interviews/${interview.id}`);
  await page.getByLabel('Your answer').fill(ANSWER);
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('.bubble-answer')).toHaveText(ANSWER);
  await expect(page.locator('.exchange .evaluation')).toHaveCount(1);
  await page.getByRole('link', { name: 'Report', exact: true }).click();
  await expect(page.locator('.answer-text')).toHaveText(ANSWER);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  // Give any injected handler the chance to run (it must not).
  await page.waitForTimeout(500);
});
