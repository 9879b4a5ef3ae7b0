// Job postings a candidate prepares for: paste one, see the requirements read from it, aim an
// interview at it, delete it. Shown on the CVs screen, beside what the candidate brings.
import { html } from '../lib/html.js';
import { useEffect, useState } from '../vendor/hooks.mjs';
import { t } from '../i18n/index.js';
import { MAX_JOB_TEXT, createJob, deleteJob, listJobs } from '../api.js';
import { Alert, Field, Loading, errorMessage, fieldErrors } from '../lib/ui.js';
import { cx, formatDate } from '../lib/util.js';
import { requirementName } from '../lib/domain.js';

/** @typedef {import('../api.js').JobPosting} JobPosting */

/** @param {{ lang: string, onNotice: (text: string) => void }} props */
export function JobsSection({ lang, onNotice }) {
  const [jobs, setJobs] = useState(/** @type {JobPosting[] | null} */ (null));
  const [loadError, setLoadError] = useState(/** @type {string | null} */ (null));
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    listJobs()
      .then((list) => setJobs(list.items))
      .catch((err) => setLoadError(errorMessage(err)));
  }, []);

  /** @param {JobPosting} job */
  const added = (job) => {
    setJobs((current) => [job, ...(current ?? [])]);
    setAdding(false);
    onNotice(t('jobs.saved'));
  };
  /** @param {string} id */
  const removed = (id) => {
    setJobs((current) => (current ?? []).filter((job) => job.id !== id));
    onNotice(t('jobs.deleted'));
  };

  return html`<section class="card" aria-labelledby="jobs-title">
    <h2 id="jobs-title">${t('jobs.title')}</h2>
    <p class="hint">${t('jobs.sub')}</p>
    ${loadError ? html`<${Alert}>${loadError}<//>` : null}
    ${jobs === null && !loadError ? html`<${Loading} />` : null}
    ${jobs && jobs.length === 0 && !adding ? html`<p class="empty">${t('jobs.none')}</p>` : null}
    ${jobs && jobs.length
      ? html`<ul class="job-list">
          ${jobs.map((job) => html`<${JobItem} key=${job.id} job=${job} lang=${lang} onRemoved=${removed} />`)}
        </ul>`
      : null}
    ${adding
      ? html`<${AddJob} onAdded=${added} onCancel=${() => setAdding(false)} />`
      : html`<button type="button" class="btn" onClick=${() => setAdding(true)}>${t('jobs.add')}</button>`}
  </section>`;
}

/** @param {{ onAdded: (job: JobPosting) => void, onCancel: () => void }} props */
function AddJob({ onAdded, onCancel }) {
  const [title, setTitle] = useState('');
  const [company, setCompany] = useState('');
  const [text, setText] = useState('');
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [saving, setSaving] = useState(false);

  const save = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (saving) return;
    /** @type {Record<string, string>} */
    const found = {};
    if (!title.trim()) found.title = t('jobs.titleMissing');
    if (!text.trim()) found.text = t('jobs.textMissing');
    else if (text.length > MAX_JOB_TEXT) found.text = t('jobs.textTooLong', { max: MAX_JOB_TEXT.toLocaleString() });
    setErrors(found);
    if (Object.keys(found).length) return;
    setSaving(true);
    setError(null);
    try {
      onAdded(await createJob({ title: title.trim(), company: company.trim() || null, text }));
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(fields);
      if (!Object.keys(fields).length) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return html`<form class="job-form" onSubmit=${save} novalidate>
    ${error ? html`<${Alert}>${error}<//>` : null}
    <${Field} id="job-title" label=${t('jobs.titleLabel')} value=${title} onInput=${setTitle} error=${errors.title} maxLength=${200} />
    <${Field} id="job-company" label=${t('jobs.companyLabel')} value=${company} onInput=${setCompany} error=${errors.company} maxLength=${200} />
    <div class=${cx('field', errors.text && 'has-error')}>
      <label for="job-text">${t('jobs.textLabel')}</label>
      <p class="hint" id="job-text-hint">${t('jobs.textHint')}</p>
      <textarea id="job-text" rows="10" value=${text} aria-invalid=${errors.text ? 'true' : undefined}
        aria-describedby=${errors.text ? 'job-text-hint job-text-error' : 'job-text-hint job-text-count'}
        onInput=${(/** @type {Event} */ e) => setText(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)}></textarea>
      <p class="hint" id="job-text-count">${t('cvs.textCount', { count: text.length.toLocaleString(), max: MAX_JOB_TEXT.toLocaleString() })}</p>
      ${errors.text ? html`<p class="field-error" id="job-text-error">${errors.text}</p>` : null}
    </div>
    <div class="actions-inline">
      <button type="submit" class="btn btn-primary" disabled=${saving}>${t('jobs.save')}</button>
      <button type="button" class="btn" onClick=${onCancel}>${t('common.cancel')}</button>
    </div>
  </form>`;
}

/** @param {{ job: JobPosting, lang: string, onRemoved: (id: string) => void }} props */
function JobItem({ job, lang, onRemoved }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {string | null} */ (null));

  const remove = async () => {
    setBusy(true);
    try {
      await deleteJob(job.id);
      onRemoved(job.id);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return html`<li class="job-item">
    <h3>${job.title}</h3>
    <p class="meta">${[job.company, formatDate(job.created_at, lang)].filter(Boolean).join(' · ')}</p>
    ${job.requirements.length
      ? html`<ul class="chips" aria-label=${t('jobs.requirements')}>
          ${job.requirements.map((r) => html`<li class=${`chip chip-${r.kind}`}>${requirementName(r, lang)}</li>`)}
        </ul>`
      : html`<p class="hint">${t('jobs.noRequirements')}</p>`}
    ${error ? html`<${Alert}>${error}<//>` : null}
    <div class="cv-actions">
      <a class="btn btn-primary btn-small" href=${`#/interviews/new?job=${encodeURIComponent(job.id)}`}>${t('jobs.aim')}</a>
      ${confirming
        ? null
        : html`<button type="button" class="btn btn-small btn-danger-quiet" onClick=${() => setConfirming(true)}>
            ${t('cvs.delete')}<span class="sr-only"> ${job.title}</span>
          </button>`}
    </div>
    ${confirming
      ? html`<div class="confirm" role="group" aria-label=${t('cvs.deleteConfirmLabel')}>
          <p>${t('jobs.deleteConfirm', { title: job.title })}</p>
          <div class="actions-inline">
            <button type="button" class="btn btn-danger btn-small" disabled=${busy} onClick=${remove}>${t('jobs.deleteYes')}</button>
            <button type="button" class="btn btn-small" onClick=${() => setConfirming(false)}>${t('common.cancel')}</button>
          </div>
        </div>`
      : null}
  </li>`;
}
