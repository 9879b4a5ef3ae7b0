// History: progress by topic and competency (weakest first, with a way to practise them),
// past interviews with their scores and a trend chart; any report opens from here.
import { html } from '../lib/html.js';
import { useEffect, useState } from '../vendor/hooks.mjs';
import { t, tv } from '../i18n/index.js';
import { history, myProgress } from '../api.js';
import { Alert, Badge, Loading, PageTitle, errorMessage } from '../lib/ui.js';
import { formatDate, formatScore, formatShortDate, formatTime } from '../lib/util.js';
import { BarChart, TrendChart } from './charts.js';
import { scoreTone } from './evaluation.js';

/** @typedef {import('../api.js').HistoryEntry} HistoryEntry */

/** @param {{ lang: string }} props */
export function HistoryScreen({ lang }) {
  const [items, setItems] = useState(/** @type {HistoryEntry[] | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [progress, setProgress] = useState(/** @type {import('../api.js').Progress | null} */ (null));

  useEffect(() => {
    history()
      .then((h) => setItems(h.items))
      .catch((err) => setError(errorMessage(err)));
    // Progress is extra: the history shows without it.
    myProgress().then(setProgress, () => {});
  }, []);

  if (error) return html`<div class="stack"><${PageTitle}>${t('history.title')}<//><${Alert}>${error}<//></div>`;
  if (!items) return html`<div class="stack"><${PageTitle}>${t('history.title')}<//><${Loading} /></div>`;

  const scored = items
    .filter((i) => i.score != null)
    .slice()
    .reverse()
    .map((i) => ({
      label: formatShortDate(i.created_at, lang),
      score: /** @type {number} */ (i.score),
      href: `#/reports/${encodeURIComponent(i.id)}`,
      at: i.created_at,
    }));
  // Several interviews on one day: tell them apart by the time.
  if (new Set(scored.map((p) => p.label)).size < scored.length) {
    for (const point of scored) point.label = `${formatShortDate(point.at, lang)} ${formatTime(point.at, lang)}`;
  }

  return html`<div class="stack">
    <${PageTitle} sub=${t('history.sub')}>${t('history.title')}<//>
    ${items.length === 0
      ? html`<section class="card">
          <p class="empty">${t('history.none')}</p>
          <p><a class="btn btn-primary" href="#/interviews/new">${t('nav.newInterview')}</a></p>
        </section>`
      : html`
          <section class="card">
            <${TrendChart} id="trend" title=${t('history.trend')} points=${scored} emptyText=${t('history.noScores')} />
          </section>
          ${progress && progress.areas.length ? html`<${ProgressSection} progress=${progress} />` : null}
          <section class="card" aria-labelledby="past-title">
            <h2 id="past-title">${t('history.past')}</h2>
            <ul class="history-list">
              ${items.map((item) => {
                const labelId = `h-${item.id}`;
                return html`<li class="history-item">
                  <div class="history-main">
                    <p class="history-title" id=${labelId}>
                      <strong>${tv('position', item.position)}</strong> · ${t(item.lang === 'ko' ? 'lang.ko' : 'lang.en')}
                    </p>
                    <p class="meta">${formatDate(item.created_at, lang)} · ${t('history.answered', { answered: item.answered, total: item.questions })}</p>
                  </div>
                  <div class="history-score">
                    ${item.score != null
                      ? html`<span class=${`score-pill score-${scoreTone(item.score)}`}><strong>${formatScore(item.score)}</strong><span class="score-max">/10</span></span>`
                      : item.status === 'completed'
                        ? html`<${Badge} tone="progress">${t('history.scoring')}<//>`
                        : html`<${Badge} tone="neutral">${t('history.inProgress')}<//>`}
                  </div>
                  <div class="history-actions">
                    ${item.status === 'in_progress'
                      ? html`<a class="btn btn-small" href=${`#/interviews/${encodeURIComponent(item.id)}`} aria-describedby=${labelId}>${t('history.continue')}</a>`
                      : null}
                    <a class="btn btn-small btn-primary" href=${`#/reports/${encodeURIComponent(item.id)}`} aria-describedby=${labelId}>${t('history.report')}</a>
                  </div>
                </li>`;
              })}
            </ul>
          </section>
        `}
  </div>`;
}

/**
 * Each topic and competency over the latest interviews, weakest first, with its trend.
 * @param {{ progress: import('../api.js').Progress }} props
 */
function ProgressSection({ progress }) {
  const rows = progress.areas.map((area) => {
    const trend =
      area.trend == null
        ? ''
        : ` · ${area.trend > 0 ? '↑' : area.trend < 0 ? '↓' : '→'} ${area.trend > 0 ? '+' : ''}${formatScore(area.trend)}`;
    return {
      label: tv(area.kind, area.name, area.name),
      score: area.score,
      note: `${t('report.answers', { count: area.answers })}${trend}`,
    };
  });
  return html`<section class="card" aria-labelledby="progress-title">
    <h2 id="progress-title">${t('history.progress')}</h2>
    <p class="hint">${t('history.progressSub', { count: progress.interviews })}</p>
    <${BarChart} id="chart-progress" title=${t('history.progressChart')} rows=${rows} />
    <p><a class="btn btn-primary" href="#/interviews/new?focus=weak">${t('history.practiseWeak')}</a></p>
  </section>`;
}
