// A whole interview through the page, in English and in Korean: sign up, upload the fixture
// PDF, wait until it is ready, start, answer every question (the personal ones after the
// waiting state), see every evaluation, open the report and download it as Markdown.
import { readFileSync } from 'node:fs';
import { test, expect, newUser, fixtureCv, forcePendingPersonal, shot } from './fixtures.js';
import en from '../assets/i18n/en.js';
import ko from '../assets/i18n/ko.js';

const ANSWERS = {
  en: [
    'First I would reproduce the problem and measure it, then look at the indexes, the query plan and the caching. I would explain the trade-offs, for example consistency against latency, and verify the fix with metrics.',
    'In my last team a colleague was stuck on a migration. The situation was a deadline in two days; my task was my own feature, but I paired with him for an afternoon, we split the work, and the result was that we shipped on time and he later led the next migration.',
    'I owned the design and the rollout. I compared two alternatives, measured latency and error rates before and after, and the result was a 30% faster service.',
  ],
  ko: [
    '먼저 문제를 재현하고 측정한 뒤 인덱스, 실행 계획, 캐시를 확인하겠습니다. 일관성과 지연 시간 같은 트레이드오프를 설명하고 지표로 개선을 검증하겠습니다.',
    '지난 팀에서 동료가 마이그레이션에서 막혀 있었습니다. 마감이 이틀 남은 상황이었고 제 과제는 따로 있었지만 오후 동안 함께 작업을 나눴고, 결과적으로 제때 배포했습니다.',
    '설계와 배포를 제가 맡았습니다. 두 가지 대안을 비교했고, 전후의 지연 시간과 오류율을 측정해 서비스가 30% 빨라졌습니다.',
  ],
};

for (const lang of /** @type {const} */ (['en', 'ko'])) {
  const m = lang === 'en' ? en : ko;

  test(`a whole interview in ${lang === 'en' ? 'English' : 'Korean'}`, async ({ page }) => {
    test.setTimeout(150_000);
    const pending = forcePendingPersonal(page, 2);
    const user = newUser(`flow${lang}`);

    await page.goto('/');
    if (lang === 'ko') {
      await page.getByLabel(en['nav.language']).selectOption('ko');
      await expect(page.getByRole('heading', { level: 1, name: ko['login.title'] })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    }

    // Sign up.
    await page.getByRole('link', { name: m['signup.submit'] }).click();
    await page.getByLabel(m['field.label.username'], { exact: true }).fill(user.username);
    await page.getByLabel(m['field.label.name'], { exact: true }).fill(user.name);
    await page.getByLabel(m['field.label.email'], { exact: true }).fill(user.email);
    await page.getByLabel(m['field.label.password'], { exact: true }).fill(user.password);
    await page.getByRole('button', { name: m['signup.submit'] }).click();
    await expect(page.getByRole('heading', { level: 1, name: m['cvs.title'] })).toBeVisible();

    // Upload the fixture PDF with the file picker and watch it become ready.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: m['cvs.upload'] }).click();
    await (await chooser).setFiles(fixtureCv);
    const item = page.locator('.cv-item').first();
    await expect(item.getByText(m['cvs.status.ready'], { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(item.getByRole('heading', { name: 'awesome-cv-resume' })).toBeVisible();

    // Start: the interviews left are shown first.
    await page.getByRole('link', { name: m['nav.newInterview'], exact: true }).click();
    await expect(page.getByText(m['newInterview.left'].replace('{left}', '5').replace('{total}', '5'))).toBeVisible();
    await page.getByRole('radio', { name: m['position.be'] }).check();
    await page.getByLabel(m['newInterview.lang']).selectOption(lang);
    await page.getByLabel(m['kind.plural.technical']).fill('2');
    await page.getByLabel(m['kind.plural.behavioral']).fill('1');
    await page.getByLabel(m['kind.plural.personal']).fill('2');
    // Follow-ups have their own test; this journey keeps the planned five.
    await page.getByLabel(m['newInterview.followUps']).fill('0');
    await page.getByRole('button', { name: m['newInterview.start'] }).click();
    await expect(page).toHaveURL(/#\/interviews\/[A-Za-z0-9_-]+$/);

    // Answer every question; the personal ones come after the waiting state.
    const total = 5;
    const box = page.getByLabel(m['interview.yourAnswer']);
    let sawPending = false;
    for (let n = 1; n <= total; n += 1) {
      const label = m['interview.progress'].replace('{n}', String(n)).replace('{total}', String(total));
      const preparing = page.getByText(m['interview.preparing']);
      await expect(box.or(preparing)).toBeVisible({ timeout: 30_000 });
      if (await preparing.isVisible()) {
        sawPending = true;
        await shot(page, `flow-${lang}-desktop-interview-pending`);
        await expect(box).toBeVisible({ timeout: 30_000 });
      }
      await expect(page.locator('#progress-label')).toHaveText(label);
      await expect(box).toBeFocused();
      const kind = n <= 2 ? 0 : n === 3 ? 1 : 2;
      await box.fill(ANSWERS[lang][kind]);
      if (n === 2) await shot(page, `flow-${lang}-desktop-interview-question`);
      await page.getByRole('button', { name: m['interview.send'] }).click();
      await expect(page.locator('.exchange').filter({ hasText: ANSWERS[lang][kind].slice(0, 30) }).first()).toBeVisible();
    }
    expect(sawPending, 'the waiting state for personal questions was shown').toBe(true);
    expect(pending.served()).toBe(2);
    await expect(page.locator('#progress-label')).toHaveText(m['interview.allAnswered'].replace('{total}', String(total)));

    // Every evaluation appears beside its answer.
    await expect(page.locator('.exchange .evaluation')).toHaveCount(total, { timeout: 30_000 });
    await expect(page.locator('.eval-pending')).toHaveCount(0);
    await shot(page, `flow-${lang}-desktop-interview-done`);

    // The report.
    await page.getByRole('link', { name: m['interview.openReport'], exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: m['report.title'] })).toBeVisible();
    await expect(page.locator('.big-score')).toBeVisible();
    await expect(page.locator('.report-item')).toHaveCount(total);
    await expect(page.locator('.report-item .evaluation')).toHaveCount(total);
    await expect(page.locator('figure.chart svg').first()).toBeVisible();
    await expect(page.getByRole('heading', { name: m['report.example'] }).first()).toBeVisible();

    // Download as Markdown.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: m['report.download'] }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    const markdown = readFileSync(/** @type {string} */ (await download.path()), 'utf8');
    expect(markdown).toContain(lang === 'en' ? '# Interview report' : '# 면접 리포트');
    expect(markdown).toContain(ANSWERS[lang][0].slice(0, 40));

    // History lists it with its score and opens the report again.
    await page.getByRole('link', { name: m['nav.history'], exact: true }).click();
    await expect(page.locator('.history-item')).toHaveCount(1);
    await expect(page.locator('.history-item .score-pill')).toBeVisible();
    await page.getByRole('link', { name: m['history.report'], exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: m['report.title'] })).toBeVisible();
  });
}
