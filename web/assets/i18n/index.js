// The interface language: one message catalogue per language, chosen by the candidate and
// remembered in localStorage. Only the chosen language's catalogue is fetched (before the
// first render, and when switching). The interview's language is chosen separately.
import { store } from '../lib/util.js';

/** @typedef {typeof import('./en.js').default} Catalogue */
/** @typedef {keyof Catalogue} MessageKey */
/** @typedef {'en' | 'ko'} UiLang */

/** @type {Record<UiLang, () => Promise<{ default: Catalogue }>>} */
const loaders = {
  en: () => import('./en.js'),
  ko: () => import('./ko.js'),
};
/** @type {Partial<Record<UiLang, Catalogue>>} */
const catalogues = {};
const KEY = 'cyi.ui-lang';

/** @returns {UiLang} */
function initial() {
  const saved = store.get(KEY);
  if (saved === 'en' || saved === 'ko') return saved;
  return (navigator.language || '').toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/** @type {UiLang} */
let current = initial();

/** @returns {UiLang} */
export function uiLang() {
  return current;
}

/**
 * Loads a language's catalogue (once).
 * @param {UiLang} lang
 * @returns {Promise<void>}
 */
export async function loadCatalogue(lang) {
  if (!catalogues[lang]) catalogues[lang] = (await loaders[lang]()).default;
}

/**
 * Switches the interface language once its catalogue is loaded.
 * @param {UiLang} lang
 * @returns {Promise<void>}
 */
export async function setUiLang(lang) {
  try {
    await loadCatalogue(lang);
  } catch {
    return;
  }
  current = lang;
  store.set(KEY, lang);
  document.documentElement.lang = lang;
}

/** @returns {Partial<Catalogue>} */
function catalogue() {
  return catalogues[current] ?? catalogues.en ?? {};
}

/**
 * A message in the interface language, with `{name}` placeholders filled in.
 * @param {MessageKey} key
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function t(key, params) {
  const text = catalogue()[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * A message whose key is built from a value (a position, a topic, a failure reason), with a
 * fallback when the catalogue has no entry for it (a value the page does not know yet).
 * @param {string} prefix
 * @param {string} value
 * @param {string} [fallback]
 * @returns {string}
 */
export function tv(prefix, value, fallback) {
  const text = /** @type {Record<string, string | undefined>} */ (catalogue())[`${prefix}.${value}`];
  return text ?? fallback ?? value;
}
