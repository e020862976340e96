/* rida editor — the login session's clock.
 *
 * The server ends a session after a while without requests (and some hours after the
 * login). This asks it how long is left (GET /api/session, which does not extend the
 * session), warns in a banner (role="alert") before the end, with « Rester connecté »
 * (POST /api/session, CSRF-protected, which extends it), and once the session is over,
 * offers to log in again: the edits typed meanwhile stay in the autosave queue
 * (localStorage) and are sent after the new login, from this tab or another one.
 */
(function () {
  'use strict';

  const root = document.getElementById('session-warning');
  if (!root) return;
  const text = root.querySelector('[data-session-text]');
  const stay = root.querySelector('[data-session-stay]');
  const relogin = root.querySelector('[data-session-login]');
  const url = root.dataset.url;
  const RECHECK_MS = 10000;     // while warning or expired: ask the server again this often
  const FAR_MS = 60000;         // otherwise at most this long between two questions
  let deadline = null;          // Date.now() value when the server says the session ends
  let warnMs = 300000;
  let timer = null;
  let lastCheck = 0;
  let shown = null;             // 'warning' | 'expired' | null
  let returnTo = null;          // the element focused when the warning appeared

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  }

  async function ask(method) {
    try {
      const response = await fetch(url, {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json',
          'X-CSRFToken': csrfToken() },
        body: method === 'POST' ? '{}' : undefined,
      });
      if (response.status === 401) return { expired: true };
      if (!response.ok) return null;
      return await response.json();
    } catch (e) {
      return null;   // offline: the autosave queue says so; ask again later
    }
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
  }

  function show(kind) {
    if (shown === kind) return;
    shown = kind;
    root.hidden = kind === null;
    stay.hidden = kind !== 'warning';
    relogin.hidden = kind !== 'expired';
    if (kind === 'warning') {
      returnTo = document.activeElement;
      text.textContent = `Votre session va expirer à ${clock(deadline)} faute d'activité. `
        + 'Restez connecté pour continuer à enregistrer.';
    } else if (kind === 'expired') {
      text.textContent = 'Votre session a expiré. Vos modifications restent dans ce navigateur'
        + ' et seront envoyées dès que vous vous serez reconnecté (ici ou dans un autre onglet).';
    } else {
      text.textContent = '';
    }
  }

  function apply(state) {
    lastCheck = Date.now();
    if (state && state.expired) {
      deadline = Date.now();
    } else if (state && typeof state.seconds_left === 'number') {
      deadline = Date.now() + state.seconds_left * 1000;
      warnMs = state.warning_seconds * 1000;
    } else if (state && state.seconds_left === null) {
      return;   // a token, not a session: nothing ends
    }
    render();
  }

  function render() {
    clearTimeout(timer);
    if (deadline === null) {
      timer = setTimeout(check, RECHECK_MS);
      return;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      show('expired');
      timer = setTimeout(check, RECHECK_MS);
    } else if (left <= warnMs) {
      show('warning');
      const due = Date.now() - lastCheck >= RECHECK_MS;
      timer = setTimeout(due ? check : render, Math.min(1000, left + 50));
    } else {
      show(null);
      timer = setTimeout(check, Math.min(left - warnMs, FAR_MS));
    }
  }

  async function check() {
    apply(await ask('GET'));
  }

  stay.addEventListener('click', async () => {
    apply(await ask('POST'));
    // The button is gone: back to where the rapporteur was typing.
    if (shown === null && returnTo && document.contains(returnTo)) returnTo.focus();
  });

  check();
})();
