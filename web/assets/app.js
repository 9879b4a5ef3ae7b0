// The page's entry point: the shell (header, navigation, language switch), the session and the
// hash router that picks a screen.
import { h, render } from './vendor/preact.mjs';
import { useEffect, useState, useCallback } from './vendor/hooks.mjs';
import { html } from './lib/html.js';
import { t, uiLang, setUiLang, loadCatalogue } from './i18n/index.js';
import { getToken, clearToken, onUnauthorized, logOut } from './api.js';
import { useRoute, navigate, PUBLIC_ROUTES } from './router.js';
import { cx } from './lib/util.js';
import { Alert, Loading, PageTitle } from './lib/ui.js';

// Each screen is its own module, fetched when first opened, so the first load carries only the
// shell and the screen in view.
/** @type {Record<string, () => Promise<any>>} */
const SCREENS = {
  login: () => import('./views/auth.js').then((m) => m.LoginScreen),
  signup: () => import('./views/auth.js').then((m) => m.SignupScreen),
  cvs: () => import('./views/cvs.js').then((m) => m.CvsScreen),
  'new-interview': () => import('./views/new-interview.js').then((m) => m.NewInterviewScreen),
  interview: () => import('./views/interview.js').then((m) => m.InterviewScreen),
  report: () => import('./views/report.js').then((m) => m.ReportScreen),
  history: () => import('./views/history.js').then((m) => m.HistoryScreen),
  practice: () => import('./views/practice.js').then((m) => m.PracticeScreen),
  account: () => import('./views/account.js').then((m) => m.AccountScreen),
};
/** @type {Map<string, any>} */
const loaded = new Map();

/**
 * Renders a screen once its module is loaded.
 * @param {{ name: string, props: Record<string, unknown> }} props
 */
