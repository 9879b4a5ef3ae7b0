// Building blocks every screen uses: headings that take focus, fields with labels and errors,
// alerts, status badges, and turning an API failure into words.
import { html } from './html.js';
import { useEffect, useRef } from '../vendor/hooks.mjs';
import { t, tv } from '../i18n/index.js';
import { ApiError, NetworkError } from '../api.js';
import { cx } from './util.js';

/**
 * What went wrong, in words a candidate can act on.
 * @param {unknown} error
 * @returns {string}
 */
export function errorMessage(error) {
  if (error instanceof NetworkError) return t('error.network');
  if (error instanceof ApiError) {
    if (error.status === 401) return t('error.session');
    if (error.code) {
      const known = tv('problem', error.code, '');
      if (known) return known;
    }
    if (error.status === 404) return t('problem.not_found');
    if (error.status === 429) return t('error.busy');
    if (error.status >= 500) return t('problem.internal_error');
    return error.problem?.detail || t('error.unknown');
  }
  return t('error.unknown');
}

/**
 * Field errors from a 422 problem, keyed by field, in the interface language where the page
 * knows the field's rule, else as the server wrote them.
 * @param {unknown} error
 * @returns {Record<string, string>}
 */
export function fieldErrors(error) {
  /** @type {Record<string, string>} */
  const out = {};
  if (error instanceof ApiError && error.problem?.errors) {
    for (const { field, message } of error.problem.errors) {
      out[field] = tv('field', field, message);
    }
  }
  return out;
}

/**
 * The screen's heading; it takes focus when the screen opens so a screen reader announces it
 * and the keyboard starts from the top of the new screen.
 * @param {{ children: any, focus?: boolean, sub?: any }} props
 */
export function PageTitle({ children, focus = true, sub }) {
  const ref = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  useEffect(() => {
    if (focus && ref.current && !document.activeElement?.closest('main form, main textarea')) {
      ref.current.focus({ preventScroll: false });
    }
  }, []);
  return html`<div class="page-title">
    <h1 ref=${ref} tabindex="-1">${children}</h1>
    ${sub ? html`<p class="page-sub">${sub}</p>` : null}
  </div>`;
}

/**
 * A labelled input with its hint and error wired up for assistive technology.
 * @param {{ id: string, label: string, type?: string, value: string, onInput: (value: string) => void,
 *   error?: string, hint?: string, autocomplete?: string, required?: boolean, min?: number, max?: number,
 *   maxLength?: number, inputMode?: string }} props
 */
export function Field({ id, label, type = 'text', value, onInput, error, hint, autocomplete, required, min, max, maxLength, inputMode }) {
  const described = [hint && !error ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return html`<div class=${cx('field', error && 'has-error')}>
    <label for=${id}>${label}</label>
    ${hint && !error ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    <input
      id=${id}
      name=${id}
      type=${type}
      value=${value}
      onInput=${(/** @type {Event} */ e) => onInput(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
      autocomplete=${autocomplete}
      required=${required}
      min=${min}
      max=${max}
      maxLength=${maxLength}
      inputMode=${inputMode}
      aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${described}
    />
    ${error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : null}
  </div>`;
}

/**
 * A message that interrupts: errors. Rendered as text.
 * @param {{ children: any, kind?: 'error' | 'info' | 'success' | 'warning', title?: string }} props
 */
export function Alert({ children, kind = 'error', title }) {
  const role = kind === 'error' ? 'alert' : 'status';
  return html`<div class=${`alert alert-${kind}`} role=${role}>
    ${title ? html`<p class="alert-title">${title}</p>` : null}
    <div>${children}</div>
  </div>`;
}

/** @param {{ label?: string }} props */
export function Spinner({ label }) {
  return html`<span class="spinner-wrap"><span class="spinner" aria-hidden="true"></span>${label ? html`<span>${label}</span>` : null}</span>`;
}

/** A quiet placeholder while a screen loads. */
export function Loading() {
  return html`<div class="loading" role="status"><${Spinner} label=${t('common.loading')} /></div>`;
}

/**
 * @param {{ tone: 'neutral' | 'progress' | 'ok' | 'bad' | 'warn', children: any }} props
 */
export function Badge({ tone, children }) {
  return html`<span class=${`badge badge-${tone}`}>${children}</span>`;
}

/** @param {{ label: string, value: number, max: number, id?: string }} props */
export function Progress({ label, value, max, id }) {
  const percent = max > 0 ? Math.round((value / max) * 100) : 0;
  const bar = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => {
    if (bar.current) bar.current.style.width = `${percent}%`;
  }, [percent]);
  return html`<div class="progress" role="progressbar" id=${id} aria-label=${label} aria-valuemin="0" aria-valuemax=${max} aria-valuenow=${value}>
    <div class="progress-fill" ref=${bar}></div>
  </div>`;
}
