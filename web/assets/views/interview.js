// The interview as a chat: the interviewer's question, the answer box under it, progress, a
// draft kept across reloads, a waiting state while personal questions are written, and each
// evaluation beside its answer as it arrives.
import { html } from '../lib/html.js';
import { useEffect, useRef, useState } from '../vendor/hooks.mjs';
import { t, tv } from '../i18n/index.js';
import { ApiError, MAX_ANSWER, NetworkError, getInterview, nextQuestion, report as getReport, submitAnswer } from '../api.js';
import { Alert, Loading, PageTitle, Progress, Spinner, errorMessage } from '../lib/ui.js';
import { formatScore, isAbort, pollDelay, store, cx } from '../lib/util.js';
import { canSpeak, dictate, recognitionClass, speak, stopSpeaking } from '../lib/voice.js';
import { EvaluationView, FailedEvaluation, withRetried } from './evaluation.js';

/** @typedef {import('../api.js').InterviewView} InterviewView */
/** @typedef {import('../api.js').Report} Report */
/** @typedef {import('../api.js').ReportItem} ReportItem */
/** @typedef {import('../api.js').NextView} NextView */
/** @typedef {import('../api.js').QuestionView} QuestionView */
/** @typedef {NextView | { status: 'fetching' }} Current */
/** @typedef {Extract<NextView, { status: 'question' }>} CurrentQuestion */

/** @param {string} interview @param {string} question */
const draftKey = (interview, question) => `cyi.draft.${interview}.${question}`;
/** @param {string} interview @param {string} question */
const timerKey = (interview, question) => `cyi.timer-start.${interview}.${question}`;
const TIMER_PREF = 'cyi.timer';
const VOICE_PREF = 'cyi.voice';
const TIMER_CHOICES = [0, 60, 120, 180, 300];

/**
 * @param {{ id: string, lang: string }} props
 */
