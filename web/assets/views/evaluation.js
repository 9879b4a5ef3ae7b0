// An evaluation as the candidate reads it: the score, the feedback, the key points covered and
// missed, the evidence quoted from the answer, and the STAR parts of a behavioral answer; or,
// when it failed, why and what the candidate can do. Every string from the model is rendered
// as text.
import { html } from '../lib/html.js';
import { useState } from '../vendor/hooks.mjs';
import { t, tv } from '../i18n/index.js';
import { submitAnswer } from '../api.js';
import { Alert, Spinner, errorMessage } from '../lib/ui.js';

/** @typedef {import('../api.js').Evaluation} Evaluation */
/** @typedef {import('../api.js').ReportItem} ReportItem */

/**
 * The report as it stands once `questionId`'s evaluation is tried again: pending, like a new
 * one, until the server says otherwise.
 * @param {import('../api.js').Report | null} report
 * @param {string} questionId
 * @returns {import('../api.js').Report | null}
 */
export function withRetried(report, questionId) {
  if (!report) return report;
  const items = report.items.map((i) => (i.question_id === questionId ? { ...i, status: /** @type {const} */ ('pending'), can_evaluate_again: false } : i));
  return { ...report, complete: false, items };
}

/**
 * An answer whose evaluation failed: the reason in words, and what the candidate can do.
 * While tries remain, the same answer sent again has it evaluated again (the server counts
 * the tries); after that its score stays out of the report.
 * @param {{ item: ReportItem, interviewId: string, onRetried: (questionId: string) => void }} props
 */
export function FailedEvaluation({ item, interviewId, onRetried }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const reason = tv('eval.reason', item.failure_reason ?? 'processing_error', t('eval.reason.processing_error'));
  const retry = async () => {
    if (busy || item.answer == null) return;
    setBusy(true);
    setError(null);
    try {
      await submitAnswer(interviewId, item.question_id, item.answer);
      onRetried(item.question_id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="eval-failed">
    <p><strong>${t('eval.failedTitle')}</strong> ${reason}</p>
    ${item.can_evaluate_again && item.answer != null
      ? html`<p>${t('eval.canRetry')}</p>
          <p class="actions-inline">
            <button type="button" class="btn" onClick=${retry} disabled=${busy} aria-busy=${busy}>
              ${busy ? html`<${Spinner} label=${t('eval.retrying')} />` : t('eval.retry')}
            </button>
          </p>`
      : html`<p>${t('eval.noRetry')}</p>`}
    ${error ? html`<${Alert}>${error}<//>` : null}
  </div>`;
}

/**
 * @param {number} score out of 10
 * @returns {'good' | 'mid' | 'low'}
 */
export function scoreTone(score) {
  return score >= 7 ? 'good' : score >= 4 ? 'mid' : 'low';
}

/** @param {{ score: number, max?: number, label?: string }} props */
export function ScorePill({ score, max = 10, label }) {
  return html`<span class=${`score-pill score-${scoreTone((score / max) * 10)}`}>
    ${label ? html`<span class="sr-only">${label} </span>` : null}<strong>${score}</strong><span class="score-max">/${max}</span>
  </span>`;
}

/**
 * @param {{ evaluation: Evaluation, lang: string, full?: boolean, idPrefix: string }} props
 * `lang` is the interview's language, in which the model wrote.
 */
export function EvaluationView({ evaluation, lang, full = false, idPrefix }) {
  const covered = evaluation.key_points_covered ?? [];
  const missed = evaluation.key_points_missed ?? [];
  const evidence = evaluation.evidence ?? [];
  const details = html`
    ${evaluation.dimensions.length
      ? html`<div class="eval-block">
          <h5>${t('eval.dimensions')}</h5>
          <ul class="dimensions">
            ${evaluation.dimensions.map(
              (d) => html`<li>
                <span class="dim-name">${tv('dimension', d.name, d.name)}</span>
                <span class="dim-bar" aria-hidden="true"><span class=${`dim-fill w-${Math.round((Math.min(d.score, d.max) / Math.max(d.max, 1)) * 20) * 5}`}></span></span>
                <span class="dim-score">${d.score}/${d.max}</span>
                ${d.reason ? html`<span class="dim-reason" lang=${lang}>${d.reason}</span>` : null}
              </li>`,
            )}
          </ul>
        </div>`
      : null}
    ${evaluation.star
      ? html`<div class="eval-block">
          <h5>${t('eval.star')}</h5>
          <ul class="star">
            ${/** @type {const} */ (['situation', 'task', 'action', 'result']).map((part) => {
              const has = evaluation.star?.[part];
              return html`<li class=${has ? 'yes' : 'no'}>
                <span aria-hidden="true">${has ? '✓' : '–'}</span> ${tv('star', part)}
                <span class="sr-only">${has ? t('eval.present') : t('eval.absent')}</span>
              </li>`;
            })}
          </ul>
        </div>`
      : null}
    ${covered.length
      ? html`<div class="eval-block">
          <h5>${t('eval.covered')}</h5>
          <ul class="points points-covered" lang=${lang}>
            ${covered.map((p) => html`<li><span class="mark" aria-hidden="true">✓</span>${p}</li>`)}
          </ul>
        </div>`
      : null}
    ${missed.length
      ? html`<div class="eval-block">
          <h5>${t('eval.missed')}</h5>
          <ul class="points points-missed" lang=${lang}>
            ${missed.map((p) => html`<li><span class="mark" aria-hidden="true">✗</span>${p}</li>`)}
          </ul>
        </div>`
      : null}
    ${evidence.length
      ? html`<div class="eval-block">
          <h5>${t('eval.evidence')}</h5>
          ${evidence.map((quote) => html`<blockquote class="evidence" lang=${lang}>${quote}</blockquote>`)}
        </div>`
      : null}
  `;
  return html`<div class="evaluation">
    <div class="eval-head">
      <${ScorePill} score=${evaluation.score} label=${t('eval.score')} />
      <p class="eval-feedback" lang=${lang}>${evaluation.feedback}</p>
    </div>
    ${full
      ? details
      : html`<details class="eval-details" id=${`${idPrefix}-details`}>
          <summary>${t('eval.details')}</summary>
          ${details}
        </details>`}
  </div>`;
}
