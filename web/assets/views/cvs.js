// CVs: upload a PDF or Word file (drag-and-drop or the file picker) or paste text, watch
// extraction, read and correct the extracted text, delete.
import { html } from '../lib/html.js';
import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { t } from '../i18n/index.js';
import { cvFailureText, cvTitle } from '../lib/domain.js';
import { MAX_CV_TEXT, MAX_PDF_BYTES, correctCvText, createTextCv, deleteCv, getCv, listCvs, uploadCvFile } from '../api.js';
import { Alert, Badge, Loading, PageTitle, Spinner, errorMessage, fieldErrors } from '../lib/ui.js';
import { cx, formatBytes, formatDate, isAbort, pollDelay } from '../lib/util.js';
import { JobsSection } from './jobs.js';

/** @typedef {import('../api.js').CvRecord} CvRecord */

/** @param {{ lang: string }} props */
export function CvsScreen({ lang }) {
  const [cvs, setCvs] = useState(/** @type {CvRecord[] | null} */ (null));
  const [loadError, setLoadError] = useState(/** @type {string | null} */ (null));
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));

  const load = async () => {
    try {
      const list = await listCvs();
      // A CV added while the list was on its way stays in it.
      setCvs((current) => {
        const listed = new Set(list.items.map((cv) => cv.id));
        return [...(current ?? []).filter((cv) => !listed.has(cv.id)), ...list.items];
      });
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  useEffect(() => {
    load();
  }, []);

  // Poll every CV that is still being read until it is ready or failed.
  const processing = (cvs ?? []).filter((cv) => cv.status === 'processing').map((cv) => cv.id);
  const processingKey = processing.join(',');
  useEffect(() => {
    if (!processing.length) return;
    const controller = new AbortController();
    (async () => {
      let backoff = 1;
      try {
        for (;;) {
          await pollDelay({ backoff, cap: 5, signal: controller.signal });
          backoff = Math.min(backoff * 1.5, 5);
          const fresh = await Promise.all(processing.map((id) => getCv(id, controller.signal)));
          setCvs((current) => (current ?? []).map((cv) => fresh.find((f) => f.id === cv.id) ?? cv));
          if (fresh.every((cv) => cv.status !== 'processing')) return;
        }
      } catch (err) {
        if (!isAbort(err)) setLoadError(errorMessage(err));
      }
    })();
    return () => controller.abort();
  }, [processingKey]);

  /** @param {CvRecord} cv */
  const added = (cv) => {
    setCvs((current) => [cv, ...(current ?? []).filter((c) => c.id !== cv.id)]);
    setNotice(cv.status === 'ready' ? t('cvs.savedReady') : t('cvs.uploadedProcessing'));
  };
  /** @param {import('../api.js').CvDetail} detail */
  const corrected = (detail) => {
    const { text: _text, ...record } = detail;
    setCvs((current) => (current ?? []).map((cv) => (cv.id === record.id ? record : cv)));
    setNotice(t('cvs.textSaved'));
  };
  /** @param {string} id */
  const removed = (id) => {
    setCvs((current) => (current ?? []).filter((c) => c.id !== id));
    setNotice(t('cvs.deleted'));
  };

  return html`<div class="stack">
    <${PageTitle} sub=${t('cvs.sub')}>${t('cvs.title')}<//>
    <div role="status" class="sr-only">${notice ?? ''}</div>
    <${AddCv} onAdded=${added} />
    <section class="card" aria-labelledby="cv-list-title">
      <h2 id="cv-list-title">${t('cvs.yours')}</h2>
      ${loadError ? html`<${Alert}>${loadError}<//>` : null}
      ${cvs === null && !loadError ? html`<${Loading} />` : null}
      ${cvs && cvs.length === 0 ? html`<p class="empty">${t('cvs.none')}</p>` : null}
      ${cvs && cvs.length
        ? html`<ul class="cv-list">
            ${cvs.map((cv) => html`<${CvItem} key=${cv.id} cv=${cv} lang=${lang} onCorrected=${corrected} onRemoved=${removed} />`)}
          </ul>`
        : null}
    </section>
    <${JobsSection} lang=${lang} onNotice=${setNotice} />
  </div>`;
}

/** @param {{ onAdded: (cv: CvRecord) => void }} props */
function AddCv({ onAdded }) {
  const input = useRef(/** @type {HTMLInputElement | null} */ (null));
  const [dragging, setDragging] = useState(false);
  const [uploading, setUploading] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [pasteOpen, setPasteOpen] = useState(false);
  const [text, setText] = useState('');
  const [title, setTitle] = useState('');
  const [textError, setTextError] = useState(/** @type {string | null} */ (null));
  const [saving, setSaving] = useState(false);

  /** @param {File | undefined | null} file */
  const upload = async (file) => {
    if (!file || uploading) return;
    setError(null);
    if (file.size > MAX_PDF_BYTES) {
      setError(t('cvs.failure.too_large'));
      return;
    }
    if (file.size === 0) {
      setError(t('cvs.failure.not_a_pdf'));
      return;
    }
    setUploading(file.name);
    try {
      const cv = await uploadCvFile(file, file.name.replace(/\.(pdf|docx)$/i, '').slice(0, 100));
      onAdded(cv);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setUploading(null);
      if (input.current) input.current.value = '';
    }
  };

  const saveText = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (saving) return;
    const problem = cvTextProblem(text);
    if (problem) {
      setTextError(problem);
      return;
    }
    setSaving(true);
    setTextError(null);
    try {
      const cv = await createTextCv(text, title.trim());
      setText('');
      setTitle('');
      setPasteOpen(false);
      onAdded(cv);
    } catch (err) {
      const fields = fieldErrors(err);
      setTextError(fields.text ?? errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return html`<section class="card" aria-labelledby="add-cv-title">
    <h2 id="add-cv-title">${t('cvs.add')}</h2>
    <div
      class=${cx('dropzone', dragging && 'dragging')}
      onDragOver=${(/** @type {DragEvent} */ e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave=${() => setDragging(false)}
      onDrop=${(/** @type {DragEvent} */ e) => {
        e.preventDefault();
        setDragging(false);
        upload(e.dataTransfer?.files?.[0]);
      }}
    >
      <svg class="dropzone-icon" viewBox="0 0 24 24" aria-hidden="true" width="32" height="32">
        <path d="M12 16V4m0 0-4 4m4-4 4 4M5 14v4a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <p class="dropzone-text">${t('cvs.drop')}</p>
      <input ref=${input} id="cv-file" type="file" accept="application/pdf,.pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,.docx" class="sr-only" tabindex="-1" aria-hidden="true"
        onChange=${(/** @type {Event} */ e) => upload(/** @type {HTMLInputElement} */ (e.currentTarget).files?.[0])} />
      <button type="button" class="btn btn-primary" disabled=${!!uploading} aria-describedby="cv-file-hint"
        onClick=${() => input.current?.click()}>${t('cvs.upload')}</button>
      <p class="hint" id="cv-file-hint">${t('cvs.uploadHint')}</p>
      ${uploading ? html`<p role="status"><${Spinner} label=${t('cvs.uploading', { name: uploading })} /></p>` : null}
    </div>
    ${error ? html`<${Alert}>${error}<//>` : null}
    <div class="paste">
      <button type="button" class="btn btn-link" aria-expanded=${pasteOpen ? 'true' : 'false'} aria-controls="paste-form"
        onClick=${() => setPasteOpen(!pasteOpen)}>${t('cvs.pasteToggle')}</button>
      ${pasteOpen
        ? html`<form id="paste-form" class="paste-form" onSubmit=${saveText} novalidate>
            <div class="field">
              <label for="cv-title">${t('cvs.titleLabel')}</label>
              <input id="cv-title" type="text" value=${title} maxLength=${100}
                onInput=${(/** @type {Event} */ e) => setTitle(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
            </div>
            <div class=${cx('field', textError && 'has-error')}>
              <label for="cv-text">${t('cvs.textLabel')}</label>
              <textarea id="cv-text" rows="10" value=${text} aria-invalid=${textError ? 'true' : undefined}
                aria-describedby=${textError ? 'cv-text-error' : 'cv-text-count'}
                onInput=${(/** @type {Event} */ e) => setText(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)}></textarea>
              <p class="hint" id="cv-text-count">${t('cvs.textCount', { count: text.length.toLocaleString(), max: MAX_CV_TEXT.toLocaleString() })}</p>
              ${textError ? html`<p class="field-error" id="cv-text-error">${textError}</p>` : null}
            </div>
            <div class="actions">
              <button type="submit" class="btn btn-primary" disabled=${saving}>${t('cvs.saveText')}</button>
            </div>
          </form>`
        : null}
    </div>
  </section>`;
}

/**
 * A text check shared by the paste form and the correction form: the service's rules, said
 * before the round trip.
 * @param {string} text
 * @returns {string | null}
 */
function cvTextProblem(text) {
  if (!text.trim()) return t('cvs.textMissing');
  if (text.length > MAX_CV_TEXT) return t('cvs.textTooLong', { max: MAX_CV_TEXT.toLocaleString() });
  return null;
}

/**
 * @param {{
 *   cv: CvRecord, lang: string,
 *   onCorrected: (cv: import('../api.js').CvDetail) => void, onRemoved: (id: string) => void,
 * }} props
 */
function CvItem({ cv, lang, onCorrected, onRemoved }) {
  const [text, setText] = useState(/** @type {string | null} */ (null));
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const name = cvTitle(cv);
  const textId = `cv-text-${cv.id}`;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState(/** @type {string | null} */ (null));
  const [savingDraft, setSavingDraft] = useState(false);

  const startEditing = () => {
    setDraft(text ?? '');
    setDraftError(null);
    setEditing(true);
  };

  const saveDraft = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (savingDraft) return;
    const problem = cvTextProblem(draft);
    if (problem) {
      setDraftError(problem);
      return;
    }
    setSavingDraft(true);
    setDraftError(null);
    try {
      const detail = await correctCvText(cv.id, draft);
      setText(detail.text ?? draft);
      setEditing(false);
      onCorrected(detail);
    } catch (err) {
      setDraftError(fieldErrors(err).text ?? errorMessage(err));
    } finally {
      setSavingDraft(false);
    }
  };

  const toggleText = async () => {
    if (open) {
      setOpen(false);
      setEditing(false);
      return;
    }
    setOpen(true);
    if (text === null) {
      try {
        const detail = await getCv(cv.id);
        setText(detail.text ?? '');
      } catch (err) {
        setError(errorMessage(err));
        setOpen(false);
      }
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await deleteCv(cv.id);
      onRemoved(cv.id);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  /** @type {{ tone: 'progress' | 'ok' | 'bad', label: string }} */
  const status =
    cv.status === 'ready'
      ? { tone: 'ok', label: t('cvs.status.ready') }
      : cv.status === 'failed' || cv.status === 'uploading'
        ? { tone: 'bad', label: cv.status === 'failed' ? t('cvs.status.failed') : t('cvs.status.uploading') }
        : { tone: 'progress', label: t('cvs.status.processing') };

  return html`<li class="cv-item" data-status=${cv.status}>
    <div class="cv-head">
      <div class="cv-name">
        <h3>${name}</h3>
        <p class="meta">${[
          cv.source === 'pdf' ? t('cvs.pdf') : cv.source === 'docx' ? t('cvs.docx') : t('cvs.text'),
          cv.source !== 'text' ? formatBytes(cv.size_bytes) : t('cvs.chars', { count: (cv.text_chars ?? 0).toLocaleString() }),
          formatDate(cv.created_at, lang),
        ].join(' · ')}</p>
      </div>
      <div class="cv-status">
        ${cv.status === 'processing'
          ? html`<span class="badge badge-progress"><${Spinner} label=${status.label} /></span>`
          : html`<${Badge} tone=${status.tone}>${status.label}<//>`}
      </div>
    </div>
    ${cv.status === 'ready' && cv.text_chars != null
      ? html`<p class="cv-ready">${t('cvs.readyChars', { count: cv.text_chars.toLocaleString() })}</p>`
      : null}
    ${cv.status === 'failed' || cv.status === 'uploading'
      ? html`<p class="cv-failure"><strong>${t('cvs.whatToDo')}</strong> ${cvFailureText(cv)}</p>`
      : null}
    ${error ? html`<${Alert}>${error}<//>` : null}
    <div class="cv-actions">
      ${cv.status === 'ready'
        ? html`<a class="btn btn-primary btn-small" href=${`#/interviews/new?cv=${encodeURIComponent(cv.id)}`}>${t('cvs.useForInterview')}</a>
            <button type="button" class="btn btn-small" aria-expanded=${open ? 'true' : 'false'} aria-controls=${textId}
              onClick=${toggleText}>${open ? t('cvs.hideText') : t('cvs.showText')}</button>`
        : null}
      ${confirming
        ? null
        : html`<button type="button" class="btn btn-small btn-danger-quiet" onClick=${() => setConfirming(true)}>
            ${t('cvs.delete')}<span class="sr-only"> ${name}</span>
          </button>`}
    </div>
    ${confirming
      ? html`<div class="confirm" role="group" aria-label=${t('cvs.deleteConfirmLabel')}>
          <p>${t('cvs.deleteConfirm', { title: name })}</p>
          <div class="actions-inline">
            <button type="button" class="btn btn-danger btn-small" disabled=${busy} onClick=${remove}>${t('cvs.deleteYes')}</button>
            <button type="button" class="btn btn-small" onClick=${() => setConfirming(false)}>${t('common.cancel')}</button>
          </div>
        </div>`
      : null}
    ${open
      ? html`<div id=${textId} class="cv-text-wrap">
          ${text === null
            ? html`<${Loading} />`
            : editing
              ? html`<form class="cv-edit" onSubmit=${saveDraft} novalidate>
                  <div class=${cx('field', draftError && 'has-error')}>
                    <label for=${`${textId}-edit`}>${t('cvs.editLabel')}</label>
                    <textarea id=${`${textId}-edit`} rows="14" value=${draft} aria-invalid=${draftError ? 'true' : undefined}
                      aria-describedby=${`${textId}-edit-hint ${draftError ? `${textId}-edit-error` : `${textId}-edit-count`}`}
                      onInput=${(/** @type {Event} */ e) => {
                        setDraft(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value);
                        setDraftError(null);
                      }}></textarea>
                    <p class="hint" id=${`${textId}-edit-hint`}>${t('cvs.editHint')}</p>
                    <p class="hint" id=${`${textId}-edit-count`}>${t('cvs.textCount', { count: draft.length.toLocaleString(), max: MAX_CV_TEXT.toLocaleString() })}</p>
                    ${draftError ? html`<p class="field-error" id=${`${textId}-edit-error`}>${draftError}</p>` : null}
                  </div>
                  <div class="actions-inline">
                    <button type="submit" class="btn btn-primary btn-small" disabled=${savingDraft}>${t('cvs.saveCorrection')}</button>
                    <button type="button" class="btn btn-small" onClick=${() => setEditing(false)}>${t('common.cancel')}</button>
                  </div>
                </form>`
              : html`<pre class="cv-text" tabindex="0" aria-label=${t('cvs.extracted')}>${text}</pre>
                  <div class="actions-inline">
                    <button type="button" class="btn btn-small" onClick=${startEditing}>${t('cvs.editText')}</button>
                  </div>`}
        </div>`
      : null}
  </li>`;
}