export function InterviewScreen({ id }) {
  const [iv, setIv] = useState(/** @type {InterviewView | null} */ (null));
  const [rep, setRep] = useState(/** @type {Report | null} */ (null));
  const [current, setCurrent] = useState(/** @type {Current | null} */ (null));
  const [sent, setSent] = useState(/** @type {Record<string, string>} */ ({}));
  const [loadError, setLoadError] = useState(/** @type {string | null} */ (null));
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const [reportTick, setReportTick] = useState(0);
  const [timerLimit, setTimerLimit] = useState(() => Number(store.get(TIMER_PREF) ?? 0) || 0);
  const [voiceOn, setVoiceOn] = useState(() => store.get(VOICE_PREF) === '1');

  const load = async () => {
    try {
      const [view, rep] = await Promise.all([getInterview(id), getReport(id)]);
      setIv(view);
      setRep(rep);
      setCurrent(view.status === 'completed' ? { status: 'complete' } : view.next);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  };
  useEffect(() => {
    load();
    return () => stopSpeaking();
  }, [id]);

  // While personal questions are being written (or the next question is on its way), poll
  // `next`, honouring Retry-After, backing off up to a cap, paused while the tab is hidden.
  const waiting = current?.status === 'pending' || current?.status === 'fetching';
  useEffect(() => {
    if (!waiting) return;
    const controller = new AbortController();
    (async () => {
      let backoff = 1;
      let fetching = current?.status === 'fetching';
      /** @type {number | null} */
      let after = fetching ? 0.01 : 1;
      for (;;) {
        try {
          await pollDelay({ retryAfter: after, backoff, cap: 15, signal: controller.signal });
          const { next, retryAfter } = await nextQuestion(id, controller.signal);
          if (next.status !== 'pending') {
            if (next.status === 'question' && !next.text) {
              // Listed as next but not written yet: wait as for pending.
            } else {
              // Personal questions or follow-ups may have been written meanwhile: refresh the
              // list first, so the question about to be shown is in it (the refresh would be
              // cancelled once the wait ends).
              const fresh = await getInterview(id, controller.signal).catch(() => null);
              if (fresh) setIv(fresh);
              setCurrent(next);
              return;
            }
          }
          if (fetching) {
            fetching = false;
            setCurrent({ status: 'pending' });
          }
          after = retryAfter;
          backoff = Math.min(backoff * 2, 15);
        } catch (err) {
          if (isAbort(err)) return;
          if (err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429))) {
            after = err instanceof ApiError ? err.retryAfter : null;
            backoff = Math.min(backoff * 2, 15);
            continue;
          }
          setLoadError(errorMessage(err));
          return;
        }
      }
    })();
    return () => controller.abort();
  }, [waiting, id]);

  // Evaluations arrive on their own: poll the report while an answer waits for one, without
  // holding up the next question.
  const answeredIds = iv
    ? iv.questions.filter((q) => q.answered || sent[q.id] !== undefined).map((q) => q.id)
    : [];
  const awaiting = answeredIds.filter((qid) => {
    const item = rep?.items.find((i) => i.question_id === qid);
    return !item || item.status === 'unanswered' || item.status === 'pending';
  });
  const awaitingKey = awaiting.join(',');
  useEffect(() => {
    if (!awaiting.length) return;
    const controller = new AbortController();
    (async () => {
      let backoff = 0.6;
      for (;;) {
        try {
          await pollDelay({ backoff, cap: 10, signal: controller.signal });
          const fresh = await getReport(id, controller.signal);
          setRep(fresh);
          backoff = Math.min(backoff * 1.5, 10);
          const still = awaiting.filter((qid) => {
            const item = fresh.items.find((i) => i.question_id === qid);
            return !item || item.status === 'unanswered' || item.status === 'pending';
          });
          if (still.length === 0) return;
        } catch (err) {
          if (isAbort(err)) return;
          backoff = Math.min(backoff * 2, 10);
        }
      }
    })();
    return () => controller.abort();
  }, [awaitingKey, reportTick]);

  // Read each new question aloud when voice is on.
  const questionId = current?.status === 'question' ? current.id : null;
  useEffect(() => {
    if (voiceOn && current?.status === 'question' && current.text && iv) speak(current.text, iv.lang);
  }, [questionId, voiceOn]);

  if (loadError && !iv) {
    return html`<div class="stack"><${PageTitle}>${t('interview.title')}<//><${Alert}>${loadError}<//>
      <p><a href="#/history">${t('nav.history')}</a></p></div>`;
  }
  if (!iv || !current) return html`<div class="stack"><${PageTitle}>${t('interview.title')}<//><${Loading} /></div>`;

  const total = iv.questions.length;
  const answeredCount = answeredIds.length;
  const index =
    current.status === 'question'
      ? iv.questions.findIndex((q) => q.id === current.id)
      : iv.questions.findIndex((q) => !q.answered && sent[q.id] === undefined);
  const number = index >= 0 ? index + 1 : Math.min(answeredCount + 1, total);

  /** @param {string} qid @param {string} text */
  const onSent = (qid, text) => {
    setSent((s) => ({ ...s, [qid]: text }));
    setIv((view) => (view ? { ...view, questions: view.questions.map((q) => (q.id === qid ? { ...q, answered: true } : q)) } : view));
    setReportTick((n) => n + 1);
    setCurrent({ status: 'fetching' });
  };

  /** @param {string} qid */
  const onRetried = (qid) => {
    setRep((r) => withRetried(r, qid));
    setReportTick((n) => n + 1);
  };

  const onConflict = async () => {
    setNotice(t('interview.alreadyAnswered'));
    await load();
  };

  const toggleVoice = () => {
    const on = !voiceOn;
    setVoiceOn(on);
    store.set(VOICE_PREF, on ? '1' : '0');
    if (!on) stopSpeaking();
  };

  const progressLabel =
    current.status === 'complete'
      ? t('interview.allAnswered', { total: answeredCount })
      : t('interview.progress', { n: number, total });
  // Personal questions that could not be written are skipped by the server.
  const skipped = iv.questions.filter((q) => !q.answered && sent[q.id] === undefined && !q.text).length;

  return html`<div class="interview">
    <div class="interview-head">
      <${PageTitle} focus=${false} sub=${`${tv('position', iv.position)} · ${t(iv.lang === 'ko' ? 'lang.ko' : 'lang.en')}`}>
        ${t('interview.title')}
      <//>
      <div class="interview-progress">
        <p class="progress-label" id="progress-label">${progressLabel}</p>
        <${Progress} label=${t('interview.progressLabel')} value=${answeredCount} max=${total} />
      </div>
      <div class="interview-settings">
        <div class="setting">
          <label for="timer-select">${t('interview.timer')}</label>
          <select id="timer-select" value=${String(timerLimit)} onChange=${(/** @type {Event} */ e) => {
            const value = Number(/** @type {HTMLSelectElement} */ (e.currentTarget).value) || 0;
            setTimerLimit(value);
            store.set(TIMER_PREF, String(value));
          }}>
            ${TIMER_CHOICES.map((s) => html`<option value=${String(s)}>${s === 0 ? t('interview.timerOff') : t('interview.timerMinutes', { minutes: s / 60 })}</option>`)}
          </select>
        </div>
        ${canSpeak()
          ? html`<div class="setting setting-check">
              <input type="checkbox" id="voice-toggle" checked=${voiceOn} onChange=${toggleVoice} />
              <label for="voice-toggle">${t('interview.readAloud')}</label>
            </div>`
          : null}
      </div>
    </div>
    ${iv.focus ? html`<p class="hint focus-note">${focusNote(iv.focus)}</p>` : null}
    ${notice ? html`<${Alert} kind="info">${notice}<//>` : null}
    ${loadError ? html`<${Alert}>${loadError}<//>` : null}
    <ol class="chat" aria-label=${t('interview.transcript')}>
      ${iv.questions
        .filter((q) => answeredIds.includes(q.id))
        .map((q) => {
          const item = rep?.items.find((i) => i.question_id === q.id);
          return html`<${Exchange} key=${q.id} question=${q} questions=${iv.questions} item=${item} sentText=${sent[q.id]}
            number=${iv.questions.indexOf(q) + 1} total=${total} lang=${iv.lang} interviewId=${id} onRetried=${onRetried} />`;
        })}
      ${current.status === 'question'
        ? html`<${Asking} key=${current.id} interview=${iv} question=${current} number=${number} total=${total}
            timerLimit=${timerLimit} onSent=${onSent} onConflict=${onConflict}
            onPending=${() => setCurrent({ status: 'pending' })} />`
        : null}
      ${current.status === 'pending'
        ? html`<li class="msg msg-interviewer msg-waiting" aria-live="polite">
            <p class="msg-who">${t('interview.interviewer')}</p>
            <div class="bubble">
              <p class="waiting-title"><${Spinner} /> ${t('interview.preparing')}</p>
              <p class="hint">${t('interview.preparingNote')}</p>
            </div>
          </li>`
        : null}
      ${current.status === 'fetching'
        ? html`<li class="msg msg-interviewer" aria-live="polite"><div class="bubble"><${Spinner} label=${t('interview.nextLoading')} /></div></li>`
        : null}
      ${current.status === 'complete'
        ? html`<li class="msg msg-interviewer msg-final">
            <p class="msg-who">${t('interview.interviewer')}</p>
            <div class="bubble">
              <p><strong>${t('interview.doneTitle')}</strong></p>
              ${skipped && iv.personal_status === 'failed'
                ? html`<p>${t('interview.personalFailed', { count: skipped })}</p>
                    <p>${t('interview.personalFailedNext')} <a href="#/cvs">${t('nav.cvs')}</a> · <a href="#/interviews/new">${t('nav.newInterview')}</a></p>`
                : null}
              <p>${awaiting.length ? t('interview.doneWaiting', { count: awaiting.length }) : t('interview.doneAll')}</p>
              <p class="actions-inline"><a class="btn btn-primary" href=${`#/reports/${encodeURIComponent(id)}`}>${t('interview.openReport')}</a></p>
            </div>
          </li>`
        : null}
    </ol>
  </div>`;
}

