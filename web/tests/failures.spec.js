// What goes wrong is said in words: a scanned PDF, interviews used up, a wrong password, a
// throttled log-in, an expired session.
import { test, expect, newUser, apiSignUp, apiCv, apiInterview, apiAnswerAll, apiWaitEvaluated, auth, openLoggedIn, scannedPdf, textPdf, docxFile, shot } from './fixtures.js';
import en from '../assets/i18n/en.js';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

test('a scanned PDF shows its failure reason in words', async ({ page, request }) => {
  const user = newUser('scan');
  const token = await apiSignUp(request, user);
  await openLoggedIn(page, token, 'en', '#/cvs');
  await page.locator('#cv-file').setInputFiles({ name: 'scanned-cv.pdf', mimeType: 'application/pdf', buffer: scannedPdf() });
  const item = page.locator('.cv-item').filter({ hasText: 'scanned-cv' });
  await expect(item.getByText('Could not be read')).toBeVisible({ timeout: 30_000 });
  await expect(item).toContainText(en['cvs.failure.no_text']);
  await expect(item).toContainText('Paste the text of your CV instead');

  // Not a PDF at all: refused at once, in words.
  await page.locator('#cv-file').setInputFiles({ name: 'cv.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just some text, not a PDF') });
  await expect(page.getByRole('alert')).toContainText(en['problem.unsupported_media_type']);
});

test('a PDF over 4 MiB goes through the presigned upload and is dropped in', async ({ page, request }) => {
  const user = newUser('big');
  const token = await apiSignUp(request, user);
  await openLoggedIn(page, token, 'en', '#/cvs');
  /** @type {string[]} */
  const calls = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.method() !== 'GET' && (url.pathname.startsWith('/cvs') || url.pathname.startsWith('/local-blobs'))) calls.push(`${r.method()} ${url.pathname.replace(/[0-9a-f]{32}/g, '<id>').replace(/users\/<id>\/cvs\/<id>\.pdf/, '<key>')}`);
  });
  const file = textPdf('Jane Doe Senior Backend Engineer Kotlin Spring Kafka', 4.3 * 1024 * 1024);
  expect(file.length).toBeGreaterThan(4 * 1024 * 1024);
  // Dropped onto the drop zone, as a person drags a file from the desktop.
  const transfer = await page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'big-cv.pdf', { type: 'application/pdf' }));
    return dt;
  }, file.toString('base64'));
  await page.dispatchEvent('.dropzone', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('.dropzone', 'drop', { dataTransfer: transfer });
  const put = await page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname.startsWith('/local-blobs/'));
  expect(put.status()).toBe(200);
  const item = page.locator('.cv-item').filter({ hasText: 'big-cv' });
  await expect(item.getByText('Ready', { exact: true })).toBeVisible({ timeout: 30_000 });
  expect(calls).toEqual(expect.arrayContaining(['POST /cvs/uploads', 'PUT /local-blobs/<key>', 'POST /cvs/<id>/complete']));
  expect(calls).not.toContain('POST /cvs');
});

test('a PDF dropped onto the drop zone uploads directly when it is 4 MiB or less', async ({ page, request }) => {
  const user = newUser('drop');
  const token = await apiSignUp(request, user);
  await openLoggedIn(page, token, 'en', '#/cvs');
  const file = textPdf('Jane Doe Senior Backend Engineer Kotlin Spring Kafka', 3.5 * 1024 * 1024);
  const transfer = await page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped-cv.pdf', { type: 'application/pdf' }));
    return dt;
  }, file.toString('base64'));
  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/cvs');
  await page.dispatchEvent('.dropzone', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('.dropzone', 'drop', { dataTransfer: transfer });
  expect((await posted).headers()['content-type']).toBe('application/pdf');
  const item = page.locator('.cv-item').filter({ hasText: 'dropped-cv' });
  await expect(item.getByText('Ready', { exact: true })).toBeVisible({ timeout: 30_000 });
  await item.getByRole('button', { name: 'View text' }).click();
  await expect(item.locator('.cv-text')).toContainText('Jane Doe Senior Backend Engineer');
});

