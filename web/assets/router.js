// Hash routing: only `/` and `/assets/*` are ever requested from the server.
import { useEffect, useState } from './vendor/hooks.mjs';

/**
 * @typedef {{ name: 'home' } | { name: 'login' } | { name: 'signup' } | { name: 'cvs' }
 *   | { name: 'new-interview' } | { name: 'interview', id: string } | { name: 'report', id: string }
 *   | { name: 'history' } | { name: 'practice' } | { name: 'account' } | { name: 'not-found' }} Route
 */

/** Screens a visitor sees without logging in. */
export const PUBLIC_ROUTES = new Set(['login', 'signup']);

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * @param {string} hash
 * @returns {Route}
 */
export function parseRoute(hash) {
  const path = hash.replace(/^#/, '').split('?')[0].replace(/\/+$/, '');
  const parts = path.split('/').filter(Boolean).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return '';
    }
  });
  if (parts.length === 0) return { name: 'home' };
  const [first, second] = parts;
  if (parts.length === 1) {
    switch (first) {
      case 'login':
        return { name: 'login' };
      case 'signup':
        return { name: 'signup' };
      case 'cvs':
        return { name: 'cvs' };
      case 'history':
        return { name: 'history' };
      case 'practice':
        return { name: 'practice' };
      case 'account':
        return { name: 'account' };
    }
  }
  if (parts.length === 2 && first === 'interviews' && second === 'new') return { name: 'new-interview' };
  if (parts.length === 2 && first === 'interviews' && ID.test(second)) return { name: 'interview', id: second };
  if (parts.length === 2 && first === 'reports' && ID.test(second)) return { name: 'report', id: second };
  return { name: 'not-found' };
}

/** @param {string} path like `#/cvs` */
export function navigate(path) {
  if (location.hash === path) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = path;
  }
}

/**
 * A query parameter of the hash, as in `#/interviews/new?cv=ID`.
 * @param {string} name
 * @returns {string | null}
 */
export function hashParam(name) {
  const query = location.hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get(name);
}

/** @returns {Route} */
export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