/**
 * What a practice interview on weak areas chose, in words.
 * @param {NonNullable<InterviewView['focus']>} focus
 */
function focusNote(focus) {
  if (focus.reason === 'too_few_answers') return t('interview.focusFallback');
  if (focus.reason === 'no_weak_topic') return t('interview.focusNone');
  const topics = focus.topics.map((f) => `${tv('topic', f.topic)} (${formatScore(f.score)})`).join(', ');
  return t('interview.focusWeak', { topics });
}

/**
 * What the interviewer's message is: which question of how many (or which one a follow-up
 * follows), its kind and its topic or competency.
 * @param {QuestionView | CurrentQuestion} question
 * @param {QuestionView[]} questions
 * @param {number} number
 * @param {number} total
 */
function questionHeading(question, questions, number, total) {
  const which = question.follows
    ? t('interview.followUpOf', { n: questions.findIndex((q) => q.id === question.follows) + 1 })
    : t('interview.questionOf', { n: number, total });
  const about = question.topic ? ` · ${tv('topic', question.topic)}` : question.competency ? ` · ${tv('competency', question.competency)}` : '';
  return `${which} · ${tv('kind', question.kind)}${about}`;
}

/**
 * One answered question: the interviewer's message, the answer, and its evaluation once it
 * arrives (or why it failed, and what the candidate can do).
 * @param {{ question: QuestionView, questions: QuestionView[], item: ReportItem | undefined, sentText: string | undefined, number: number, total: number, lang: string,
 *   interviewId: string, onRetried: (qid: string) => void }} props
 */