test('running out of interviews is explained in words', async ({ page, request }) => {
  const user = newUser('quota');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Mobile developer with Swift and Kotlin; shipped two apps.', title: 'Text CV' });
  await openLoggedIn(page, token, 'en', '#/interviews/new');
  await expect(page.getByText('Interviews left: 5 of 5.')).toBeVisible();

  // Use the quota up behind the page's back.
  for (let i = 0; i < 5; i += 1) {
    const r = await page.request.post('/interviews', {
      headers: auth(token),
      data: { cv_id: cv.id, position: 'mobile', lang: 'en', technical: 1, behavioral: 0, personal: 0 },
    });
    expect(r.status()).toBe(201);
  }
  await page.getByRole('button', { name: 'Start interview' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(en['newInterview.quotaTitle']);
  await expect(alert).toContainText('yours are used up');
  await expect(alert).not.toContainText('quota_exhausted');
  await shot(page, 'quota-en-desktop-new-interview');

  // Coming back later: said before trying, and the button is off.
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: en['newInterview.quotaTitle'] })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start interview' })).toBeDisabled();
});

test('log-in failures, throttling and an expired session are explained', async ({ page, request }) => {
  const user = newUser('login');
  const token = await apiSignUp(request, user);

  await page.goto('/#/login');
  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill('wrong password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText(en['login.wrong']);
  for (let i = 0; i < 5; i += 1) {
    await page.request.post('/auth/login', { data: { username: user.username, password: 'still wrong' } });
  }
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Too many failed log-ins for this username. Try again in 15 min');

  // A revoked token anywhere sends the candidate back to log in, with a message.
  await openLoggedIn(page, token, 'en', '#/cvs');
  await expect(page.getByRole('heading', { level: 1, name: 'Your CVs' })).toBeVisible();
  await page.request.post('/auth/logout', { headers: auth(token) });
  await page.getByRole('link', { name: 'History' }).click();
  await expect(page).toHaveURL(/#\/login$/);
  await expect(page.getByRole('status').filter({ hasText: en['session.expired'] })).toBeVisible();
});

test('changing the password logs out; deleting the account names what is lost', async ({ page, request }) => {
  const user = newUser('acct');
  const token = await apiSignUp(request, user);
  await apiCv(request, token, { text: 'Front-end developer, React and TypeScript.', title: 'Text CV' });
  await openLoggedIn(page, token, 'en', '#/account');
  await expect(page.getByText(user.email)).toBeVisible();

  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password', { exact: true }).fill('a brand new password');
  await page.getByLabel('New password again').fill('a brand new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/#\/login$/);
  await expect(page.getByText(en['account.passwordChanged'])).toBeVisible();

  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill('a brand new password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('button', { name: 'Delete account…' }).click();
  await expect(page.getByText('your CVs (1) and their text')).toBeVisible();
  await expect(page.getByText('your interviews (0), answers, evaluations and reports')).toBeVisible();
  await page.getByLabel('Password to confirm').fill('not it');
  await page.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page.getByText(en['account.wrongPassword'])).toBeVisible();
  await page.getByLabel('Password to confirm').fill('a brand new password');
  await page.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page).toHaveURL(/#\/login$/);
  await expect(page.getByText(en['account.deleted'])).toBeVisible();
  const gone = await request.post('/auth/login', { data: { username: user.username, password: 'a brand new password' } });
  expect(gone.status()).toBe(401);
});

test('a Word .docx uploads directly, or presigned over 4 MiB, and is read', async ({ page, request }) => {
  const user = newUser('docx');
  const token = await apiSignUp(request, user);
  await openLoggedIn(page, token, 'en', '#/cvs');
  /** @type {string[]} */
  const calls = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.method() !== 'GET' && (url.pathname.startsWith('/cvs') || url.pathname.startsWith('/local-blobs'))) calls.push(`${r.method()} ${url.pathname.replace(/[0-9a-f]{32}/g, '<id>').replace(/users\/<id>\/cvs\/<id>\.pdf/, '<key>')}`);
  });
  const small = docxFile(['김민준 백엔드 개발자', 'Built the payments API at Acme Cloud.']);
  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/cvs');
  await page.locator('#cv-file').setInputFiles({ name: 'word-cv.docx', mimeType: DOCX_TYPE, buffer: small });
  expect((await posted).headers()['content-type']).toBe(DOCX_TYPE);
  const item = page.locator('.cv-item').filter({ hasText: 'word-cv' });
  await expect(item.getByText('Ready', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(item.locator('.meta')).toContainText('Word');
  await item.getByRole('button', { name: 'View text' }).click();
  await expect(item.locator('.cv-text')).toContainText('김민준 백엔드 개발자');
  await expect(item.locator('.cv-text')).toContainText('Kotlin, Spring, Kafka');

  const big = docxFile(['Jane Doe Senior Backend Engineer', 'Led the migration of 40 services to Kubernetes.'], 4.3 * 1024 * 1024);
  expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
  await page.locator('#cv-file').setInputFiles({ name: 'big-word-cv.docx', mimeType: DOCX_TYPE, buffer: big });
  const bigItem = page.locator('.cv-item').filter({ hasText: 'big-word-cv' });
  await expect(bigItem.getByText('Ready', { exact: true })).toBeVisible({ timeout: 30_000 });
  expect(calls).toEqual(expect.arrayContaining(['POST /cvs', 'POST /cvs/uploads', 'PUT /local-blobs/<key>', 'POST /cvs/<id>/complete']));
});

/**
 * Makes the report say that `questionId`'s evaluation failed, for `reason`, with tries left
 * or not, until `until()` turns true; then passes the server's report through. The offline
 * grader never fails, so the failure is forced here.
 * @param {import('@playwright/test').Page} page
 * @param {string} questionId
 * @param {{ reason: string, canRetry: boolean, until: () => boolean }} failure
 */
function forceFailedEvaluation(page, questionId, { reason, canRetry, until }) {
  return page.route(/\/interviews\/[^/]+\/report$/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (!until()) {
      body.complete = true;
      body.items = body.items.map((/** @type {any} */ item) =>
        item.question_id === questionId ? { ...item, status: 'failed', evaluation: undefined, failure_reason: reason, can_evaluate_again: canRetry } : item,
      );
    }
    await route.fulfill({ response, json: body });
  });
}

test('a failed evaluation says why, and the answer can be evaluated again', async ({ page, request }) => {
  const user = newUser('evalfail');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Backend developer: Kotlin, PostgreSQL, Kafka.', title: 'Text CV' });
  const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'be', lang: 'en', technical: 1, behavioral: 0, personal: 0 });
  await apiAnswerAll(request, token, interview.id, () => 'An index keeps keys sorted, so a range scan reads neighbouring pages.');
  await apiWaitEvaluated(request, token, interview.id);

  let retried = false;
  await forceFailedEvaluation(page, 'q1', { reason: 'model_unavailable', canRetry: true, until: () => retried });
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().endsWith(`/interviews/${interview.id}/answers/q1`)) retried = true;
  });
  await openLoggedIn(page, token, 'en', `#/interviews/${interview.id}`);
  const failure = page.locator('.eval-failed');
  await expect(failure).toContainText(`${en['eval.failedTitle']} ${en['eval.reason.model_unavailable']}`);
  await expect(failure).toContainText(en['eval.canRetry']);
  await shot(page, 'interview-evaluation-failed-en-desktop');
  const put = page.waitForRequest((r) => r.method() === 'PUT');
  await failure.getByRole('button', { name: en['eval.retry'] }).click();
  expect((await put).postDataJSON()).toEqual({ answer: 'An index keeps keys sorted, so a range scan reads neighbouring pages.' });
  // The same answer again: evaluated, and shown beside the answer.
  await expect(page.locator('.eval-failed')).toHaveCount(0);
  await expect(page.locator('.exchange .score-pill').first()).toBeVisible();
});

test('a failed evaluation with no tries left says its score stays out of the report', async ({ page, request }) => {
  const user = newUser('evalgone');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Frontend developer: React, TypeScript.', title: 'Text CV' });
  const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'fe', lang: 'en', technical: 1, behavioral: 0, personal: 0 });
  await apiAnswerAll(request, token, interview.id, () => 'The virtual DOM is diffed and only the changes are applied.');
  await apiWaitEvaluated(request, token, interview.id);
  await forceFailedEvaluation(page, 'q1', { reason: 'processing_error', canRetry: false, until: () => false });
  await openLoggedIn(page, token, 'en', `#/reports/${interview.id}`);
  const failure = page.locator('.eval-failed');
  await expect(failure).toContainText(`${en['eval.failedTitle']} ${en['eval.reason.processing_error']}`);
  await expect(failure).toContainText(en['eval.noRetry']);
  await expect(failure.getByRole('button')).toHaveCount(0);
  await shot(page, 'report-evaluation-failed-en-desktop');
});
