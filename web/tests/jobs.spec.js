// Job postings on the page: pasted on the CVs screen with the requirements read from them,
// chosen when starting an interview, and the fit shown in the report; English on a laptop,
// Korean on a phone.
import { test, expect, newUser, apiSignUp, apiCv, apiAnswerAll, apiWaitEvaluated, auth, openLoggedIn, shot, expectNoHorizontalScroll, expectAccessible } from './fixtures.js';
import en from '../assets/i18n/en.js';
import ko from '../assets/i18n/ko.js';

const POSTING = 'We are hiring a backend engineer with 5+ years of experience.\n- Run payment services on Kubernetes\n- Stream events through Kafka\nNice to have: React.';

test('a job posting is saved, aimed at, and its fit reported', async ({ page, request }) => {
  const user = newUser('job');
  const token = await apiSignUp(request, user);
  await apiCv(request, token, { text: 'Backend engineer at Acme Cloud, 2016 - present. Moved 40 services to Kubernetes.', title: 'My CV' });

  await openLoggedIn(page, token, 'en', '#/cvs');
  const jobs = page.locator('section', { has: page.getByRole('heading', { name: en['jobs.title'] }) });
  await expect(jobs.getByText(en['jobs.none'])).toBeVisible();
  await jobs.getByRole('button', { name: en['jobs.add'] }).click();

  // Missing fields are named before anything is sent.
  await jobs.getByRole('button', { name: en['jobs.save'] }).click();
  await expect(jobs.getByText(en['jobs.titleMissing'])).toBeVisible();
  await expect(jobs.getByText(en['jobs.textMissing'])).toBeVisible();
  expect((await (await request.get('/jobs', { headers: auth(token) })).json()).items).toEqual([]);

  await jobs.getByLabel(en['jobs.titleLabel']).fill('Backend <b>Payments</b>');
  await jobs.getByLabel(en['jobs.companyLabel']).fill('Acme Pay');
  await jobs.getByLabel(en['jobs.textLabel']).fill(POSTING);
  await jobs.getByRole('button', { name: en['jobs.save'] }).click();
  const item = jobs.locator('.job-item');
  await expect(item.locator('h3')).toHaveText('Backend <b>Payments</b>');
  await expect(item.locator('.chip')).toHaveText(['5+ years of experience', 'React', 'Kafka', 'Kubernetes', 'payments and fintech']);
  await expectAccessible(page, 'CVs with a job posting');
  await shot(page, 'jobs-en-desktop');

  // Aiming an interview at it preselects it; the interview asks about its gaps.
  await item.getByRole('link', { name: en['jobs.aim'] }).click();
  await expect(page.getByLabel(en['newInterview.job'])).toHaveValue(/.+/);
  await page.getByRole('button', { name: en['newInterview.start'] }).click();
  await expect(page).toHaveURL(/#\/interviews\/[0-9a-f]+$/);
  const interviewId = /** @type {string} */ (page.url().split('/').pop());
  await apiAnswerAll(request, token, interviewId, () => 'I would split the work, measure latency before and after, and roll back on errors.');
  await apiWaitEvaluated(request, token, interviewId);

  await page.goto(`/#/reports/${interviewId}`);
  const fit = page.locator('section.fit');
  await expect(fit.getByRole('heading')).toHaveText('Fit with Backend <b>Payments</b>');
  await expect(fit.locator('.fit-row')).toHaveCount(5);
  const kafka = fit.locator('.fit-row', { hasText: 'Kafka' });
  await expect(kafka).toContainText(en['report.notInCv']);
  await expect(kafka.locator('.badge')).not.toHaveText(en['report.shown.not_asked']);
  await expect(fit.locator('.fit-row', { hasText: 'Kubernetes' })).toContainText(en['report.inCv']);
  await shot(page, 'report-fit-en-desktop');
});

test('job postings in Korean on a phone', async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const user = newUser('jobko');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: '백엔드 개발자. 2016 - 현재 에이씨엠이 클라우드. 쿠버네티스로 40개 서비스 이전.', title: '이력서' });
  const created = await request.post('/jobs', {
    headers: auth(token),
    data: { title: '백엔드 개발자 (결제)', text: '[핀테크] 경력 5년 이상, 쿠버네티스와 카프카 경험, 리액트 우대' },
  });
  expect(created.status()).toBe(201);
  const job = await created.json();

  await openLoggedIn(page, token, 'ko', '#/cvs');
  const item = page.locator('.job-item');
  await expect(item.locator('.chip')).toHaveText(['경력 5년 이상', 'React', 'Kafka', '쿠버네티스', '결제와 핀테크']);
  await expectNoHorizontalScroll(page, 'jobs, phone');
  await shot(page, 'jobs-ko-phone');

  const interview = await (await request.post('/interviews', {
    headers: auth(token),
    data: { cv_id: cv.id, job_id: job.id, position: 'be', lang: 'ko', technical: 2, behavioral: 0, personal: 4 },
  })).json();
  await apiAnswerAll(request, token, interview.id, () => '작업을 나누고 전후 지연 시간을 측정했으며 오류가 늘면 롤백했습니다.');
  await apiWaitEvaluated(request, token, interview.id);
  await openLoggedIn(page, token, 'ko', `#/reports/${interview.id}`);
  await expect(page.locator('section.fit h2')).toHaveText('백엔드 개발자 (결제) 적합도');
  await expect(page.locator('section.fit .fit-row', { hasText: 'Kafka' })).toContainText(ko['report.notInCv']);
  await expectNoHorizontalScroll(page, 'report fit, phone');
  await shot(page, 'report-fit-ko-phone');
});