function Exchange({ question, questions, item, sentText, number, total, lang, interviewId, onRetried }) {
  const text = item?.question ?? question.text ?? '';
  const answer = item?.answer ?? sentText ?? '';
  const status = item?.status ?? 'pending';
  return html`<li class="exchange">
    <div class="msg msg-interviewer">
      <p class="msg-who">${questionHeading(question, questions, number, total)}</p>
      <div class="bubble" lang=${lang}>${text}</div>
    </div>
    <div class="msg msg-candidate">
      <p class="msg-who">${t('interview.you')}</p>
      <div class="answer-row">
        <div class="bubble bubble-answer" lang=${lang}>${answer}</div>
        <div class="eval-slot" aria-live="polite">
          ${status === 'evaluated' && item?.evaluation
            ? html`<${EvaluationView} evaluation=${item.evaluation} lang=${lang} idPrefix=${`ev-${question.id}`} />`
            : status === 'failed' && item
              ? html`<${FailedEvaluation} item=${item} interviewId=${interviewId} onRetried=${onRetried} />`
              : html`<p class="eval-pending"><${Spinner} label=${t('eval.pending')} /></p>`}
        </div>
      </div>
    </div>
  </li>`;
}

/**
 * The question being asked and the answer box under it.
 * @param {{ interview: InterviewView, question: CurrentQuestion, number: number, total: number, timerLimit: number,
 *   onSent: (qid: string, text: string) => void, onConflict: () => void, onPending: () => void }} props
 */
