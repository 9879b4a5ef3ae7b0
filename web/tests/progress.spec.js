// Progress across interviews on the History screen, weakest first, and practice aimed at the
// weakest topic; a question answered again in the report, with its change.
import { test, expect, newUser, apiSignUp, apiCv, apiInterview, apiAnswerAll, apiWaitEvaluated, auth, openLoggedIn, shot, expectNoHorizontalScroll } from './fixtures.js';
import en from '../assets/i18n/en.js';
import ko from '../assets/i18n/ko.js';

/**
 * An interview of four technical questions: the first two answered weakly, the others with
 * the example answer (as the report shows it).
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {string} token
 * @param {string} cvId
 */
async function halfWeak(request, token, cvId) {
  const interview = await apiInterview(request, token, { cv_id: cvId, position: 'be', lang: 'en', technical: 4, behavioral: 0, personal: 0, follow_ups: 0 });
  const report = await (await request.get(`/interviews/${interview.id}/report`, { headers: auth(token) })).json();
  /** @type {Record<string, string>} */
  const answers = {};
  report.items.forEach((/** @type {any} */ item, /** @type {number} */ n) => {
    answers[item.question_id] = n < 2 ? 'I do not know.' : item.example_answer;
  });
  await apiAnswerAll(request, token, interview.id, (q) => answers[q.id]);
  return apiWaitEvaluated(request, token, interview.id);
}

test('progress shows areas weakest first and leads to practice on them', async ({ page, request }) => {
  const user = newUser('progress');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Backend engineer at Acme.', title: 'CV' });
  await halfWeak(request, token, cv.id);
  await halfWeak(request, token, cv.id);
  const progress = await (await request.get('/me/progress', { headers: auth(token) })).json();
  expect(progress.interviews).toBe(2);

  await openLoggedIn(page, token, 'en', '#/history');
  const section = page.locator('section', { has: page.getByRole('heading', { name: en['history.progress'] }) });
  // The bars in the order of the areas, weakest first.
  const names = progress.areas.map((/** @type {any} */ a) => /** @type {Record<string, string>} */ (en)[`${a.kind}.${a.name}`]);
  await expect(section.locator('.bar-label')).toHaveText(names);
  await shot(page, 'progress-en-desktop');

  await section.getByRole('link', { name: en['history.practiseWeak'] }).click();
  await expect(page.getByLabel(en['newInterview.focusWeak'])).toBeChecked();
  await page.getByLabel(en['kind.plural.technical']).fill('2');
  await page.getByRole('button', { name: en['newInterview.start'] }).click();
  await expect(page).toHaveURL(/#\/interviews\/[0-9a-f]+$/);
  const interviewId = /** @type {string} */ (page.url().split('/').pop());
  const interview = await (await request.get(`/interviews/${interviewId}`, { headers: auth(token) })).json();
  const expected =
    interview.focus.reason === 'weakest_topics'
      ? interview.focus.topics.map((/** @type {any} */ f) => /** @type {Record<string, string>} */ (en)[`topic.${f.topic}`]).join(', ')
      : interview.focus.reason === 'too_few_answers'
        ? en['interview.focusFallback']
        : en['interview.focusNone'];
  await expect(page.locator('.focus-note')).toContainText(expected);
});

test('a question is answered again from the report, in Korean on a phone', async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const user = newUser('retry');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: '백엔드 개발자.', title: '이력서' });
  const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'be', lang: 'ko', technical: 1, behavioral: 0, personal: 0, follow_ups: 0 });
  await apiAnswerAll(request, token, interview.id, () => '잘 모르겠습니다.');
  const first = await apiWaitEvaluated(request, token, interview.id);
  const example = first.items[0].example_answer;

  await openLoggedIn(page, token, 'ko', `#/reports/${interview.id}`);
  const item = page.locator('.report-item').first();
  await item.getByRole('button', { name: ko['report.retry'] }).click();
  // A blank answer is refused on the page.
  await item.getByRole('button', { name: ko['report.retrySend'] }).click();
  await expect(item.locator('.field-error')).toHaveText(ko['interview.empty']);
  await item.getByLabel(ko['report.retryLabel']).fill(example);
  await item.getByRole('button', { name: ko['report.retrySend'] }).click();
  const retry = item.locator('.retry');
  await expect(retry.locator('h4')).toHaveText(ko['report.attempt'].replace('{n}', '1'));
  await expect(retry.locator('.retry-change .badge')).toContainText('+', { timeout: 30_000 });
  await expect(item.getByText(ko['report.retriesLeft'].replace('{count}', '1'))).toBeVisible();
  await expectNoHorizontalScroll(page, 'report with a retry, phone');
  await shot(page, 'retry-ko-phone');
});
