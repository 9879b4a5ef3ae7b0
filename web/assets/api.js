// The API client: one place that adds the bearer token, reads problem documents, notices an
// expired session (401) and reads Retry-After. Types come from types/api.d.ts, generated from
// openapi.json, so a contract change that breaks the page fails the type check.

import { store } from './lib/util.js';

/** @typedef {import('../types/api').components['schemas']} Schemas */
/** @typedef {import('../types/api').paths} Paths */
/** @typedef {Schemas['Account']} Account */
/** @typedef {Schemas['Profile']} Profile */
/** @typedef {Schemas['TokenResponse']} TokenResponse */
/** @typedef {Schemas['SignUpRequest']} SignUpRequest */
/** @typedef {Schemas['CvRecord']} CvRecord */
/** @typedef {Schemas['CvDetail']} CvDetail */
/** @typedef {Schemas['CvStatus']} CvStatus */
/** @typedef {Schemas['FailureReason']} FailureReason */
/** @typedef {Schemas['UploadTicket']} UploadTicket */
/** @typedef {Schemas['InterviewView']} InterviewView */
/** @typedef {Schemas['QuestionView']} QuestionView */
/** @typedef {Schemas['NextView']} NextView */
/** @typedef {Schemas['AnswerReceipt']} AnswerReceipt */
/** @typedef {Schemas['HistoryEntry']} HistoryEntry */
/** @typedef {Schemas['Report']} Report */
/** @typedef {Schemas['ReportItem']} ReportItem */
/** @typedef {Schemas['Evaluation']} Evaluation */
/** @typedef {Schemas['GroupScore']} GroupScore */
/** @typedef {Schemas['BankQuestionView']} BankQuestionView */
/** @typedef {Schemas['QuestionPage']} QuestionPage */
/** @typedef {Schemas['JobPosting']} JobPosting */
/** @typedef {Schemas['JobDetail']} JobDetail */
/** @typedef {Schemas['Requirement']} Requirement */
/** @typedef {Schemas['Fit']} Fit */
/** @typedef {Schemas['Progress']} Progress */
/** @typedef {Schemas['RetryItem']} RetryItem */
/** @typedef {Schemas['Problem']} Problem */
/** @typedef {Schemas['FieldError']} FieldError */
/** @typedef {Schemas['Position']} Position */
/** @typedef {Schemas['Lang']} Lang */
/** @typedef {Schemas['QuestionKind']} QuestionKind */
/** @typedef {Schemas['Difficulty']} Difficulty */
/** @typedef {NonNullable<Paths['/questions']['get']['parameters']['query']>} BrowseQuery */

/** @typedef {Schemas['NewInterviewRequest']} NewInterview */

/** @typedef {Paths['/auth/me']['get']['responses']['200']['content']['application/json']} MeResponse */
/** @typedef {Paths['/cvs']['get']['responses']['200']['content']['application/json']} CvListResponse */
/** @typedef {Paths['/interviews']['get']['responses']['200']['content']['application/json']} HistoryResponse */
/** @typedef {Paths['/interviews/{id}/next']['get']['responses']['200']['content']['application/json']} NextResponse */

const TOKEN_KEY = 'cyi.session';

/** A PDF larger than this goes through the presigned upload. */
export const DIRECT_UPLOAD_LIMIT = 4 * 1024 * 1024;
/** The media type of a Word .docx. */
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** The largest file (PDF or .docx) the service accepts (through the presigned upload). */
export const MAX_PDF_BYTES = 10 * 1024 * 1024;
/** The longest pasted CV. */
export const MAX_CV_TEXT = 50000;
/** The longest pasted job posting. */
export const MAX_JOB_TEXT = 20000;
/** The longest answer. */
export const MAX_ANSWER = 5000;

/** @returns {string | null} */
export function getToken() {
  const raw = store.get(TOKEN_KEY);
  if (!raw) return null;
  try {
    const { token, expiresAt } = JSON.parse(raw);
    if (typeof token !== 'string' || typeof expiresAt !== 'number' || Date.now() >= expiresAt) {
      store.remove(TOKEN_KEY);
      return null;
    }
    return token;
  } catch {
    store.remove(TOKEN_KEY);
    return null;
  }
}

/**
 * @param {string} token
 * @param {number} expiresIn seconds
 */
export function setToken(token, expiresIn) {
  store.set(TOKEN_KEY, JSON.stringify({ token, expiresAt: Date.now() + expiresIn * 1000 }));
}

export function clearToken() {
  store.remove(TOKEN_KEY);
}

/** @type {() => void} */
let unauthorized = () => {};

/**
 * What to do when any call answers 401: the session is over.
 * @param {() => void} handler
 */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** A response that is not a success, with its problem document when it has one. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Problem | null} problem
   * @param {number | null} retryAfter seconds
   */
  constructor(status, problem, retryAfter) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? null;
    this.retryAfter = retryAfter;
  }
}

