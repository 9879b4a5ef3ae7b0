// Sign up and log in.
import { html } from '../lib/html.js';
import { useState } from '../vendor/hooks.mjs';
import { t } from '../i18n/index.js';
import { ApiError, logIn, setToken, signUp } from '../api.js';
import { Alert, Field, PageTitle, errorMessage, fieldErrors } from '../lib/ui.js';
import { navigate } from '../router.js';

/** @typedef {import('../app.js').Session} Session */

/**
 * A 429 on log-in says when to try again.
 * @param {number | null} seconds
 * @returns {string}
 */
function tryAgainMessage(seconds) {
  if (seconds == null) return t('login.throttledNoTime');
  const at = new Date(Date.now() + seconds * 1000);
  const time = at.toLocaleTimeString(document.documentElement.lang === 'ko' ? 'ko-KR' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return t('login.throttled', { minutes, time });
}

/**
 * @param {{ session: Session, lang: string }} props
 */
export function LoginScreen({ session }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [busy, setBusy] = useState(false);

  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (busy) return;
    /** @type {Record<string, string>} */
    const missing = {};
    if (!username.trim()) missing.username = t('login.usernameMissing');
    if (!password) missing.password = t('login.passwordMissing');
    setErrors(missing);
    if (Object.keys(missing).length) {
      setError(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const token = await logIn(username.trim(), password);
      setToken(token.access_token, token.expires_in);
      session.loggedIn();
      navigate('#/cvs');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login.wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(tryAgainMessage(err.retryAfter));
      else setError(errorMessage(err));
      setBusy(false);
    }
  };

  return html`<section class="auth">
    <div class="auth-intro">
      <p class="eyebrow">${t('app.name')}</p>
      <p class="auth-pitch">${t('login.pitch')}</p>
      <ul class="auth-points">
        <li>${t('login.point1')}</li>
        <li>${t('login.point2')}</li>
        <li>${t('login.point3')}</li>
      </ul>
    </div>
    <div class="card auth-card">
      <${PageTitle}>${t('login.title')}<//>
      ${session.flash ? html`<${Alert} kind="info">${session.flash}<//>` : null}
      ${error ? html`<${Alert}>${error}<//>` : null}
      <form onSubmit=${submit} novalidate>
        <${Field} id="login-username" label=${t('field.label.username')} value=${username} onInput=${setUsername}
          autocomplete="username" required=${true} error=${errors.username} />
        <${Field} id="login-password" label=${t('field.label.password')} type="password" value=${password}
          onInput=${setPassword} autocomplete="current-password" required=${true} error=${errors.password} />
        <div class="actions">
          <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('login.submit')}</button>
        </div>
      </form>
      <p class="auth-switch">${t('login.noAccount')} <a href="#/signup">${t('signup.submit')}</a></p>
    </div>
  </section>`;
}

/**
 * @param {{ session: Session, lang: string }} props
 */
export function SignupScreen({ session }) {
  const [form, setForm] = useState({ username: '', name: '', email: '', password: '' });
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);

  /** @param {keyof typeof form} key */
  const set = (key) => (/** @type {string} */ value) => setForm({ ...form, [key]: value });

  const validate = () => {
    /** @type {Record<string, string>} */
    const found = {};
    const username = form.username.trim().toLowerCase();
    if (!/^[a-z0-9_.-]{3,32}$/.test(username)) found.username = t('field.username');
    if (form.name.trim().length < 1 || form.name.trim().length > 100) found.name = t('field.name');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) found.email = t('field.email');
    if (form.password.length < 8 || form.password.length > 128) found.password = t('field.password');
    return found;
  };

  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (busy) return;
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) {
      setError(t('signup.fix'));
      return;
    }
    setBusy(true);
    setError(null);
    const username = form.username.trim().toLowerCase();
    try {
      await signUp({ username, name: form.name.trim(), email: form.email.trim(), password: form.password });
      const token = await logIn(username, form.password);
      setToken(token.access_token, token.expires_in);
      session.loggedIn();
      navigate('#/cvs');
    } catch (err) {
      const fields = fieldErrors(err);
      if (err instanceof ApiError && err.code === 'username_taken') fields.username = t('problem.username_taken');
      if (err instanceof ApiError && err.code === 'email_taken') fields.email = t('problem.email_taken');
      setErrors(fields);
      setError(Object.keys(fields).length ? t('signup.fix') : errorMessage(err));
      setBusy(false);
    }
  };

  return html`<section class="auth">
    <div class="auth-intro">
      <p class="eyebrow">${t('app.name')}</p>
      <p class="auth-pitch">${t('signup.pitch')}</p>
      <ul class="auth-points">
        <li>${t('signup.point1')}</li>
        <li>${t('signup.point2')}</li>
      </ul>
    </div>
    <div class="card auth-card">
      <${PageTitle}>${t('signup.title')}<//>
      ${error ? html`<${Alert}>${error}<//>` : null}
      <form onSubmit=${submit} novalidate>
        <${Field} id="signup-username" label=${t('field.label.username')} value=${form.username} onInput=${set('username')}
          autocomplete="username" required=${true} hint=${t('field.username')} error=${errors.username} maxLength=${32} />
        <${Field} id="signup-name" label=${t('field.label.name')} value=${form.name} onInput=${set('name')}
          autocomplete="name" required=${true} error=${errors.name} maxLength=${100} />
        <${Field} id="signup-email" label=${t('field.label.email')} type="email" value=${form.email} onInput=${set('email')}
          autocomplete="email" required=${true} error=${errors.email} />
        <${Field} id="signup-password" label=${t('field.label.password')} type="password" value=${form.password}
          onInput=${set('password')} autocomplete="new-password" required=${true} hint=${t('field.password')}
          error=${errors.password} maxLength=${128} />
        <div class="actions">
          <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>${t('signup.submit')}</button>
        </div>
      </form>
      <p class="auth-switch">${t('signup.haveAccount')} <a href="#/login">${t('login.submit')}</a></p>
    </div>
  </section>`;
}
