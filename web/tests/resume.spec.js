// A reload in the middle of an interview resumes at the same question, from the server's
// state, with the draft kept.
import { test, expect, newUser, apiSignUp, apiCv, apiInterview, openLoggedIn } from './fixtures.js';

test('a reload in the middle resumes at the same question with the draft kept', async ({ page, request }) => {
  const user = newUser('resume');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Backend engineer. Built payment APIs in Go and PostgreSQL; led a migration to Kubernetes.', title: 'Text CV' });
  const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'be', lang: 'en', technical: 2, behavioral: 1, personal: 0, follow_ups: 0 });

  await openLoggedIn(page, token, 'en', `#/interviews/${interview.id}`);
  const box = page.getByLabel('Your answer');
  await expect(page.locator('#progress-label')).toHaveText('Question 1 of 3');
  await box.fill('Indexes speed up reads at the cost of writes and storage.');
  await page.getByRole('button', { name: 'Send answer' }).click();
  await expect(page.locator('#progress-label')).toHaveText('Question 2 of 3');
  const second = await page.locator('.bubble-question').innerText();

  const draft = 'A draft that is not sent yet,\nwith two lines.';
  await box.fill(draft);
  await page.reload();

  await expect(page.locator('#progress-label')).toHaveText('Question 2 of 3');
  await expect(page.locator('.bubble-question')).toHaveText(second);
  await expect(box).toHaveValue(draft);
  // The first answer is still in the conversation, with its evaluation once it arrives.
  await expect(page.locator('.bubble-answer')).toHaveText('Indexes speed up reads at the cost of writes and storage.');
  await expect(page.locator('.exchange .evaluation')).toHaveCount(1);

  // Sending clears the draft; reloading then shows the third question with an empty box.
  await page.getByRole('button', { name: 'Send answer' }).click();
  await expect(page.locator('#progress-label')).toHaveText('Question 3 of 3');
  await page.reload();
  await expect(page.locator('#progress-label')).toHaveText('Question 3 of 3');
  await expect(box).toHaveValue('');
  await expect(page.locator('.bubble-answer')).toHaveCount(2);

  // A second click while sending sends once: the answer is stored once, the next question
  // appears once.
  await box.fill('Tell it with the situation, the task, the action and the result.');
  await page.getByRole('button', { name: 'Send answer' }).dblclick();
  await expect(page.locator('#progress-label')).toHaveText('All 3 questions answered');
  await expect(page.locator('.bubble-answer')).toHaveCount(3);
});
