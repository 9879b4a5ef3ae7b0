// Small helpers shared by the screens: waiting, visibility, formatting, storage.

/**
 * Resolves after `ms`, or rejects with an AbortError when `signal` aborts first.
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(abortError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves once the tab is visible: polling pauses while the page is hidden.
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function whenVisible(signal) {
  if (document.visibilityState !== 'hidden') return Promise.resolve();
  return new Promise((resolve, reject) => {
    function onChange() {
      if (document.visibilityState === 'hidden') return;
      cleanup();
      resolve();
    }
    function onAbort() {
      cleanup();
      reject(abortError());
    }
    function cleanup() {
      document.removeEventListener('visibilitychange', onChange);
      signal?.removeEventListener('abort', onAbort);
    }
    document.addEventListener('visibilitychange', onChange);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** @returns {Error} */
function abortError() {
  return new DOMException('aborted', 'AbortError');
}

/**
 * @param {unknown} error
 * @returns {boolean}
 */
export function isAbort(error) {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * Waits as a poller should: the server's Retry-After when it gave one, else the back-off
 * step, never longer than `cap`; and not while the tab is hidden.
 * @param {{ retryAfter?: number | null, backoff: number, cap: number, signal?: AbortSignal }} options
 */
export async function pollDelay({ retryAfter, backoff, cap, signal }) {
  const seconds = retryAfter != null && retryAfter > 0 ? retryAfter : backoff;
  await sleep(Math.min(seconds, cap) * 1000, signal);
  await whenVisible(signal);
}

/**
 * @param {string} iso
 * @param {string} locale
 * @returns {string}
 */
export function formatDate(iso, locale) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale === 'ko' ? 'ko-KR' : 'en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * @param {string} iso
 * @param {string} locale
 * @returns {string}
 */
export function formatShortDate(iso, locale) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(locale === 'ko' ? 'ko-KR' : 'en-GB', { month: 'short', day: 'numeric' });
}

/**
 * @param {string} iso
 * @param {string} locale
 * @returns {string}
 */
export function formatTime(iso, locale) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString(locale === 'ko' ? 'ko-KR' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

/**
 * @param {number} bytes
 * @returns {string}
 */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * A score with one decimal, as the report shows it.
 * @param {number | null | undefined} score
 * @returns {string}
 */
export function formatScore(score) {
  return score == null ? '–' : (Math.round(score * 10) / 10).toFixed(1);
}

/**
 * localStorage that never throws (private modes, full quota).
 */
export const store = {
  /** @param {string} key @returns {string | null} */
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  /** @param {string} key @param {string} value */
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      /* storage unavailable: the value lives only in memory */
    }
  },
  /** @param {string} key */
  remove(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      /* nothing to remove */
    }
  },
};

/**
 * @param {...(string | false | null | undefined)} names
 * @returns {string}
 */
export function cx(...names) {
  return names.filter(Boolean).join(' ');
}
