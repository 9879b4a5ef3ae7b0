// Shared test helpers: a `test` whose page fails on any dialog (alert/confirm/prompt) or page
// error, accounts and CVs made through the API, screenshots, the phone-width check and axe.
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (web/tests → ../..). */
export const repoRoot = join(here, '..', '..');
/** The CV fixture, in the shared folder beside the repository. */
export const fixtureCv = join(repoRoot, '..', 'shared', 'fixtures', 'cv', 'awesome-cv-resume.pdf');
const shotsDir = join(here, '..', 'test-results', 'screenshots');

export const PASSWORD = 'correct horse battery';

/**
 * @typedef {{ username: string, name: string, email: string, password: string }} User
 */

let counter = 0;
/**
 * A new, unique account.
 * @param {string} prefix
 * @returns {User}
 */
export function newUser(prefix) {
  counter += 1;
  const username = `${prefix}${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1e4)}`.toLowerCase().slice(0, 32);
  return { username, name: 'Test Candidate', email: `${username}@example.com`, password: PASSWORD };
}

export const test = base.extend({
  page: async ({ page }, use, testInfo) => {
    /** @type {string[]} */
    const dialogs = [];
    /** @type {string[]} */
    const errors = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      await dialog.dismiss().catch(() => {});
    });
    page.on('pageerror', (error) => errors.push(error.message));
    // The page runs under a strict CSP: anything it refuses (inline script or style) is a bug.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) errors.push(message.text());
    });
    await use(page);
    expect(dialogs, `dialogs opened during "${testInfo.title}"`).toEqual([]);
    expect(errors, `page errors during "${testInfo.title}"`).toEqual([]);
  },
});
export { expect };

/**
 * Signs up and logs in through the API.
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {User} user
 * @returns {Promise<string>} the access token
 */
export async function apiSignUp(request, user) {
  const signup = await request.post('/auth/signup', { data: user });
  expect(signup.status(), await signup.text()).toBe(201);
  return apiLogIn(request, user);
}

/**
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {User} user
 */
export async function apiLogIn(request, user) {
  const login = await request.post('/auth/login', { data: { username: user.username, password: user.password } });
  expect(login.status()).toBe(200);
  return /** @type {string} */ ((await login.json()).access_token);
}

/** @param {string} token */
export const auth = (token) => ({ authorization: `Bearer ${token}` });

/**
 * A CV made through the API and waited for until ready (or failed).
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {string} token
 * @param {{ pdf?: Buffer, text?: string, title?: string }} cv
 * @returns {Promise<any>}
 */
