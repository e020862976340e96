/* rida — dates typed and shown as JJ/MM/AAAA, whatever the browser's language.
 *
 * Every date field is a text input marked `data-date` (no <input type="date">, whose
 * format follows the browser's locale: mm/dd/yyyy in an English browser). It accepts
 * JJ/MM/AAAA, J/M/AAAA and an ISO AAAA-MM-JJ pasted; once left, a valid date is shown as
 * JJ/MM/AAAA, an invalid one keeps its text and gets the message « Date invalide :
 * attendu JJ/MM/AAAA » (and blocks the form it is in). What is saved or sent is ISO:
 * the server also reads JJ/MM/AAAA from a form sent without JavaScript (rida.fields).
 *
 * window.Rida.dates: iso(text) → 'AAAA-MM-JJ', '' (empty) or null (invalid);
 * show(iso) → 'JJ/MM/AAAA'; value(el) → iso(el.value); put(el, iso) shows a saved value.
 */
(function () {
  'use strict';

  const MESSAGE = 'Date invalide : attendu JJ/MM/AAAA';
  const pad = (n) => String(n).padStart(2, '0');

  function iso(text) {
    const s = String(text ?? '').trim();
    if (!s) return '';
    let found = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    let y; let m; let d;
    if (found) [d, m, y] = [Number(found[1]), Number(found[2]), Number(found[3])];
    else if ((found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
      [y, m, d] = [Number(found[1]), Number(found[2]), Number(found[3])];
    } else return null;
    const date = new Date(Date.UTC(2000, m - 1, d));
    date.setUTCFullYear(y);
    if (y < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1
      || date.getUTCDate() !== d) return null;
    return `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
  }

  function show(value) {
    const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value ?? ''));
    return found ? `${found[3]}/${found[2]}/${found[1]}` : String(value ?? '');
  }

  /** The message element under `el` (made on first use), named by its aria-describedby. */
  function messageOf(el) {
    const id = `${el.id || 'date'}-invalid`;
    let p = document.getElementById(id);
    if (!p) {
      p = document.createElement('p');
      p.id = id;
      p.className = 'date-invalid';
      p.hidden = true;
      el.insertAdjacentElement('afterend', p);
      const by = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      el.setAttribute('aria-describedby', [...by, id].join(' '));
    }
    return p;
  }

  function mark(el, bad) {
    el.setCustomValidity(bad ? MESSAGE : '');
    if (bad) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
    const p = bad ? messageOf(el) : document.getElementById(`${el.id || 'date'}-invalid`);
    if (p) {
      p.textContent = bad ? MESSAGE : '';
      p.hidden = !bad;
    }
  }

  /** Check `el` as it stands; a valid date is shown as JJ/MM/AAAA. */
  function check(el) {
    const found = iso(el.value);
    if (found === null || (found === '' && el.required)) { mark(el, true); return false; }
    if (found && el.value !== show(found)) el.value = show(found);
    mark(el, false);
    return true;
  }

  function put(el, value) {
    el.value = show(value);
    mark(el, false);
  }

  const isDate = (el) => el instanceof HTMLInputElement && 'date' in el.dataset;

  // Capture: runs before the editor's own handlers, which then read the normalised text.
  document.addEventListener('change', (e) => { if (isDate(e.target)) check(e.target); }, true);
  document.addEventListener('input', (e) => {
    // Typing again clears the message once the text is a date (never while typing).
    if (isDate(e.target) && e.target.getAttribute('aria-invalid') && iso(e.target.value) !== null) {
      mark(e.target, false);
    }
  }, true);
  // A form with an invalid date is not sent: the message says why.
  document.addEventListener('submit', (e) => {
    const bad = [...e.target.querySelectorAll('input[data-date]')].filter((el) => !check(el));
    // Otherwise sent as typed (JJ/MM/AAAA): the server reads it (rida.fields.typed_date).
    if (bad.length) {
      e.preventDefault();
      bad[0].focus();
    }
  }, true);
  // Shown as JJ/MM/AAAA from the start, even a value the server wrote as ISO.
  for (const el of document.querySelectorAll('input[data-date]')) {
    if (iso(el.value)) el.value = show(iso(el.value));
  }

  window.Rida = window.Rida || {};
  window.Rida.dates = { MESSAGE, iso, show, put, value: (el) => iso(el.value), check };
})();
