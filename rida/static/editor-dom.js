/* rida editor — DOM helpers: read and write the editor's fields, build rows from the
 * page's <template>s, number them, show messages. Nothing here talks to the server.
 *
 * RIDA rows and participants are each a <tbody> (one <tr> of cells, plus an optional
 * notice row), so that moving one moves its notices with it.
 */
(function () {
  'use strict';

  const root = document.getElementById('editor');
  const grid = document.getElementById('rida-grid');
  const people = document.getElementById('participants');
  const comments = document.getElementById('comments');
  const data = JSON.parse(document.getElementById('editor-data').textContent);
  const ROW_FIELDS = ['nature', 'subject', 'question', 'answer'];
  const NATURES = { I: 'Information', D: 'Décision', A: 'Action' };
  let commentSeq = 0;

  const rowItems = () => [...grid.querySelectorAll('tbody.rida-item')];
  const partItems = () => [...people.querySelectorAll('tbody.participant-item')];
  const commentItems = () => [...comments.querySelectorAll('.comment-item')];
  const find = (container, uid) => container.querySelector(`tbody[data-uid="${CSS.escape(uid)}"]`);

  // The rows' texts are sent once, in their fields: the JSON state lacks them (but for a
  // text with a carriage return, which HTML would change). `defaultValue` is the text the
  // server sent, even where the browser restored what was typed before a reload.
  for (const row of data.rows) {
    const tb = find(grid, row.uid);
    for (const f of ['subject', 'question', 'answer']) {
      if (!(f in row)) row[f] = tb?.querySelector(`[data-field="${f}"]`)?.defaultValue ?? '';
    }
  }

  /** A new element from a <template>, with `__uid__` replaced in its ids. */
  function fromTemplate(id, uid) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(uid)) throw new Error(`invalid uid: ${uid}`);
    const html = document.getElementById(id).innerHTML.replaceAll('__uid__', uid);
    const t = document.createElement('template');
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  /** Fill the accessible names: data-label="Objet de la ligne {n}" → "Objet de la ligne 3". */
  function fillLabels(scope, vars) {
    for (const el of scope.querySelectorAll('[data-label]')) {
      el.textContent = el.dataset.label.replaceAll('{n}', vars.n ?? '')
        .replaceAll('{name}', vars.name ?? '');
    }
  }

  // --- RIDA rows ------------------------------------------------------------------

  function renumberRows() {
    rowItems().forEach((tb, i) => {
      tb.querySelector('.num').textContent = String(i + 1);
      fillLabels(tb, { n: i + 1 });
    });
  }

  function rowNumber(tb) {
    return rowItems().indexOf(tb) + 1;
  }

  /** A new, empty row below `afterTb` (at the end when null). */
  function createRow(uid, afterTb) {
    const tb = fromTemplate('rida-row-template', uid);
    if (afterTb) afterTb.after(tb);
    else grid.append(tb);
    renumberRows();
    return tb;
  }

  function setRowValues(tb, row) {
    for (const f of ROW_FIELDS) {
      const el = tb.querySelector(`[data-field="${f}"]`);
      if (el && f in row) el.value = row[f] ?? '';
    }
  }

  function rowValues(tb) {
    const out = {};
    for (const f of ROW_FIELDS) out[f] = tb.querySelector(`[data-field="${f}"]`).value;
    out.nature = out.nature || null;
    return out;
  }

  // --- Participants ---------------------------------------------------------------

  function displayName(p) {
    const name = [p.first_name, (p.last_name || '').toUpperCase()].filter(Boolean).join(' ');
    return name || p.entity || '';
  }

  /** « Prénom NOM (ORGANISATION) », as rida.meetings.people.label writes it. */
  function personLabel(p) {
    const name = [p.first_name, (p.last_name || '').toUpperCase()].filter(Boolean).join(' ');
    if (!p.entity) return name;
    return name ? `${name} (${p.entity})` : p.entity;
  }

  /** A new participant row at the end; `p` has the person's names and the participation. */
  function createParticipant(uid, p) {
    const tb = fromTemplate('participant-template', uid);
    people.append(tb);
    showPerson(tb, p);
    setPartValues(tb, p);
    return tb;
  }

  /** Show who the participant is (its names, editable in place: the `person` field). */
  function showPerson(tb, p) {
    for (const f of ['last_name', 'first_name', 'entity']) {
      const input = tb.querySelector(`[data-person-field="${f}"]`);
      if (input) input.value = p[f] || '';
    }
    tb.dataset.name = displayName(p);
    fillLabels(tb, { name: tb.dataset.name });
    setPersonId(tb, p.person_id);
  }

  /** The person's id is known once the server has the participant: it enables the radios. */
  function setPersonId(tb, personId) {
    tb.dataset.person = personId ? String(personId) : '';
    for (const radio of tb.querySelectorAll('input[data-role]')) {
      radio.value = tb.dataset.person;
      radio.disabled = !personId;
      const select = document.getElementById(`f-${radio.dataset.role}`);
      radio.checked = Boolean(personId) && select.value === String(personId);
    }
  }

  function setPartValues(tb, p) {
    if (p.person && typeof p.person === 'object') {
      showPerson(tb, { ...p.person, person_id: p.person.id ?? tb.dataset.person });
    }
    for (const f of ['function', 'attendance']) {
      const el = tb.querySelector(`[data-field="${f}"]`);
      if (el && f in p) el.value = p[f] ?? '';
    }
  }

  /** Organiser or rapporteur: the header select and the participants' radios agree. */
  function showRole(field, personId, label) {
    const select = document.getElementById(`f-${field}`);
    const value = personId == null ? '' : String(personId);
    if (value && ![...select.options].some((o) => o.value === value)) {
      select.add(new Option(label || personOptionLabel(personId), value));
    }
    select.value = value;
    for (const radio of people.querySelectorAll(`input[data-role="${field}"]`)) {
      radio.checked = value !== '' && radio.value === value;
    }
  }

  function personOptionLabel(personId) {
    const p = data.people.find((x) => x.id === personId);
    return p ? p.label : `Personne n° ${personId}`;
  }

  /** Offer a person (new in this page) in the organiser and rapporteur selects. */
  function addPersonOption(p) {
    for (const field of ['organiser_id', 'rapporteur_id']) {
      const select = document.getElementById(`f-${field}`);
      if (![...select.options].some((o) => o.value === String(p.person_id))) {
        select.add(new Option(personLabel(p), String(p.person_id)));
      }
    }
  }

  // --- Header fields and comments -------------------------------------------------

  function meetingInput(field) {
    return root.querySelector(`[data-meeting="${field}"]`);
  }

  /** The value to save for a header input (lists for one-item-per-line fields). */
  function meetingValue(el) {
    const kind = el.dataset.kind;
    if (kind === 'lines') return el.value.split('\n').map((s) => s.trim()).filter(Boolean);
    if (kind === 'person') return el.value ? Number(el.value) : null;
    if (el.dataset.meeting === 'comments') return commentValues();
    if ('date' in el.dataset) return window.Rida.dates.value(el);   // ISO; null: invalid
    return el.value;
  }

  function setMeetingField(field, value) {
    if (field === 'comments') { renderComments(value || []); return; }
    const el = meetingInput(field);
    if (!el) return;
    if (el.dataset.kind === 'lines') el.value = (value || []).join('\n');
    else if (el.dataset.kind === 'person') showRole(field, value);
    else if ('date' in el.dataset) window.Rida.dates.put(el, value);   // JJ/MM/AAAA
    else el.value = value ?? '';
  }

  function commentValues() {
    return commentItems().map((c) => c.querySelector('textarea').value.trim()).filter(Boolean);
  }

  function addComment(text) {
    commentSeq += 1;
    const item = fromTemplate('comment-template', `c${commentSeq}`);
    comments.append(item);
    item.querySelector('textarea').value = text || '';
    renumberComments();
    return item;
  }

  function renderComments(list) {
    const values = commentItems().map((c) => c.querySelector('textarea').value.trim());
    if (values.filter(Boolean).join('\n\u0000') === list.join('\n\u0000')) return;
    comments.replaceChildren();
    list.forEach((text) => addComment(text));
  }

  function renumberComments() {
    commentItems().forEach((c, i) => fillLabels(c, { n: i + 1 }));
  }

  // --- Messages -------------------------------------------------------------------

  /** Show `message` under a field (or a container), linked with aria-describedby. */
  function showError(el, message) {
    if (!el) return;
    const id = `${el.id || 'field'}-error`;
    let p = document.getElementById(id);
    if (!p) {
      p = document.createElement('p');
      p.id = id;
      p.className = 'field-error';
      (el.matches('input, select, textarea') ? el.parentElement : el).append(p);
    }
    p.textContent = message;
    if (el.matches('input, select, textarea')) {
      el.setAttribute('aria-invalid', 'true');
      const ids = new Set((el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
      ids.add(id);
      el.setAttribute('aria-describedby', [...ids].join(' '));
    }
  }

  function clearError(el) {
    if (!el) return;
    const id = `${el.id || 'field'}-error`;
    const p = document.getElementById(id);
    if (!p) return;
    p.remove();
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }

  /**
   * Ask for confirmation in the page's modal <dialog>; resolves to true if confirmed.
   * The focus starts on the safe choice (Annuler): Enter cancels, Tab reaches the action.
   */
  function confirmDialog(title, text, okLabel) {
    const dialog = document.getElementById('confirm-dialog');
    const ok = document.getElementById('confirm-ok');
    document.getElementById('confirm-title').textContent = title;
    document.getElementById('confirm-text').textContent = text;
    ok.textContent = okLabel;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'),
        { once: true });
      dialog.showModal();
      document.getElementById('confirm-cancel').focus();
    });
  }

  function shorten(text, max = 160) {
    const s = String(text ?? '');
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  }

  window.Rida = Object.assign(window.Rida || {}, {
    Dom: {
      root, grid, people, comments, data, ROW_FIELDS, NATURES,
      rowItems, partItems, commentItems, find, fromTemplate, fillLabels,
      renumberRows, rowNumber, createRow, setRowValues, rowValues,
      displayName, personLabel, createParticipant, showPerson, setPersonId, setPartValues,
      showRole, addPersonOption,
      meetingInput, meetingValue, setMeetingField, commentValues, addComment,
      renumberComments, showError, clearError, confirmDialog, shorten,
    },
  });
})();