/** The service could not be reached at all. */
export class NetworkError extends Error {}

/**
 * Retry-After as seconds: either a number of seconds or an HTTP date.
 * @param {Response} response
 * @returns {number | null}
 */
export function retryAfter(response) {
  const value = response.headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/**
 * @typedef {object} CallOptions
 * @property {unknown} [json] a JSON body
 * @property {BodyInit} [body] a raw body
 * @property {string} [contentType] with `body`
 * @property {string} [accept]
 * @property {boolean} [auth] send the token and treat 401 as the end of the session (default true)
 * @property {AbortSignal} [signal]
 */

/**
 * @param {string} method
 * @param {string} path
 * @param {CallOptions} [options]
 * @returns {Promise<Response>}
 */
async function call(method, path, options = {}) {
  const { json, body, contentType, accept = 'application/json', auth = true, signal } = options;
  /** @type {Record<string, string>} */
  const headers = { accept };
  /** @type {BodyInit | undefined} */
  let payload = body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (contentType) {
    headers['content-type'] = contentType;
  }
  if (auth) {
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal, credentials: 'omit' });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new NetworkError(String(error));
  }
  if (response.ok) return response;
  /** @type {Problem | null} */
  let problem = null;
  try {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) problem = await response.json();
  } catch {
    problem = null;
  }
  if (response.status === 401 && auth) {
    clearToken();
    unauthorized();
  }
  throw new ApiError(response.status, problem, retryAfter(response));
}

/**
 * @template T
 * @param {Response} response
 * @returns {Promise<T>}
 */
async function body(response) {
  return /** @type {Promise<T>} */ (response.json());
}

// Accounts

/**
 * @param {SignUpRequest} account
 * @returns {Promise<Account>}
 */
export async function signUp(account) {
  return body(await call('POST', '/auth/signup', { json: account, auth: false }));
}

/**
 * @param {string} username
 * @param {string} password
 * @returns {Promise<TokenResponse>}
 */
export async function logIn(username, password) {
  return body(await call('POST', '/auth/login', { json: { username, password }, auth: false }));
}

export async function logOut() {
  await call('POST', '/auth/logout');
}

/** @returns {Promise<MeResponse>} */
export async function me() {
  return body(await call('GET', '/auth/me'));
}

/**
 * @param {string} current_password
 * @param {string} new_password
 */
export async function changePassword(current_password, new_password) {
  /** @type {Schemas['PasswordChange']} */
  const change = { current_password, new_password };
  await call('PUT', '/auth/password', { json: change });
}

/** @param {string} password */
export async function deleteAccount(password) {
  /** @type {Schemas['AccountDeletion']} */
  const deletion = { password };
  await call('DELETE', '/auth/me', { json: deletion });
}

// CVs

/** @returns {Promise<CvListResponse>} */
export async function listCvs() {
  return body(await call('GET', '/cvs'));
}

/**
 * @param {string} id
 * @param {AbortSignal} [signal]
 * @returns {Promise<CvDetail>}
 */
export async function getCv(id, signal) {
  return body(await call('GET', `/cvs/${encodeURIComponent(id)}`, { signal }));
}

/** @param {string} id */
export async function deleteCv(id) {
  await call('DELETE', `/cvs/${encodeURIComponent(id)}`);
}

/**
 * Replaces a ready CV's text; interviews started before keep the text they began with.
 * @param {string} id
 * @param {string} text
 * @returns {Promise<CvDetail>}
 */
export async function correctCvText(id, text) {
  /** @type {Schemas['TextCorrection']} */
  const correction = { text };
  return body(await call('PATCH', `/cvs/${encodeURIComponent(id)}`, { json: correction }));
}

/**
 * @param {string} text
 * @param {string} title
 * @returns {Promise<CvRecord>}
 */
export async function createTextCv(text, title) {
  /** @type {Schemas['TextCv']} */
  const cv = { text, title: title || null };
  return body(await call('POST', '/cvs', { json: cv }));
}

/**
 * What a file is by its first bytes, as the service decides it: a ZIP is announced as a Word
 * .docx, anything else as a PDF (the service refuses what is neither).
 * @param {Blob} file
 * @returns {Promise<'application/pdf' | typeof DOCX_TYPE>}
 */
async function cvFileType(file) {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  return zip ? DOCX_TYPE : 'application/pdf';
}

/**
 * Uploads a CV file, PDF or Word .docx: directly up to 4 MiB, through a presigned PUT above.
 * @param {Blob} file
 * @param {string} title
 * @returns {Promise<CvRecord>}
 */
