// The report: overall score, scores by kind, topic and competency as charts, strengths, what
// to improve, and every question with the answer, its evaluation and the example answer.
// Download as Markdown; print cleanly to PDF.
import { html } from '../lib/html.js';
import { useEffect, useState } from '../vendor/hooks.mjs';
import { t, tv } from '../i18n/index.js';
import { MAX_ANSWER, report as getReport, reportMarkdown, retryAnswer } from '../api.js';
import { Alert, Badge, Loading, PageTitle, Spinner, errorMessage } from '../lib/ui.js';
import { formatScore, isAbort, pollDelay } from '../lib/util.js';
import { requirementName } from '../lib/domain.js';
import { BarChart } from './charts.js';
import { EvaluationView, FailedEvaluation, scoreTone, withRetried } from './evaluation.js';

/** @typedef {import('../api.js').Report} Report */
/** @typedef {import('../api.js').GroupScore} GroupScore */

/**
 * @param {Record<string, GroupScore>} groups
 * @param {string} prefix catalogue prefix for the group names
 */
function rows(groups, prefix) {
  return Object.entries(groups)
    .map(([name, g]) => ({
      label: tv(prefix, name, name),
      score: g.score,
      note: t('report.answers', { count: g.answers }),
    }))
    .sort((a, b) => b.score - a.score);
}

/** @type {Record<string, 'ok' | 'progress' | 'bad' | 'neutral'>} */
const SHOWN_TONE = { strong: 'ok', partial: 'progress', weak: 'bad', pending: 'neutral', not_asked: 'neutral' };

/**
 * How the interview bears on the job it was aimed at: one row per requirement.
 * @param {{ fit: import('../api.js').Fit, items: Report['items'], uiLang: string }} props
 */
function FitSection({ fit, items, uiLang }) {
  /** @param {string} questionId */
  const number = (questionId) => items.findIndex((item) => item.question_id === questionId) + 1;
  return html`<section class="card fit" aria-labelledby="fit-title">
    <h2 id="fit-title">${t('report.fit', { title: fit.title })}</h2>
    <p class="hint">${t('report.fitSub')}</p>
    <ul class="fit-list">
      ${fit.requirements.map(
        (r) => html`<li class="fit-row" key=${r.id}>
          <div class="fit-name">
            <strong>${requirementName(r, uiLang)}</strong>
            <span class="meta">${r.in_cv ? t('report.inCv') : t('report.notInCv')}${r.question_ids.length
              ? ` · ${r.question_ids.map((q) => `Q${number(q)}`).join(', ')}`
              : ''}</span>
          </div>
          <div class="fit-verdict">
            ${r.score != null ? html`<span class=${`fit-score score-${scoreTone(r.score)}`}>${formatScore(r.score)}</span>` : null}
            <${Badge} tone=${SHOWN_TONE[r.shown]}>${t(/** @type {any} */ (`report.shown.${r.shown}`))}<//>
          </div>
        </li>`,
      )}
    </ul>
  </section>`;
}

/**
 * A question answered again: each attempt with its change against the first answer, and a
 * form for another attempt while any are left.
 * @param {{ item: Report['items'][number], interviewId: string, lang: string, onSent: () => void }} props
 */
