// Start an interview: the CV, the position, the interview's language, the job posting it is
// aimed at if any, and how many questions of each kind, with the interviews left shown before
// starting.
import { html } from '../lib/html.js';
import { useEffect, useState } from '../vendor/hooks.mjs';
import { t, tv } from '../i18n/index.js';
import { ApiError, createInterview, listCvs, listJobs, me } from '../api.js';
import { Alert, Loading, PageTitle, errorMessage, fieldErrors } from '../lib/ui.js';
import { hashParam, navigate } from '../router.js';
import { POSITIONS, cvTitle } from '../lib/domain.js';
import { formatDate, store } from '../lib/util.js';

/** @typedef {import('../api.js').CvRecord} CvRecord */
/** @typedef {import('../api.js').Position} Position */
/** @typedef {import('../api.js').Lang} Lang */
/** @typedef {import('../api.js').Profile} Profile */

const COUNTS = /** @type {const} */ ([
  { key: 'technical', min: 1, max: 10, initial: 3 },
  { key: 'behavioral', min: 0, max: 5, initial: 2 },
  { key: 'personal', min: 0, max: 5, initial: 5 },
  { key: 'follow_ups', min: 0, max: 5, initial: 3 },
]);

/** @param {{ lang: string }} props */
export function NewInterviewScreen({ lang }) {
  const [cvs, setCvs] = useState(/** @type {CvRecord[] | null} */ (null));
  const [profile, setProfile] = useState(/** @type {Profile | null} */ (null));
  const [loadError, setLoadError] = useState(/** @type {string | null} */ (null));
  const [cvId, setCvId] = useState('');
  const [jobs, setJobs] = useState(/** @type {import('../api.js').JobPosting[]} */ ([]));
  const [jobId, setJobId] = useState('');
  const [focusWeak, setFocusWeak] = useState(() => hashParam('focus') === 'weak');
  const [position, setPosition] = useState(/** @type {Position} */ (/** @type {any} */ (store.get('cyi.position')) || 'be'));
  const [ivLang, setIvLang] = useState(/** @type {Lang} */ (lang === 'ko' ? 'ko' : 'en'));
  const [counts, setCounts] = useState({ technical: '3', behavioral: '2', personal: '5', follow_ups: '3' });
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [error, setError] = useState(/** @type {{ title?: string, text: string } | null} */ (null));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([listCvs(), me(), listJobs()])
      .then(([list, profile, jobList]) => {
        const ready = list.items.filter((cv) => cv.status === 'ready');
        setCvs(ready);
        setProfile(profile);
        const wanted = hashParam('cv');
        setCvId(ready.find((cv) => cv.id === wanted)?.id ?? ready[0]?.id ?? '');
        setJobs(jobList.items);
        const wantedJob = hashParam('job');
        setJobId(jobList.items.find((job) => job.id === wantedJob)?.id ?? '');
      })
      .catch((err) => setLoadError(errorMessage(err)));
  }, []);

  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (busy) return;
    /** @type {Record<string, string>} */
    const found = {};
    /** @type {Record<string, number>} */
    const numbers = {};
    for (const { key, min, max } of COUNTS) {
      const value = Number(counts[key]);
      if (!Number.isInteger(value) || value < min || value > max) found[key] = t('newInterview.countRange', { min, max });
      numbers[key] = value;
    }
    if (!cvId) found.cv_id = t('newInterview.pickCv');
    setErrors(found);
    if (Object.keys(found).length) {
      setError({ text: t('signup.fix') });
      return;
    }
    setBusy(true);
    setError(null);
    store.set('cyi.position', position);
    try {
      const interview = await createInterview({
        cv_id: cvId,
        position,
        lang: ivLang,
        technical: numbers.technical,
        behavioral: numbers.behavioral,
        personal: numbers.personal,
        follow_ups: numbers.follow_ups,
        focus: focusWeak ? 'weak' : null,
        job_id: jobId || null,
      });
      navigate(`#/interviews/${encodeURIComponent(interview.id)}`);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'quota_exhausted') {
        setError({ title: t('newInterview.quotaTitle'), text: t('newInterview.quotaBody') });
        setProfile((p) => (p ? { ...p, interviews_left: 0 } : p));
        return;
      }
      const fields = fieldErrors(err);
      setErrors(fields);
      setError({ text: Object.keys(fields).length ? t('signup.fix') : errorMessage(err) });
    }
  };

  if (loadError) return html`<div class="stack"><${PageTitle}>${t('newInterview.title')}<//><${Alert}>${loadError}<//></div>`;
  if (!cvs || !profile) return html`<div class="stack"><${PageTitle}>${t('newInterview.title')}<//><${Loading} /></div>`;

  const left = profile.interviews_left;
  const total = profile.interviews_used + profile.interviews_left;

  return html`<div class="stack">
    <${PageTitle} sub=${t('newInterview.sub')}>${t('newInterview.title')}<//>
    <div class=${left > 0 ? 'quota' : 'quota quota-out'} role="status">
      ${left > 0
        ? html`<p><strong>${t('newInterview.left', { left, total })}</strong> ${t('newInterview.leftNote')}</p>`
        : html`<p><strong>${t('newInterview.quotaTitle')}</strong> ${t('newInterview.quotaBody')}</p>`}
    </div>
    ${cvs.length === 0
      ? html`<section class="card">
          <h2>${t('newInterview.noCvTitle')}</h2>
          <p>${t('newInterview.noCv')}</p>
          <p><a class="btn btn-primary" href="#/cvs">${t('newInterview.goCvs')}</a></p>
        </section>`
      : html`<form class="card form-grid" onSubmit=${submit} novalidate>
          ${error ? html`<${Alert} title=${error.title}>${error.text}<//>` : null}
          <div class=${errors.cv_id ? 'field has-error' : 'field'}>
            <label for="iv-cv">${t('newInterview.cv')}</label>
            <select id="iv-cv" value=${cvId} onChange=${(/** @type {Event} */ e) => setCvId(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
              aria-invalid=${errors.cv_id ? 'true' : undefined} aria-describedby=${errors.cv_id ? 'iv-cv-error' : undefined}>
              ${cvs.map((cv) => html`<option value=${cv.id}>${cvTitle(cv)} · ${formatDate(cv.created_at, lang)}</option>`)}
            </select>
            ${errors.cv_id ? html`<p class="field-error" id="iv-cv-error">${errors.cv_id}</p>` : null}
          </div>
          ${jobs.length
            ? html`<div class=${errors.job_id ? 'field has-error' : 'field'}>
                <label for="iv-job">${t('newInterview.job')}</label>
                <p class="hint" id="iv-job-hint">${t('newInterview.jobHint')}</p>
                <select id="iv-job" value=${jobId} aria-describedby=${errors.job_id ? 'iv-job-hint iv-job-error' : 'iv-job-hint'}
                  onChange=${(/** @type {Event} */ e) => setJobId(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
                  <option value="">${t('newInterview.noJob')}</option>
                  ${jobs.map((job) => html`<option value=${job.id}>${[job.title, job.company].filter(Boolean).join(' · ')}</option>`)}
                </select>
                ${errors.job_id ? html`<p class="field-error" id="iv-job-error">${errors.job_id}</p>` : null}
              </div>`
            : null}
          <fieldset class="field choice-group">
            <legend>${t('newInterview.position')}</legend>
            <div class="choices">
              ${POSITIONS.map(
                (p) => html`<label class="choice">
                  <input type="radio" name="position" value=${p} checked=${position === p} onChange=${() => setPosition(p)} />
                  <span>${tv('position', p)}</span>
                </label>`,
              )}
            </div>
          </fieldset>
          <div class="field">
            <label for="iv-lang">${t('newInterview.lang')}</label>
            <p class="hint" id="iv-lang-hint">${t('newInterview.langHint')}</p>
            <select id="iv-lang" value=${ivLang} aria-describedby="iv-lang-hint"
              onChange=${(/** @type {Event} */ e) => setIvLang(/** @type {Lang} */ (/** @type {HTMLSelectElement} */ (e.currentTarget).value))}>
              <option value="en">${t('lang.en')}</option>
              <option value="ko">${t('lang.ko')}</option>
            </select>
          </div>
          <div class="field setting-check">
            <input type="checkbox" id="iv-focus" checked=${focusWeak} aria-describedby="iv-focus-hint"
              onChange=${(/** @type {Event} */ e) => setFocusWeak(/** @type {HTMLInputElement} */ (e.currentTarget).checked)} />
            <label for="iv-focus">${t('newInterview.focusWeak')}</label>
            <p class="hint" id="iv-focus-hint">${t('newInterview.focusWeakHint')}</p>
          </div>
          <fieldset class="field counts">
            <legend>${t('newInterview.counts')}</legend>
            <div class="count-grid">
              ${COUNTS.map(
                ({ key, min, max }) => html`<div class=${errors[key] ? 'field has-error' : 'field'}>
                  <label for=${`iv-${key}`}>${key === 'follow_ups' ? t('newInterview.followUps') : tv('kind.plural', key)}</label>
                  <p class="hint" id=${`iv-${key}-hint`}>${t('newInterview.countRange', { min, max })}</p>
                  <input id=${`iv-${key}`} type="number" inputMode="numeric" min=${min} max=${max} step="1" value=${counts[key]}
                    aria-invalid=${errors[key] ? 'true' : undefined}
                    aria-describedby=${errors[key] ? `iv-${key}-error` : `iv-${key}-hint`}
                    onInput=${(/** @type {Event} */ e) => setCounts({ ...counts, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />
                  ${errors[key] ? html`<p class="field-error" id=${`iv-${key}-error`}>${errors[key]}</p>` : null}
                </div>`,
              )}
            </div>
            <p class="hint">${t('newInterview.countsHint')}</p>
          </fieldset>
          <div class="actions">
            <button type="submit" class="btn btn-primary btn-large" disabled=${busy || left <= 0}>${t('newInterview.start')}</button>
          </div>
        </form>`}
  </div>`;
}