export async function uploadCvFile(file, title) {
  const contentType = await cvFileType(file);
  if (file.size <= DIRECT_UPLOAD_LIMIT) {
    const query = title ? `?title=${encodeURIComponent(title)}` : '';
    return body(await call('POST', `/cvs${query}`, { body: file, contentType }));
  }
  /** @type {Schemas['UploadRequest']} */
  const request = { content_length: file.size, content_type: contentType, title: title || null };
  /** @type {UploadTicket} */
  const ticket = await body(await call('POST', '/cvs/uploads', { json: request }));
  // Exactly the returned headers; the browser sets Content-Length itself (it may not be set
  // from script) and it is the file's size, as signed.
  const headers = new Headers();
  for (const [name, value] of Object.entries(ticket.headers)) {
    if (name.toLowerCase() !== 'content-length') headers.set(name, value);
  }
  let put;
  try {
    put = await fetch(ticket.upload_url, { method: 'PUT', headers, body: file, credentials: 'omit' });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  if (!put.ok) {
    // The storage answers in its own format (S3: XML), not a problem document.
    const code = put.status === 413 ? 'payload_too_large' : 'upload_failed';
    /** @type {Problem} */
    const problem = { type: `/problems/${code}`, title: 'Upload failed', status: put.status, detail: 'The file could not be stored.', code };
    throw new ApiError(put.status, problem, retryAfter(put));
  }
  return body(await call('POST', `/cvs/${encodeURIComponent(ticket.id)}/complete`));
}

// Progress and retries

/** @returns {Promise<Progress>} */
export async function myProgress() {
  return body(await call('GET', '/me/progress'));
}

/**
 * Answers a question again once its first answer is evaluated.
 * @param {string} interviewId
 * @param {string} questionId
 * @param {string} answer
 * @returns {Promise<Schemas['RetryReceipt']>}
 */
export async function retryAnswer(interviewId, questionId, answer) {
  /** @type {Schemas['AnswerRequest']} */
  const request = { answer };
  const path = `/interviews/${encodeURIComponent(interviewId)}/answers/${encodeURIComponent(questionId)}/retries`;
  return body(await call('POST', path, { json: request }));
}

// Job postings

/** @returns {Promise<{ items: JobPosting[] }>} */
export async function listJobs() {
  return body(await call('GET', '/jobs'));
}

/**
 * @param {Schemas['NewJob']} job
 * @returns {Promise<JobPosting>}
 */
export async function createJob(job) {
  return body(await call('POST', '/jobs', { json: job }));
}

/** @param {string} id */
export async function deleteJob(id) {
  await call('DELETE', `/jobs/${encodeURIComponent(id)}`);
}

// Interviews

/**
 * @param {NewInterview} request
 * @returns {Promise<InterviewView>}
 */
export async function createInterview(request) {
  return body(await call('POST', '/interviews', { json: request }));
}

/**
 * @param {string} id
 * @param {AbortSignal} [signal]
 * @returns {Promise<InterviewView>}
 */
export async function getInterview(id, signal) {
  return body(await call('GET', `/interviews/${encodeURIComponent(id)}`, { signal }));
}

/**
 * @param {string} id
 * @param {AbortSignal} [signal]
 * @returns {Promise<{ next: NextResponse, retryAfter: number | null }>}
 */
export async function nextQuestion(id, signal) {
  const response = await call('GET', `/interviews/${encodeURIComponent(id)}/next`, { signal });
  return { next: await body(response), retryAfter: retryAfter(response) };
}

/**
 * @param {string} id
 * @param {string} questionId
 * @param {string} answer
 * @returns {Promise<AnswerReceipt>}
 */
export async function submitAnswer(id, questionId, answer) {
  /** @type {Schemas['AnswerRequest']} */
  const request = { answer };
  const path = `/interviews/${encodeURIComponent(id)}/answers/${encodeURIComponent(questionId)}`;
  return body(await call('PUT', path, { json: request }));
}

/** @returns {Promise<HistoryResponse>} */
export async function history() {
  return body(await call('GET', '/interviews'));
}

/**
 * The report as JSON. (The contract documents only its Markdown form for 200; the JSON
 * shape is the `Report` schema.)
 * @param {string} id
 * @param {AbortSignal} [signal]
 * @returns {Promise<Report>}
 */
export async function report(id, signal) {
  return body(await call('GET', `/interviews/${encodeURIComponent(id)}/report`, { signal }));
}

/**
 * @param {string} id
 * @returns {Promise<string>}
 */
export async function reportMarkdown(id) {
  const response = await call('GET', `/interviews/${encodeURIComponent(id)}/report`, { accept: 'text/markdown' });
  return response.text();
}

// Practice

/**
 * @param {BrowseQuery} query
 * @returns {Promise<QuestionPage>}
 */
export async function browseQuestions(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  return body(await call('GET', `/questions?${params}`));
}