function Asking({ interview, question, number, total, timerLimit, onSent, onConflict, onPending }) {
  const questions = interview.questions;
  const key = draftKey(interview.id, question.id);
  const [draft, setDraft] = useState(() => store.get(key) ?? '');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const [listening, setListening] = useState(false);
  const [interim, setInterim] = useState('');
  const submitting = useRef(false);
  const box = useRef(/** @type {HTMLTextAreaElement | null} */ (null));
  const dictation = useRef(/** @type {{ stop: () => void } | null} */ (null));
  const lang = interview.lang;

  useEffect(() => {
    box.current?.focus();
    return () => dictation.current?.stop();
  }, []);

  /** @param {string} value */
  const update = (value) => {
    setDraft(value);
    if (value) store.set(key, value);
    else store.remove(key);
    if (error) setError(null);
  };

  const submit = async () => {
    if (submitting.current) return;
    const text = draft.trim();
    if (!text) {
      setError(t('interview.empty'));
      box.current?.focus();
      return;
    }
    if (text.length > MAX_ANSWER) {
      setError(t('interview.tooLong', { max: MAX_ANSWER.toLocaleString() }));
      return;
    }
    submitting.current = true;
    setBusy(true);
    setError(null);
    dictation.current?.stop();
    try {
      await submitAnswer(interview.id, question.id, text);
      store.remove(key);
      store.remove(timerKey(interview.id, question.id));
      onSent(question.id, text);
    } catch (err) {
      submitting.current = false;
      setBusy(false);
      if (err instanceof ApiError && err.code === 'already_answered') onConflict();
      else if (err instanceof ApiError && err.code === 'question_not_ready') onPending();
      else setError(errorMessage(err));
    }
  };

  const toggleDictation = () => {
    if (listening) {
      dictation.current?.stop();
      return;
    }
    const base = draft ? `${draft.replace(/\s+$/, '')} ` : '';
    const session = dictate(
      lang,
      (finalText, interimText) => {
        setInterim(interimText);
        if (finalText) {
          const value = `${base}${finalText.trim()}`;
          update(value);
        }
      },
      (failure) => {
        setListening(false);
        setInterim('');
        dictation.current = null;
        if (failure && failure !== 'aborted' && failure !== 'no-speech') setError(t('interview.dictationFailed'));
      },
    );
    if (session) {
      dictation.current = session;
      setListening(true);
    } else {
      setError(t('interview.dictationFailed'));
    }
  };

  const questionTextId = `q-text-${question.id}`;
  return html`<li class="exchange exchange-current">
    <div class="msg msg-interviewer">
      <p class="msg-who">${questionHeading(question, questions, number, total)}</p>
      <div class="bubble bubble-question" id=${questionTextId} lang=${lang}>${question.text}</div>
    </div>
    <form class="answer-form" onSubmit=${(/** @type {Event} */ e) => {
      e.preventDefault();
      submit();
    }} novalidate>
      <div class="answer-label-row">
        <label for="answer-box">${t('interview.yourAnswer')}</label>
        ${timerLimit > 0 ? html`<${QuestionTimer} storageKey=${timerKey(interview.id, question.id)} limit=${timerLimit} />` : null}
      </div>
      <textarea id="answer-box" ref=${box} lang=${lang} rows="7" value=${draft} readOnly=${busy}
        aria-describedby=${cx(questionTextId, 'answer-hint', error && 'answer-error')}
        aria-invalid=${error ? 'true' : undefined}
        onInput=${(/** @type {Event} */ e) => update(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)}
        onKeyDown=${(/** @type {KeyboardEvent} */ e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        }}></textarea>
      ${interim ? html`<p class="hint interim" lang=${lang}>${interim}</p>` : null}
      ${error ? html`<p class="field-error" id="answer-error" role="alert">${error}</p>` : null}
      <div class="answer-tools">
        <p class="hint" id="answer-hint">
          ${t('interview.sendHint')} · ${t('interview.chars', { count: draft.length.toLocaleString(), max: MAX_ANSWER.toLocaleString() })} · ${t('interview.draftSaved')}
        </p>
        <div class="actions-inline">
          ${recognitionClass()
            ? html`<button type="button" class=${cx('btn', listening && 'btn-recording')} aria-pressed=${listening ? 'true' : 'false'}
                onClick=${toggleDictation}>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3Zm-7 9a7 7 0 0 0 14 0M12 19v3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>
                <span>${listening ? t('interview.dictateStop') : t('interview.dictate')}</span>
              </button>`
            : null}
          <button type="submit" class="btn btn-primary" disabled=${busy}>
            ${busy ? html`<${Spinner} />` : null}<span>${t('interview.send')}</span>
          </button>
        </div>
      </div>
    </form>
  </li>`;
}

/**
 * A count-down per question, optional and off by default; it never sends for the candidate.
 * @param {{ storageKey: string, limit: number }} props
 */
function QuestionTimer({ storageKey, limit }) {
  const [now, setNow] = useState(Date.now());
  const start = useRef(0);
  if (!start.current) {
    const saved = Number(store.get(storageKey));
    start.current = saved > 0 ? saved : Date.now();
    if (!(saved > 0)) store.set(storageKey, String(start.current));
  }
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, limit - Math.floor((now - start.current) / 1000));
  const mm = Math.floor(left / 60);
  const ss = String(left % 60).padStart(2, '0');
  return html`<span class=${cx('timer', left === 0 && 'timer-up', left > 0 && left <= 30 && 'timer-low')} role="timer" aria-live="off">
    ${left === 0 ? t('interview.timeUp') : t('interview.timeLeft', { time: `${mm}:${ss}` })}
  </span>`;
}
