// A CV's text read wrong can be corrected on the page: the correction is checked before it is
// sent, saved, shown as text, and what later interviews are written from.
import { test, expect, newUser, apiSignUp, apiCv, auth, openLoggedIn, shot, expectNoHorizontalScroll } from './fixtures.js';
import en from '../assets/i18n/en.js';
import ko from '../assets/i18n/ko.js';

test('the text of a CV is corrected in place', async ({ page, request }) => {
  const user = newUser('fix');
  const token = await apiSignUp(request, user);
  const cv = await apiCv(request, token, { text: 'Backend engineer. Built paymnet APIs in Go.', title: 'Misread CV' });

  await openLoggedIn(page, token, 'en', '#/cvs');
  const item = page.locator('.cv-item').filter({ hasText: 'Misread CV' });
  await item.getByRole('button', { name: en['cvs.showText'] }).click();
  await expect(item.locator('.cv-text')).toHaveText('Backend engineer. Built paymnet APIs in Go.');
  await item.getByRole('button', { name: en['cvs.editText'] }).click();

  // A blank text is refused on the page; nothing is sent and the stored text stays.
  const box = item.getByLabel(en['cvs.editLabel']);
  await box.fill('   ');
  await item.getByRole('button', { name: en['cvs.saveCorrection'] }).click();
  await expect(item.locator('.field-error')).toHaveText(en['cvs.textMissing']);
  const unchanged = await (await request.get(`/cvs/${cv.id}`, { headers: auth(token) })).json();
  expect(unchanged.text).toBe('Backend engineer. Built paymnet APIs in Go.');

  // Markup in the correction is shown literally.
  const corrected = 'Backend engineer. Built payment APIs in Go <b>and</b> Rust.';
  await box.fill(corrected);
  await shot(page, 'cv-text-edit-en-desktop');
  await item.getByRole('button', { name: en['cvs.saveCorrection'] }).click();
  await expect(item.locator('.cv-text')).toHaveText(corrected);
  await expect(item.locator('.cv-text b')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: en['cvs.textSaved'] })).toHaveCount(1);
  await expect(item.locator('.meta')).toContainText(`${corrected.length} characters`);

  const stored = await (await request.get(`/cvs/${cv.id}`, { headers: auth(token) })).json();
  expect(stored.text).toBe(corrected);
  expect(stored.text_chars).toBe(corrected.length);

  // Cancelling a second edit keeps the saved text.
  await item.getByRole('button', { name: en['cvs.editText'] }).click();
  await box.fill('something else');
  await item.getByRole('button', { name: en['common.cancel'] }).click();
  await expect(item.locator('.cv-text')).toHaveText(corrected);
});

test('the correction form speaks Korean on a phone', async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const user = newUser('fixko');
  const token = await apiSignUp(request, user);
  await apiCv(request, token, { text: '백엔드 개발자. Go로 결제 API를 만들었습니다.', title: '이력서' });
  await openLoggedIn(page, token, 'ko', '#/cvs');
  const item = page.locator('.cv-item').filter({ hasText: '이력서' });
  await item.getByRole('button', { name: ko['cvs.showText'] }).click();
  await item.getByRole('button', { name: ko['cvs.editText'] }).click();
  await expect(item.getByLabel(ko['cvs.editLabel'])).toHaveValue('백엔드 개발자. Go로 결제 API를 만들었습니다.');
  await expect(item).toContainText(ko['cvs.editHint']);
  await expectNoHorizontalScroll(page, 'CV correction, phone');
  await shot(page, 'cv-text-edit-ko-phone');
});
