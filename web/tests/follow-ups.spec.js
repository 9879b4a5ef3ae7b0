// Follow-ups in the chat: a weak answer brings one, asked after the next question and
// labelled with the question it follows; the report shows it under that question.
import { test, expect, newUser, apiSignUp, apiCv, apiInterview, apiWaitEvaluated, openLoggedIn, shot } from './fixtures.js';
import en from '../assets/i18n/en.js';
import ko from '../assets/i18n/ko.js';

for (const lang of /** @type {const} */ (['en', 'ko'])) {
  test(`a weak answer brings a follow-up (${lang})`, async ({ page, request }) => {
    const m = lang === 'en' ? en : ko;
    if (lang === 'ko') await page.setViewportSize({ width: 390, height: 844 });
    const user = newUser(`follow${lang}`);
    const token = await apiSignUp(request, user);
    const cv = await apiCv(request, token, { text: 'Backend engineer. Go and PostgreSQL at Acme.', title: 'CV' });
    const interview = await apiInterview(request, token, { cv_id: cv.id, position: 'be', lang, technical: 2, behavioral: 0, personal: 0, follow_ups: 1 });

    await openLoggedIn(page, token, lang, `#/interviews/${interview.id}`);
    const box = page.getByLabel(m['interview.yourAnswer']);
    const send = page.getByRole('button', { name: m['interview.send'] });
    const weak = lang === 'en' ? 'I am not sure about this one.' : '이 부분은 잘 모르겠습니다.';
    await box.fill(weak);
    await send.click();
    // The second question comes next, whether or not the follow-up is written yet (the total
    // grows by one when it is).
    const second = new RegExp(m['interview.questionOf'].replace('{n}', '2').replace('{total}', '[23]'));
    await expect(page.locator('.exchange-current .msg-who')).toHaveText(second);
    // Its evaluation arrives beside it, and with it the follow-up is written.
    await apiWaitEvaluated(request, token, interview.id);
    await box.fill(weak);
    await send.click();

    const followUpLabel = m['interview.followUpOf'].replace('{n}', '1');
    const current = page.locator('.exchange-current');
    await expect(current.locator('.msg-who')).toContainText(followUpLabel, { timeout: 30_000 });
    await expect(current.locator('.bubble-question')).toContainText(weak.replace(/\.$/, ''));
    await shot(page, `follow-up-${lang}-${lang === 'en' ? 'desktop' : 'phone'}`);
    await box.fill(lang === 'en' ? 'Writes get slower because every index must be updated too.' : '인덱스마다 함께 갱신해야 해서 쓰기가 느려집니다.');
    await send.click();
    await expect(page.getByText(m['interview.doneTitle'])).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.bubble-answer')).toHaveCount(3);

    await apiWaitEvaluated(request, token, interview.id);
    await page.goto(`/#/reports/${interview.id}`);
    const items = page.locator('.report-item');
    await expect(items).toHaveCount(3);
    await expect(items.nth(1)).toHaveClass(/report-follow-up/);
    await expect(items.nth(1).locator('.item-meta')).toContainText(followUpLabel);
  });
}
