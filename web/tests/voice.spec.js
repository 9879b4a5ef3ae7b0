// Voice, with the browser's speech APIs replaced by stand-ins (headless Chromium has no
// voices or microphone): questions are read aloud in the interview's language only when the
// toggle is on; dictation fills the answer box, which stays editable before sending; without
// the APIs the controls are hidden.
import { test, expect, newUser, apiSignUp, apiCv, apiInterview, openLoggedIn } from './fixtures.js';

test('questions read aloud in the interview language, answers dictated and edited', async ({ page, request }) => {
  await page.addInitScript(() => {
    const spoken = /** @type {Array<{ text: string, lang: string }>} */ ([]);
    /** @type {any} */ (window).__spoken = spoken;
    /** @param {string} name @param {unknown} value */
    const replace = (name, value) => Object.defineProperty(window, name, { value, configurable: true, writable: true });
    replace('speechSynthesis', { speak: (/** @type {any} */ u) => spoken.push({ text: u.text, lang: u.lang }), cancel() {}, getVoices: () => [] });
    replace('SpeechSynthesisUtterance', class { constructor(/** @type {string} */ text) { this.text = text; this.lang = ''; } });
    replace('SpeechRecognition', undefined);
    replace('webkitSpeechRecognition', class {
      constructor() {
        /** @type {((event: any) => void) | null} */
        this.onresult = null;
        /** @type {(() => void) | null} */
        this.onend = null;
      }
      start() {
        /** @type {any} */ (window).__recognition = this;
        setTimeout(() => {
          const result = Object.assign([{ transcript: '트랜잭션 격리 수준으로 해결합니다' }], { isFinal: true });
          this.onresult?.({ resultIndex: 0, results: [result] });
        }, 50);
      }
      stop() {
        this.onend?.();
      }
    });
  });
  const user = newUser('voice');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Backend engineer; Kotlin, Spring, MySQL.', title: 'CV' });
  const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'be', lang: 'ko', technical: 2, behavioral: 0, personal: 0 });
  await openLoggedIn(page, token, 'en', `#/interviews/${interview.id}`);

  const toggle = page.getByLabel('Read questions aloud');
  await expect(toggle).not.toBeChecked();
  await expect(page.locator('.bubble-question')).toBeVisible();
  expect(await page.evaluate(() => /** @type {any} */ (window).__spoken.length)).toBe(0);
  await toggle.check();
  const question = await page.locator('.bubble-question').innerText();
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).__spoken)).toEqual([{ text: question, lang: 'ko-KR' }]);

  await page.getByRole('button', { name: 'Dictate' }).click();
  const box = page.getByLabel('Your answer');
  await expect(box).toHaveValue('트랜잭션 격리 수준으로 해결합니다');
  await page.getByRole('button', { name: 'Stop dictation' }).click();
  await box.press('End');
  await box.pressSequentially(' (edited)');
  await page.getByRole('button', { name: 'Send answer' }).click();
  await expect(page.locator('.bubble-answer')).toHaveText('트랜잭션 격리 수준으로 해결합니다 (edited)');
  // The next question is read aloud as it arrives.
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).__spoken.length)).toBe(2);
});

test('without speech APIs the voice controls are hidden', async ({ page, request }) => {
  await page.addInitScript(() => {
    for (const name of ['speechSynthesis', 'SpeechSynthesisUtterance', 'SpeechRecognition', 'webkitSpeechRecognition']) {
      Object.defineProperty(window, name, { value: undefined, configurable: true, writable: true });
    }
  });
  const user = newUser('novoice');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Frontend engineer; React.', title: 'CV' });
  const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'fe', lang: 'en', technical: 1, behavioral: 0, personal: 0 });
  await openLoggedIn(page, token, 'en', `#/interviews/${interview.id}`);
  await expect(page.getByLabel('Your answer')).toBeVisible();
  await expect(page.getByLabel('Read questions aloud')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Dictate' })).toHaveCount(0);
});
