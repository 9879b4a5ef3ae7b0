// Account: the profile and quota, change the password (every token is revoked: log in again),
// delete the account after a confirmation that names what is lost.
import { html } from '../lib/html.js';
import { useEffect, useState } from '../vendor/hooks.mjs';
import { t } from '../i18n/index.js';
import { ApiError, changePassword, deleteAccount, history, listCvs, me } from '../api.js';
import { Alert, Field, Loading, PageTitle, errorMessage, fieldErrors } from '../lib/ui.js';
import { formatDate } from '../lib/util.js';

/** @typedef {import('../api.js').Profile} Profile */
/** @typedef {import('../app.js').Session} Session */

/** @param {{ session: Session, lang: string }} props */
export function AccountScreen({ session, lang }) {
  const [profile, setProfile] = useState(/** @type {Profile | null} */ (null));
  const [counts, setCounts] = useState(/** @type {{ cvs: number, interviews: number } | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));

  useEffect(() => {
    Promise.all([me(), listCvs(), history()])
      .then(([p, cvs, h]) => {
        setProfile(p);
        setCounts({ cvs: cvs.items.length, interviews: h.items.length });
      })
      .catch((err) => setError(errorMessage(err)));
  }, []);

  if (error) return html`<div class="stack"><${PageTitle}>${t('account.title')}<//><${Alert}>${error}<//></div>`;
  if (!profile || !counts) return html`<div class="stack"><${PageTitle}>${t('account.title')}<//><${Loading} /></div>`;

  return html`<div class="stack">
    <${PageTitle}>${t('account.title')}<//>
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">${t('account.profile')}</h2>
      <dl class="profile">
        <div><dt>${t('field.label.username')}</dt><dd>${profile.username}</dd></div>
        <div><dt>${t('field.label.name')}</dt><dd>${profile.name}</dd></div>
        <div><dt>${t('field.label.email')}</dt><dd>${profile.email}</dd></div>
        <div><dt>${t('account.since')}</dt><dd>${formatDate(profile.created_at, lang)}</dd></div>
        <div><dt>${t('account.quota')}</dt><dd>${t('account.quotaValue', { used: profile.interviews_used, left: profile.interviews_left })}</dd></div>
      </dl>
    </section>
    <${PasswordForm} session=${session} />
    <${DeleteAccount} session=${session} counts=${counts} />
  </div>`;
}

/** @param {{ session: Session }} props */
function PasswordForm({ session }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);

  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (busy) return;
    /** @type {Record<string, string>} */
    const found = {};
    if (!current) found.current_password = t('account.currentMissing');
    if (next.length < 8 || next.length > 128) found.new_password = t('field.password');
    else if (next !== confirm) found.confirm = t('account.mismatch');
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      session.loggedOut(t('account.passwordChanged'));
    } catch (err) {
      setBusy(false);
      const fields = fieldErrors(err);
      setErrors(fields);
      setError(Object.keys(fields).length ? t('signup.fix') : errorMessage(err));
    }
  };

  return html`<section class="card" aria-labelledby="password-title">
    <h2 id="password-title">${t('account.changePassword')}</h2>
    <p class="hint">${t('account.changePasswordNote')}</p>
    ${error ? html`<${Alert}>${error}<//>` : null}
    <form onSubmit=${submit} novalidate class="narrow-form">
      <${Field} id="pw-current" label=${t('account.currentPassword')} type="password" value=${current} onInput=${setCurrent}
        autocomplete="current-password" error=${errors.current_password} />
      <${Field} id="pw-new" label=${t('account.newPassword')} type="password" value=${next} onInput=${setNext}
        autocomplete="new-password" hint=${t('field.password')} error=${errors.new_password} />
      <${Field} id="pw-confirm" label=${t('account.confirmPassword')} type="password" value=${confirm} onInput=${setConfirm}
        autocomplete="new-password" error=${errors.confirm} />
      <div class="actions">
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('account.changePassword')}</button>
      </div>
    </form>
  </section>`;
}

/** @param {{ session: Session, counts: { cvs: number, interviews: number } }} props */
function DeleteAccount({ session, counts }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [fieldError, setFieldError] = useState(/** @type {string | undefined} */ (undefined));
  const [busy, setBusy] = useState(false);

  const submit = async (/** @type {Event} */ e) => {
    e.preventDefault();
    if (busy) return;
    if (!password) {
      setFieldError(t('account.passwordToConfirmMissing'));
      return;
    }
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      await deleteAccount(password);
      session.loggedOut(t('account.deleted'));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 422) setFieldError(t('account.wrongPassword'));
      else setError(errorMessage(err));
    }
  };

  return html`<section class="card danger-zone" aria-labelledby="delete-title">
    <h2 id="delete-title">${t('account.delete')}</h2>
    <p>${t('account.deleteNote')}</p>
    ${!open
      ? html`<button type="button" class="btn btn-danger-quiet" onClick=${() => setOpen(true)}>${t('account.deleteStart')}</button>`
      : html`<form onSubmit=${submit} novalidate class="confirm narrow-form">
          <p><strong>${t('account.deleteConfirmTitle')}</strong></p>
          <ul class="plain-list">
            <li>${t('account.loseAccount')}</li>
            <li>${t('account.loseCvs', { count: counts.cvs })}</li>
            <li>${t('account.loseInterviews', { count: counts.interviews })}</li>
          </ul>
          <p>${t('account.deleteIrreversible')}</p>
          ${error ? html`<${Alert}>${error}<//>` : null}
          <${Field} id="delete-password" label=${t('account.passwordToConfirm')} type="password" value=${password}
            onInput=${setPassword} autocomplete="current-password" error=${fieldError} />
          <div class="actions-inline">
            <button type="submit" class="btn btn-danger" disabled=${busy}>${t('account.deleteYes')}</button>
            <button type="button" class="btn" onClick=${() => setOpen(false)}>${t('common.cancel')}</button>
          </div>
        </form>`}
  </section>`;
}
