// Practice: browse the question bank by position, topic and difficulty (or behavioral
// competency), with example answers and key points, paged with next_cursor.
import { html } from '../lib/html.js';
import { useEffect, useState } from '../vendor/hooks.mjs';
import { t, tv } from '../i18n/index.js';
import { browseQuestions } from '../api.js';
import { Alert, Loading, PageTitle, Spinner, errorMessage } from '../lib/ui.js';
import { COMPETENCIES, POSITIONS, TOPICS } from '../lib/domain.js';

/** @typedef {import('../api.js').BankQuestionView} BankQuestionView */
/** @typedef {import('../api.js').BrowseQuery} BrowseQuery */

const DIFFICULTIES = ['junior', 'mid', 'senior'];
const PAGE = 10;

/** @param {{ lang: string }} props */
export function PracticeScreen({ lang }) {
  /**
   * @typedef {{ kind: NonNullable<BrowseQuery['kind']>, position: NonNullable<BrowseQuery['position']>,
   *   topic: BrowseQuery['topic'] | '', difficulty: BrowseQuery['difficulty'] | '', competency: BrowseQuery['competency'] | '',
   *   lang: NonNullable<BrowseQuery['lang']> }} Filters
   */
  const [filters, setFilters] = useState(/** @type {Filters} */ ({
    kind: 'technical',
    position: 'be',
    topic: '',
    difficulty: '',
    competency: '',
    lang: lang === 'ko' ? 'ko' : 'en',
  }));
  const [items, setItems] = useState(/** @type {BankQuestionView[] | null} */ (null));
  const [cursor, setCursor] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);

  /** @returns {BrowseQuery} */
  const query = () => {
    const technical = filters.kind === 'technical';
    return {
      kind: filters.kind,
      position: technical ? filters.position : undefined,
      topic: technical && filters.topic ? filters.topic : undefined,
      difficulty: technical && filters.difficulty ? filters.difficulty : undefined,
      competency: !technical && filters.competency ? filters.competency : undefined,
      lang: filters.lang,
      limit: PAGE,
    };
  };

  useEffect(() => {
    let live = true;
    setItems(null);
    setError(null);
    browseQuestions(query())
      .then((page) => {
        if (!live) return;
        setItems(page.items);
        setCursor(page.next_cursor ?? null);
      })
      .catch((err) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [filters.kind, filters.position, filters.topic, filters.difficulty, filters.competency, filters.lang]);

  const more = async () => {
    if (!cursor || busy) return;
    setBusy(true);
    try {
      const page = await browseQuestions({ ...query(), cursor });
      setItems((current) => [...(current ?? []), ...page.items]);
      setCursor(page.next_cursor ?? null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  /**
   * A select's value, one of the options the page rendered from the contract's values.
   * @param {keyof Filters} key
   */
  const set = (key) => (/** @type {Event} */ e) => {
    const value = /** @type {HTMLSelectElement} */ (e.currentTarget).value;
    setFilters((f) => /** @type {Filters} */ ({ ...f, [key]: value, ...(key === 'position' ? { topic: '' } : {}) }));
  };

  const technical = filters.kind === 'technical';
  const topics = TOPICS[filters.position] ?? [];

  return html`<div class="stack">
    <${PageTitle} sub=${t('practice.sub')}>${t('practice.title')}<//>
    <form class="card filters" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()} aria-label=${t('practice.filters')}>
      <div class="filter-grid">
        <div class="field">
          <label for="f-kind">${t('practice.kind')}</label>
          <select id="f-kind" value=${filters.kind} onChange=${set('kind')}>
            <option value="technical">${tv('kind', 'technical')}</option>
            <option value="behavioral">${tv('kind', 'behavioral')}</option>
          </select>
        </div>
        ${technical
          ? html`<div class="field">
                <label for="f-position">${t('practice.position')}</label>
                <select id="f-position" value=${filters.position} onChange=${set('position')}>
                  ${POSITIONS.map((p) => html`<option value=${p}>${tv('position', p)}</option>`)}
                </select>
              </div>
              <div class="field">
                <label for="f-topic">${t('practice.topic')}</label>
                <select id="f-topic" value=${filters.topic} onChange=${set('topic')}>
                  <option value="">${t('practice.anyTopic')}</option>
                  ${topics.map((topic) => html`<option value=${topic}>${tv('topic', topic)}</option>`)}
                </select>
              </div>
              <div class="field">
                <label for="f-difficulty">${t('practice.difficulty')}</label>
                <select id="f-difficulty" value=${filters.difficulty} onChange=${set('difficulty')}>
                  <option value="">${t('practice.anyDifficulty')}</option>
                  ${DIFFICULTIES.map((d) => html`<option value=${d}>${tv('difficulty', d)}</option>`)}
                </select>
              </div>`
          : html`<div class="field">
              <label for="f-competency">${t('practice.competency')}</label>
              <select id="f-competency" value=${filters.competency} onChange=${set('competency')}>
                <option value="">${t('practice.anyCompetency')}</option>
                ${COMPETENCIES.map((c) => html`<option value=${c}>${tv('competency', c)}</option>`)}
              </select>
            </div>`}
        <div class="field">
          <label for="f-lang">${t('practice.lang')}</label>
          <select id="f-lang" value=${filters.lang} onChange=${set('lang')}>
            <option value="en">${t('lang.en')}</option>
            <option value="ko">${t('lang.ko')}</option>
          </select>
        </div>
      </div>
    </form>
    ${error ? html`<${Alert}>${error}<//>` : null}
    ${items === null && !error ? html`<${Loading} />` : null}
    ${items && items.length === 0 ? html`<p class="empty card">${t('practice.none')}</p>` : null}
    ${items && items.length
      ? html`<ol class="practice-list" aria-label=${t('practice.results')}>
          ${items.map((q) => html`<${PracticeItem} key=${q.id} question=${q} lang=${filters.lang} />`)}
        </ol>`
      : null}
    ${cursor
      ? html`<div class="actions center">
          <button type="button" class="btn" onClick=${more} disabled=${busy}>
            ${busy ? html`<${Spinner} />` : null}<span>${t('practice.more')}</span>
          </button>
        </div>`
      : null}
  </div>`;
}

/** @param {{ question: BankQuestionView, lang: string }} props */
function PracticeItem({ question, lang }) {
  const tags = [
    question.position ? tv('position', question.position) : null,
    question.topic ? tv('topic', question.topic) : null,
    question.difficulty ? tv('difficulty', question.difficulty) : null,
    question.competency ? tv('competency', question.competency) : null,
  ].filter(Boolean);
  const hasMore = !!question.example_answer || (question.key_points?.length ?? 0) > 0;
  return html`<li class="card practice-item">
    <p class="tags">${tags.map((tag) => html`<span class="tag">${tag}</span>`)}</p>
    <h2 class="practice-q" lang=${lang}>${question.text}</h2>
    ${hasMore
      ? html`<details class="practice-more">
          <summary>${t('practice.show')}</summary>
          ${question.example_answer
            ? html`<div class="item-block">
                <h3>${t('report.example')}</h3>
                <p lang=${lang}>${question.example_answer}</p>
              </div>`
            : null}
          ${question.key_points?.length
            ? html`<div class="item-block">
                <h3>${t('practice.keyPoints')}</h3>
                <ul class="plain-list" lang=${lang}>${question.key_points.map((k) => html`<li>${k}</li>`)}</ul>
              </div>`
            : null}
        </details>`
      : html`<p class="hint">${t('practice.behavioralHint')}</p>`}
  </li>`;
}