function Retries({ item, interviewId, lang, onSent }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [sending, setSending] = useState(false);
  const retries = item.retries ?? [];
  const left = item.retries_left;
  const boxId = `retry-${item.question_id}`;

  const send = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (sending) return;
    if (!text.trim()) {
      setError(t('interview.empty'));
      return;
    }
    setSending(true);
    setError(null);
    try {
      await retryAnswer(interviewId, item.question_id, text);
      setText('');
      setOpen(false);
      onSent();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  return html`<div class="item-block retries">
    ${retries.map(
      (retry) => html`<div class="retry" key=${retry.attempt}>
        <h4>${t('report.attempt', { n: retry.attempt })}</h4>
        <p class="answer-text" lang=${lang}>${retry.answer}</p>
        ${retry.status === 'pending' ? html`<${Badge} tone="progress">${t('eval.pending')}<//>` : null}
        ${retry.status === 'failed'
          ? html`<p class="eval-failed">${t('eval.failedTitle')} ${tv('eval.reason', retry.failure_reason ?? 'processing_error')}</p>`
          : null}
        ${retry.evaluation
          ? html`<p class="retry-change">
              <span class=${`fit-score score-${scoreTone(retry.evaluation.score)}`}>${retry.evaluation.score}/10</span>
              ${retry.score_change != null
                ? html` <${Badge} tone=${retry.score_change > 0 ? 'ok' : retry.score_change < 0 ? 'bad' : 'neutral'}>${t('report.scoreChange', {
                    change: `${retry.score_change > 0 ? '+' : ''}${retry.score_change}`,
                  })}<//>`
                : null}
            </p>
            ${retry.key_points_gained && retry.key_points_gained.length
              ? html`<p class="hint" lang=${lang}>${t('report.gained', { points: retry.key_points_gained.join('; ') })}</p>`
              : null}
            <p lang=${lang}>${retry.evaluation.feedback}</p>`
          : null}
      </div>`,
    )}
    ${left > 0 && !open
      ? html`<p class="no-print"><button type="button" class="btn btn-small" onClick=${() => setOpen(true)}>${t('report.retry')}</button>
          <span class="hint"> ${t('report.retriesLeft', { count: left })}</span></p>`
      : null}
    ${open
      ? html`<form class="retry-form no-print" onSubmit=${send} novalidate>
          <label for=${boxId}>${t('report.retryLabel')}</label>
          <textarea id=${boxId} rows="6" maxLength=${MAX_ANSWER} value=${text} lang=${lang}
            aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `${boxId}-error` : undefined}
            onInput=${(/** @type {Event} */ ev) => setText(/** @type {HTMLTextAreaElement} */ (ev.currentTarget).value)}></textarea>
          ${error ? html`<p class="field-error" id=${`${boxId}-error`}>${error}</p>` : null}
          <div class="actions-inline">
            <button type="submit" class="btn btn-primary btn-small" disabled=${sending}>${t('report.retrySend')}</button>
            <button type="button" class="btn btn-small" onClick=${() => setOpen(false)}>${t('common.cancel')}</button>
          </div>
        </form>`
      : null}
  </div>`;
}

/** @param {{ id: string, lang: string }} props */
export function ReportScreen({ id, lang: uiLang }) {
  const [rep, setRep] = useState(/** @type {Report | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState(/** @type {string | null} */ (null));
  // Bumped when a question is answered again or an evaluation is tried again, so the report
  // is polled until what was sent is evaluated.
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      let backoff = 1.5;
      try {
        for (;;) {
          const fresh = await getReport(id, controller.signal);
          setRep(fresh);
          const waiting = fresh.items.some(
            (i) => i.status === 'pending' || (i.retries ?? []).some((r) => r.status === 'pending'),
          );
          if (!waiting) return;
          await pollDelay({ backoff, cap: 10, signal: controller.signal });
          backoff = Math.min(backoff * 1.5, 10);
        }
      } catch (err) {
        if (!isAbort(err)) setError(errorMessage(err));
      }
    })();
    return () => controller.abort();
  }, [id, tick]);

  /** @param {string} qid */
  const onRetried = (qid) => {
    setRep((r) => withRetried(r, qid));
    setTick((n) => n + 1);
  };

  const download = async () => {
    if (downloading) return;
    setDownloading(true);
    setDownloadError(null);
    try {
      const markdown = await reportMarkdown(id);
      const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `interview-report-${id}.md`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) {
      setDownloadError(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  };

  if (error && !rep) return html`<div class="stack"><${PageTitle}>${t('report.title')}<//><${Alert}>${error}<//></div>`;
  if (!rep) return html`<div class="stack"><${PageTitle}>${t('report.title')}<//><${Loading} /></div>`;

  const lang = rep.lang;
  const byKind = rows(rep.scores_by_kind, 'kind');
  const byTopic = rows(rep.scores_by_topic, 'topic');
  const byCompetency = rows(rep.scores_by_competency, 'competency');
  const pending = rep.items.filter((i) => i.status === 'pending').length;
  const unanswered = rep.items.filter((i) => i.status === 'unanswered').length;

  return html`<article class="report stack">
    <div class="report-head">
      <${PageTitle} sub=${`${tv('position', rep.position)} · ${t(lang === 'ko' ? 'lang.ko' : 'lang.en')}`}>${t('report.title')}<//>
      <div class="report-actions no-print">
        <button type="button" class="btn" onClick=${download} disabled=${downloading}>${t('report.download')}</button>
        <button type="button" class="btn" onClick=${() => window.print()}>${t('report.print')}</button>
      </div>
    </div>
    ${downloadError ? html`<${Alert}>${downloadError}<//>` : null}
    ${pending
      ? html`<div class="alert alert-info no-print" role="status"><${Spinner} label=${t('report.pending', { count: pending })} /></div>`
      : null}
    ${unanswered && rep.status === 'in_progress'
      ? html`<div class="alert alert-info no-print">
          <p>${t('report.unfinished', { count: unanswered })}</p>
          <p><a href=${`#/interviews/${encodeURIComponent(id)}`}>${t('report.continue')}</a></p>
        </div>`
      : null}

    <section class="card overall" aria-labelledby="overall-title">
      <div class="overall-score">
        <h2 id="overall-title">${t('report.overall')}</h2>
        ${rep.score != null
          ? html`<p class=${`big-score score-${scoreTone(rep.score)}`}><span>${formatScore(rep.score)}</span><small>/10</small></p>`
          : html`<p class="big-score muted">–</p>`}
        <p class="hint">${rep.complete ? t('report.final') : t('report.provisional')}</p>
      </div>
      <div class="overall-charts">
        ${byKind.length ? html`<${BarChart} id="chart-kind" title=${t('report.byKind')} rows=${byKind} />` : null}
      </div>
    </section>

    ${byTopic.length || byCompetency.length
      ? html`<section class="card charts" aria-labelledby="charts-title">
          <h2 id="charts-title">${t('report.breakdown')}</h2>
          <div class="chart-grid">
            ${byTopic.length ? html`<${BarChart} id="chart-topic" title=${t('report.byTopic')} rows=${byTopic} />` : null}
            ${byCompetency.length ? html`<${BarChart} id="chart-competency" title=${t('report.byCompetency')} rows=${byCompetency} />` : null}
          </div>
        </section>`
      : null}

    ${rep.fit ? html`<${FitSection} fit=${rep.fit} items=${rep.items} uiLang=${uiLang} />` : null}

    <div class="two-col">
      <section class="card" aria-labelledby="strengths-title">
        <h2 id="strengths-title">${t('report.strengths')}</h2>
        ${rep.strengths.length
          ? html`<ul class="plain-list good" lang=${lang}>${rep.strengths.map((s) => html`<li>${s}</li>`)}</ul>`
          : html`<p class="empty">${t('report.noStrengths')}</p>`}
      </section>
      <section class="card" aria-labelledby="improve-title">
        <h2 id="improve-title">${t('report.improvements')}</h2>
        ${rep.improvements.length
          ? html`<ul class="plain-list improve" lang=${lang}>${rep.improvements.map((s) => html`<li>${s}</li>`)}</ul>`
          : html`<p class="empty">${t('report.noImprovements')}</p>`}
      </section>
    </div>

    <section aria-labelledby="questions-title" class="report-questions">
      <h2 id="questions-title">${t('report.questions')}</h2>
      <ol class="report-items">
        ${rep.items.map(
          (item, i) => html`<li class=${item.follows ? 'card report-item report-follow-up' : 'card report-item'} key=${item.question_id}>
            <div class="item-head">
              <p class="item-meta">
                ${item.follows
                  ? t('interview.followUpOf', { n: rep.items.findIndex((other) => other.question_id === item.follows) + 1 })
                  : t('interview.questionOf', { n: i + 1, total: rep.items.length })} · ${tv('kind', item.kind)}
                ${item.topic ? ` · ${tv('topic', item.topic)}` : ''}${item.competency ? ` · ${tv('competency', item.competency)}` : ''}
              </p>
              ${item.status === 'pending' ? html`<${Badge} tone="progress">${t('eval.pending')}<//>` : null}
              ${item.status === 'unanswered' ? html`<${Badge} tone="neutral">${t('report.notAnswered')}<//>` : null}
              ${item.status === 'failed' ? html`<${Badge} tone="bad">${t('eval.failedShort')}<//>` : null}
            </div>
            <h3 class="item-question" lang=${lang}>${item.question ?? t('report.questionMissing')}</h3>
            ${item.answer != null
              ? html`<div class="item-block">
                  <h4>${t('report.yourAnswer')}</h4>
                  <p class="answer-text" lang=${lang}>${item.answer}</p>
                </div>`
              : null}
            ${item.evaluation
              ? html`<div class="item-block">
                  <h4>${t('report.evaluation')}</h4>
                  <${EvaluationView} evaluation=${item.evaluation} lang=${lang} full=${true} idPrefix=${`rep-${item.question_id}`} />
                </div>`
              : null}
            ${item.status === 'failed' ? html`<${FailedEvaluation} item=${item} interviewId=${id} onRetried=${onRetried} />` : null}
            ${item.status === 'evaluated'
              ? html`<${Retries} item=${item} interviewId=${id} lang=${lang} onSent=${() => setTick((n) => n + 1)} />`
              : null}
            ${item.example_answer
              ? html`<div class="item-block example">
                  <h4>${t('report.example')}</h4>
                  <p lang=${lang}>${item.example_answer}</p>
                </div>`
              : null}
            ${item.key_points && item.key_points.length && !item.evaluation
              ? html`<div class="item-block">
                  <h4>${t('practice.keyPoints')}</h4>
                  <ul class="plain-list" lang=${lang}>${item.key_points.map((k) => html`<li>${k}</li>`)}</ul>
                </div>`
              : null}
          </li>`,
        )}
      </ol>
    </section>
  </article>`;
}
