// Every screen, in English and Korean, on a laptop (1280x800) and a phone (390x844): a
// screenshot of each under test-results/screenshots/, no horizontal scroll, and no serious or
// critical axe-core violation.
import {
  test,
  expect,
  newUser,
  apiSignUp,
  apiCv,
  apiInterview,
  apiAnswerAll,
  apiWaitEvaluated,
  openLoggedIn,
  scannedPdf,
  fixturePdf,
  shot,
  expectNoHorizontalScroll,
  expectAccessible,
  forcePendingPersonal,
} from './fixtures.js';
import en from '../assets/i18n/en.js';
import ko from '../assets/i18n/ko.js';

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

const ANSWER = {
  en: 'First I would measure, then explain the trade-offs: an index speeds up reads but slows writes, and a cache needs invalidation. The result was 40% lower latency.',
  ko: '먼저 측정한 뒤 트레이드오프를 설명하겠습니다. 인덱스는 읽기를 빠르게 하지만 쓰기를 느리게 하고, 캐시는 무효화가 필요합니다. 결과적으로 지연 시간이 40% 줄었습니다.',
};

for (const lang of /** @type {const} */ (['en', 'ko'])) {
  for (const device of /** @type {const} */ (['desktop', 'phone'])) {
    const m = lang === 'en' ? en : ko;

    test(`every screen: ${lang}, ${device}`, async ({ browser, request }) => {
      test.setTimeout(150_000);
      const context = await browser.newContext({
        viewport: VIEWPORTS[device],
        locale: lang === 'ko' ? 'ko-KR' : 'en-US',
        isMobile: device === 'phone',
        hasTouch: device === 'phone',
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      /** @type {string[]} */
      const problems = [];
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        d.dismiss().catch(() => {});
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
      });

      // Data to show: a PDF CV, a text CV, a scan that failed; a finished interview and one
      // under way.
      const user = newUser(`scr${lang}`);
      const token = await apiSignUp(request, user);
      await apiCv(request, token, { pdf: scannedPdf(), title: 'scanned-cv' });
      const textCv = await apiCv(request, token, { text: 'Kim Minsu — backend engineer, 5 years. Built a payment service in Kotlin and Spring at 2,000 TPS; led the MySQL to Aurora migration; mentored three junior engineers.', title: lang === 'ko' ? '텍스트 이력서' : 'Text CV' });
      const pdfCv = await apiCv(request, token, { pdf: fixturePdf(), title: 'awesome-cv-resume' });
      expect(pdfCv.status).toBe('ready');
      const done = await apiInterview(request, token, { cv_id: pdfCv.id, position: 'be', lang, technical: 3, behavioral: 2, personal: 2, follow_ups: 0 });
      await apiAnswerAll(request, token, done.id, () => ANSWER[lang]);
      await apiWaitEvaluated(request, token, done.id);
      const earlier = await apiInterview(request, token, { cv_id: textCv.id, position: 'fe', lang, technical: 1, behavioral: 0, personal: 0, follow_ups: 0 });
      await apiAnswerAll(request, token, earlier.id, () => ANSWER[lang].slice(0, 60));
      const current = await apiInterview(request, token, { cv_id: pdfCv.id, position: 'be', lang, technical: 2, behavioral: 1, personal: 1, follow_ups: 0 });
      await apiAnswerAll(request, token, current.id, () => ANSWER[lang], 1);
      await apiWaitEvaluated(request, token, current.id);

      const name = (/** @type {string} */ screen) => `${lang}-${device}-${screen}`;
      /** @param {string} screen */
      const check = async (screen) => {
        await page.waitForLoadState('networkidle').catch(() => {});
        await expect(page.locator('.loading')).toHaveCount(0);
        await shot(page, name(screen));
        await expectNoHorizontalScroll(page, name(screen));
        await expectAccessible(page, name(screen));
      };

      // Log in and sign up, before the session.
      await page.goto('/#/login');
      await page.evaluate((lang) => localStorage.setItem('cyi.ui-lang', lang), lang);
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: m['login.title'] })).toBeVisible();
      await check('login');
      await page.getByRole('link', { name: m['signup.submit'] }).click();
      await expect(page.getByRole('heading', { level: 1, name: m['signup.title'] })).toBeVisible();
      await page.getByRole('button', { name: m['signup.submit'] }).click();
      await expect(page.locator('.field-error').first()).toBeVisible();
      await check('signup-errors');

      await openLoggedIn(page, token, lang, '#/cvs');
      await expect(page.getByRole('heading', { level: 1, name: m['cvs.title'] })).toBeVisible();
      await expect(page.locator('.cv-item')).toHaveCount(3);
      await page.locator('.cv-item').filter({ hasText: 'awesome-cv-resume' }).getByRole('button', { name: m['cvs.showText'] }).click();
      await expect(page.locator('.cv-text')).toBeVisible();
      await page.getByRole('button', { name: m['cvs.pasteToggle'] }).click();
      await check('cvs');

      await page.getByRole('link', { name: m['nav.newInterview'], exact: true }).click();
      await expect(page.getByRole('button', { name: m['newInterview.start'] })).toBeVisible();
      await check('new-interview');

      await page.goto(`/#/interviews/${current.id}`);
      await expect(page.locator('.exchange .evaluation')).toHaveCount(1);
      await page.locator('.eval-details summary').first().click();
      await page.getByLabel(m['interview.yourAnswer']).fill(ANSWER[lang].slice(0, 80));
      await page.getByLabel(m['interview.timer']).selectOption('180');
      await check('interview');

      // The waiting state while personal questions are written.
      forcePendingPersonal(page, 50);
      await page.getByRole('button', { name: m['interview.send'] }).click();
      await expect(page.locator('#progress-label')).toHaveText(m['interview.progress'].replace('{n}', '3').replace('{total}', '4'));
      await page.getByLabel(m['interview.yourAnswer']).fill(ANSWER[lang]);
      await page.getByRole('button', { name: m['interview.send'] }).click();
      await expect(page.getByText(m['interview.preparing'])).toBeVisible();
      await check('interview-preparing');
      await page.unrouteAll({ behavior: 'ignoreErrors' });

      await page.goto(`/#/reports/${done.id}`);
      await expect(page.locator('.report-item .evaluation')).toHaveCount(7);
      await check('report');

      await page.getByRole('link', { name: m['nav.history'], exact: true }).click();
      await expect(page.locator('.history-item')).toHaveCount(3);
      await expect(page.locator('svg.trend')).toBeVisible();
      await check('history');

      await page.getByRole('link', { name: m['nav.practice'], exact: true }).click();
      await expect(page.locator('.practice-item').first()).toBeVisible();
      await page.locator('.practice-more summary').first().click();
      await check('practice');
      await page.getByLabel(m['practice.kind']).selectOption('behavioral');
      await expect(page.getByLabel(m['practice.competency'])).toBeVisible();
      await expect(page.locator('.practice-item').first()).toBeVisible();
      await page.getByRole('button', { name: m['practice.more'] }).click();
      await expect(page.locator('.practice-item')).toHaveCount(20);
      await check('practice-behavioral');

      await page.getByRole('link', { name: m['nav.account'], exact: true }).click();
      await page.getByRole('button', { name: m['account.deleteStart'] }).click();
      await expect(page.getByText(m['account.deleteIrreversible'])).toBeVisible();
      await check('account');

      expect(problems).toEqual([]);
      await context.close();
    });
  }
}