function LazyScreen({ name, props }) {
  const [screen, setScreen] = useState(() => loaded.get(name) ?? null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (loaded.has(name)) {
      setScreen(() => loaded.get(name));
      return;
    }
    let live = true;
    SCREENS[name]()
      .then((component) => {
        loaded.set(name, component);
        if (live) setScreen(() => component);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [name]);
  if (failed) return html`<${Alert}>${t('error.network')}<//>`;
  if (!screen) return html`<${Loading} />`;
  return h(screen, props);
}

/**
 * What every screen may use from the shell.
 * @typedef {{ flash: string | null, setFlash: (message: string | null) => void, loggedIn: () => void, loggedOut: (message?: string) => void }} Session
 */

/** @typedef {import('./router.js').Route} Route */

/** @type {Array<{ href: string, key: import('./i18n/index.js').MessageKey, names: string[] }>} */
const NAV = [
  { href: '#/cvs', key: 'nav.cvs', names: ['cvs'] },
  { href: '#/interviews/new', key: 'nav.newInterview', names: ['new-interview', 'interview'] },
  { href: '#/history', key: 'nav.history', names: ['history', 'report'] },
  { href: '#/practice', key: 'nav.practice', names: ['practice'] },
  { href: '#/account', key: 'nav.account', names: ['account'] },
];

function App() {
  const route = useRoute();
  const [lang, setLang] = useState(uiLang());
  const [authed, setAuthed] = useState(() => getToken() !== null);
  const [flash, setFlash] = useState(/** @type {string | null} */ (null));

  const loggedOut = useCallback((/** @type {string | undefined} */ message) => {
    clearToken();
    setAuthed(false);
    setFlash(message ?? null);
    navigate('#/login');
  }, []);

  useEffect(() => {
    onUnauthorized(() => loggedOut(t('session.expired')));
  }, [loggedOut]);

  /** @type {Session} */
  const session = {
    flash,
    setFlash,
    loggedIn: () => {
      setAuthed(true);
      setFlash(null);
    },
    loggedOut,
  };

  // Guards: the public screens for visitors, the rest for candidates.
  const isPublic = PUBLIC_ROUTES.has(route.name);
  useEffect(() => {
    if (route.name === 'home') navigate(authed ? '#/cvs' : '#/login');
    else if (!authed && !isPublic) navigate('#/login');
    else if (authed && isPublic) navigate('#/cvs');
  }, [route, authed]);

  useEffect(() => {
    document.title = `${titleFor(route)} · ${t('app.name')}`;
  }, [route, lang]);

  const changeLang = async (/** @type {Event} */ e) => {
    const value = /** @type {HTMLSelectElement} */ (e.currentTarget).value;
    if (value === 'en' || value === 'ko') {
      await setUiLang(value);
      setLang(uiLang());
    }
  };

  const doLogOut = async () => {
    try {
      await logOut();
    } catch {
      /* the token is dropped either way */
    }
    loggedOut(t('session.loggedOut'));
  };

  const skip = (/** @type {Event} */ e) => {
    e.preventDefault();
    document.getElementById('main')?.focus();
  };

  const showScreen = route.name !== 'home' && (authed ? !isPublic : isPublic);

  return html`
    <a class="skip-link" href="#main" onClick=${skip}>${t('nav.skip')}</a>
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href=${authed ? '#/cvs' : '#/login'}>
          <span class="brand-mark" aria-hidden="true">C</span>
          <span>${t('app.name')}</span>
        </a>
        <div class="topbar-tools">
          <label class="sr-only" for="ui-lang">${t('nav.language')}</label>
          <select id="ui-lang" class="lang-select" value=${lang} onChange=${changeLang}>
            <option value="en" lang="en">English</option>
            <option value="ko" lang="ko">한국어</option>
          </select>
          ${authed ? html`<button type="button" class="btn btn-quiet logout-top" onClick=${doLogOut}>${t('nav.logOut')}</button>` : null}
        </div>
        ${authed
          ? html`<nav class="mainnav" aria-label=${t('nav.label')}>
              <ul>
                ${NAV.map(
                  (item) => html`<li>
                    <a href=${item.href} class=${cx(item.names.includes(route.name) && 'active')}
                      aria-current=${item.names.includes(route.name) ? 'page' : undefined}>${t(item.key)}</a>
                  </li>`,
                )}
                <li class="logout-nav"><button type="button" onClick=${doLogOut}>${t('nav.logOut')}</button></li>
              </ul>
            </nav>`
          : null}
      </div>
    </header>
    <main id="main" tabindex="-1" class=${`screen screen-${route.name}`}>
      ${showScreen ? screenFor(route, session, lang) : null}
    </main>
    <footer class="footer"><p>${t('app.footer')}</p></footer>
  `;
}

/**
 * @param {Route} route
 * @param {Session} session
 * @param {string} lang the interface language, so screens re-render when it changes
 */
function screenFor(route, session, lang) {
  if (route.name in SCREENS) {
    const id = 'id' in route ? route.id : undefined;
    return html`<${LazyScreen} key=${id ? `${route.name}/${id}` : route.name} name=${route.name} props=${{ session, lang, id }} />`;
  }
  return html`<section class="card narrow">
    <${PageTitle}>${t('notFound.title')}<//>
    <p>${t('notFound.body')}</p>
    <p><a class="btn btn-primary" href="#/">${t('notFound.home')}</a></p>
  </section>`;
}

/** @param {Route} route */
function titleFor(route) {
  switch (route.name) {
    case 'login':
      return t('login.title');
    case 'signup':
      return t('signup.title');
    case 'cvs':
      return t('cvs.title');
    case 'new-interview':
      return t('newInterview.title');
    case 'interview':
      return t('interview.title');
    case 'report':
      return t('report.title');
    case 'history':
      return t('history.title');
    case 'practice':
      return t('practice.title');
    case 'account':
      return t('account.title');
    default:
      return t('notFound.title');
  }
}

async function start() {
  const root = document.getElementById('app');
  if (!root) return;
  try {
    await loadCatalogue(uiLang());
  } catch {
    await setUiLang('en');
  }
  document.documentElement.lang = uiLang();
  root.replaceChildren();
  render(html`<${App} />`, root);
}

start();