export async function apiCv(request, token, cv) {
  const response = cv.pdf
    ? await request.post(`/cvs?title=${encodeURIComponent(cv.title ?? 'CV')}`, {
        headers: { ...auth(token), 'content-type': 'application/pdf' },
        data: cv.pdf,
      })
    : await request.post('/cvs', { headers: auth(token), data: { text: cv.text, title: cv.title } });
  expect(response.ok(), await response.text()).toBeTruthy();
  const created = await response.json();
  for (let i = 0; i < 100; i += 1) {
    const now = await (await request.get(`/cvs/${created.id}`, { headers: auth(token) })).json();
    if (now.status === 'ready' || now.status === 'failed') return now;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('CV never finished processing');
}

/**
 * An interview made through the API.
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {string} token
 * @param {Record<string, unknown>} body
 */
export async function apiInterview(request, token, body) {
  const response = await request.post('/interviews', { headers: auth(token), data: body });
  expect(response.status(), await response.text()).toBe(201);
  return response.json();
}

/**
 * Answers every remaining question of an interview through the API.
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {string} token
 * @param {string} id
 * @param {(question: any) => string} answer
 * @param {number} [limit] at most this many
 */
export async function apiAnswerAll(request, token, id, answer, limit = 100) {
  for (let i = 0; i < limit; ) {
    const next = await (await request.get(`/interviews/${id}/next`, { headers: auth(token) })).json();
    if (next.status === 'complete') return;
    if (next.status === 'pending') {
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    const put = await request.put(`/interviews/${id}/answers/${next.id}`, { headers: auth(token), data: { answer: answer(next) } });
    expect(put.status()).toBe(202);
    i += 1;
  }
}

/**
 * Waits until every answered question of an interview is evaluated.
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {string} token
 * @param {string} id
 */
export async function apiWaitEvaluated(request, token, id) {
  for (let i = 0; i < 150; i += 1) {
    const report = await (await request.get(`/interviews/${id}/report`, { headers: auth(token) })).json();
    if (!report.items.some((/** @type {any} */ item) => item.status === 'pending')) return report;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('evaluations never arrived');
}

/**
 * Opens the page logged in with `token`, in the interface language `lang`.
 * @param {import('@playwright/test').Page} page
 * @param {string} token
 * @param {'en' | 'ko'} lang
 * @param {string} hash
 */
export async function openLoggedIn(page, token, lang, hash) {
  await page.goto('/#/login');
  await page.evaluate(
    ([token, lang]) => {
      localStorage.setItem('cyi.session', JSON.stringify({ token, expiresAt: Date.now() + 3600_000 }));
      localStorage.setItem('cyi.ui-lang', lang);
    },
    [token, lang],
  );
  // A fresh document, so the page starts with the session (a hash change alone would be
  // guarded back to log-in by the page that started without one).
  await page.goto('about:blank');
  await page.goto(`/${hash}`);
}

/**
 * A one-page PDF with only a drawn rectangle: valid, but with no text, as a scan would be.
 * @returns {Buffer}
 */
export function scannedPdf() {
  return pdf('0.2 0.2 0.2 rg 72 600 300 120 re f\n', '<< >>');
}

/**
 * A one-page PDF with a line of text, padded with comments in its content stream to about
 * `bytes` bytes (for the presigned upload of files over 4 MiB).
 * @param {string} text ASCII
 * @param {number} bytes
 * @returns {Buffer}
 */
export function textPdf(text, bytes) {
  let content = `BT /F1 14 Tf 72 700 Td (${text}) Tj ET\n`;
  const line = `%${'x'.repeat(98)}\n`;
  while (content.length < bytes) content += line;
  return pdf(content, '<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>');
}

/**
 * @param {string} content the page's content stream
 * @param {string} resources the page's resource dictionary
 * @returns {Buffer}
 */
function pdf(content, resources) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources ${resources} >>`,
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
  ];
  let out = '%PDF-1.4\n';
  /** @type {number[]} */
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** @returns {Buffer} */
export function fixturePdf() {
  return readFileSync(fixtureCv);
}

/**
 * Saves a full-page screenshot under test-results/screenshots/.
 * @param {import('@playwright/test').Page} page
 * @param {string} name
 */
export async function shot(page, name) {
  mkdirSync(shotsDir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
}

/**
 * No horizontal scroll at the current viewport.
 * @param {import('@playwright/test').Page} page
 * @param {string} where
 */
export async function expectNoHorizontalScroll(page, where) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `horizontal scroll on ${where}`).toBeLessThanOrEqual(clientWidth);
}

/**
 * axe-core finds no serious or critical violation.
 * @param {import('@playwright/test').Page} page
 * @param {string} where
 */
export async function expectAccessible(page, where) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect(bad, `axe violations on ${where}`).toEqual([]);
}

/**
 * Makes `next` answer "pending" (with Retry-After) the first `times` times it would hand out a
 * personal question, as it does while the worker is still writing them; the offline model is
 * usually faster than a candidate, so the page's waiting state is forced here.
 * @param {import('@playwright/test').Page} page
 * @param {number} times
 * @returns {{ served: () => number }}
 */
export function forcePendingPersonal(page, times) {
  let served = 0;
  page.route(/\/interviews\/[^/]+\/next$/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (body.status === 'question' && body.kind === 'personal' && served < times) {
      served += 1;
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'retry-after': '1' },
        body: JSON.stringify({ status: 'pending' }),
      });
      return;
    }
    await route.fulfill({ response, json: body });
  });
  return { served: () => served };
}

/** CRC-32 (the ZIP one), for the archives below. */
function crc32(/** @type {Buffer} */ bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/**
 * A ZIP of stored (uncompressed) entries.
 * @param {[string, Buffer][]} entries
 * @returns {Buffer}
 */
function storedZip(entries) {
  /** @type {Buffer[]} */
  const parts = [];
  /** @type {Buffer[]} */
  const directory = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, data);
    directory.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

/**
 * A Word .docx with the given paragraphs (XML-safe text) and a one-row table, padded with an
 * unread media file to about `bytes` bytes when asked (for the presigned upload).
 * @param {string[]} paragraphs
 * @param {number} [bytes]
 * @returns {Buffer}
 */
export function docxFile(paragraphs, bytes = 0) {
  const p = (/** @type {string} */ t) => `<w:p><w:r><w:t xml:space="preserve">${t}</w:t></w:r></w:p>`;
  const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const body = `<?xml version="1.0" encoding="UTF-8"?><w:document ${w}><w:body>${paragraphs.map(p).join('')}`
    + `<w:tbl><w:tr><w:tc>${p('Skills')}</w:tc><w:tc>${p('Kotlin, Spring, Kafka')}</w:tc></w:tr></w:tbl></w:body></w:document>`;
  /** @type {[string, Buffer][]} */
  const entries = [
    ['[Content_Types].xml', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')],
    ['word/document.xml', Buffer.from(body, 'utf8')],
  ];
  if (bytes > 0) entries.push(['word/media/image1.png', Buffer.alloc(bytes, 7)]);
  return storedZip(entries);
}
