/* rida editor — behaviour: every edit becomes a queued operation (see autosave.js),
 * the answers update what the page knows of the server (editor-known.js), conflicts are
 * shown and resolved by the rapporteur (editor-conflicts.js), and the RIDA grid is driven
 * from the keyboard.
 *
 * Operations (ops), as stored in localStorage:
 *   {kind: 'meeting', field, value, base}       header field; base = the server value the
 *                                               typed one started from
 *   {kind: 'row'|'part'|'action', uid, field, value, base, revision}   base: idem (sent for
 *                                               texts); revision: the server had it then
 *   {kind: 'row-add', uid, after} / {kind: 'part-add'|'action-add', uid, body}
 *   {kind: 'row-delete'|'part-delete'|'action-delete', uid}
 *   {kind: 'row-move'|'part-move'|'action-move', uid, direction, to}
 * Other scripts add kinds of ops in `Rida.opKinds` (before this one runs): `{request,
 * onAck, onConflict, onReject, apply}` for that kind (follow-up.js: 'followup').
 */
(function () {
  'use strict';

  const { Queue, Speakers, Dom, ActionDom, Known, Conflicts } = window.Rida;
  const { root, grid, people, data } = Dom;
  const DEBOUNCE_MS = 600;
  const api = root.dataset.api;
  const statusEl = document.getElementById('save-status');
  const pendingEl = document.getElementById('save-pending');
  const alertEl = document.getElementById('save-alert');
  const announceEl = document.getElementById('announce');

  // Records the editor changes, by family: API path, container, items, first number.
  const FAMILIES = {
    row: { path: 'rows', container: grid, items: Dom.rowItems, first: 1, prefix: 'row',
      field: 'nature', gone: 'cette ligne' },
    part: { path: 'participants', container: people, items: Dom.partItems, first: 0,
      prefix: 'p', field: 'function', gone: 'ce participant' },
    action: { path: 'actions', container: ActionDom.list, items: ActionDom.items, first: 0,
      prefix: 'action', field: 'title', gone: 'cette action' },
  };
  const opKinds = window.Rida.opKinds || {};
  const familyOf = (tb) => Object.keys(FAMILIES).find((k) => FAMILIES[k].container.contains(tb));

  const STATUS = {
    ...window.Rida.SAVE_STATES,
    conflict: 'Conflit de modification à résoudre (voir le message dans la page)',
    frozen: 'Compte-rendu validé : modifications refusées (voir le message dans la page)',
  };

  function announce(message) {
    announceEl.textContent = '';
    requestAnimationFrame(() => { announceEl.textContent = message; });
  }

  // --- Ops ------------------------------------------------------------------------

  const family = (op) => op.kind.split('-')[0];        // meeting | row | part | action
  const isFieldOp = (op) => !op.kind.includes('-');

  function fieldOp(kind, uid, field, value) {
    return kind === 'meeting' ? { kind, key: `meeting::${field}`, field, value }
      : { kind, key: `${kind}:${uid}:${field}`, uid, field, value };
  }

  /** `op` with what it builds on: the server's value of its field when the user started
   *  changing it (`base`) and, for a record, the revision it had then (`revision`). */
  function based(op) {
    const { base, revision } = Known.basis(op.kind, op.uid, Known.fieldOf(op));
    return op.kind === 'meeting' ? { ...op, base } : { ...op, base, revision };
  }

  function recordOp(kind, uid, field, value) {
    return based(fieldOp(kind, uid, field, value));
  }

  /** The op that saves `el`'s current value (without its base), or null if `el` is not a
   *  saved field. */
  function opFor(el) {
    // A date is saved once valid (ISO), never as typed: date-input.js says what is wrong.
    const date = 'date' in el.dataset ? window.Rida.dates.value(el) : undefined;
    if (date === null || (date === '' && el.required)) return null;
    if (el.dataset.role) {
      return fieldOp('meeting', null, el.dataset.role, el.checked ? Number(el.value) : null);
    }
    if (el.matches('[data-comment]')) return fieldOp('meeting', null, 'comments', Dom.commentValues());
    if (el.dataset.meeting) return fieldOp('meeting', null, el.dataset.meeting, Dom.meetingValue(el));
    const tb = el.closest('tbody[data-uid]');
    const field = el.dataset.field;
    if (!tb || !field) return null;
    if (tb.classList.contains('rida-item')) {
      const value = field === 'nature' ? el.value || null : el.value;
      return fieldOp('row', tb.dataset.uid, field, value);
    }
    if (tb.classList.contains('action-item')) {
      if (field === 'owner_id' && !/^\d*$/.test(el.value)) return null;   // a form opens
      const value = field === 'owner_id' ? Number(el.value) || null
        : field === 'due_date' ? date || null : field === 'row' ? el.value || null : el.value;
      return fieldOp('action', tb.dataset.uid, field, value);
    }
    return fieldOp('part', tb.dataset.uid, field, el.value);
  }

  /** Queue the edit of `el` (sent after `delay` ms without typing). */
  function edit(el, delay) {
    const op = opFor(el);
    if (!op) return;
    if (op.kind === 'meeting' && (op.field === 'organiser_id' || op.field === 'rapporteur_id')) {
      Dom.showRole(op.field, op.value);
    }
    if (Conflicts.conflicts.has(Conflicts.keyOf(op))) op.held = true;   // the choice waits
    queue.put(based(op), delay);
  }

  function request(op) {
    if (opKinds[op.kind]) return opKinds[op.kind].request(op);
    const base = `${api}/${FAMILIES[family(op)]?.path}`;
    switch (op.kind) {
      case 'meeting':
        return { method: 'PATCH', url: api,
          body: { fields: { [op.field]: op.value }, base: { [op.field]: op.base } } };
      case 'row': case 'part': case 'action': {
        const field = Known.fieldOf(op);
        if (op.revision == null) {
          // Made before the server had the record: it builds on what its answer said.
          const basis = Known.basis(op.kind, op.uid, field);
          op.revision = basis.revision;
          if (op.base === undefined) op.base = basis.base;
        }
        const body = { revision: op.revision ?? null, fields: { [op.field]: op.value } };
        if (Known.isText(op.kind, field) && op.base !== undefined) {
          body.base = { [op.field]: op.base };
        }
        return { method: 'PATCH', url: `${base}/${op.uid}`, body };
      }
      case 'row-add':
        return { method: 'POST', url: base, body: { uid: op.uid, after: op.after, fields: {} } };
      case 'part-add': case 'action-add':
        return { method: 'POST', url: base, body: op.body };
      case 'row-delete': case 'part-delete': case 'action-delete':
        return { method: 'DELETE', url: `${base}/${op.uid}` };
      default:   // row-move, part-move, action-move
        return { method: 'POST', url: `${base}/${op.uid}/move`,
          body: { direction: op.direction, to: op.to } };
    }
  }

  /** The field an op saves, to show its errors next to it. */
  function elementOf(op) {
    if (op.kind === 'meeting') {
      return op.field === 'comments' ? Dom.comments : Dom.meetingInput(op.field);
    }
    const f = FAMILIES[family(op)];
    const field = op.field === 'owner' ? 'owner_id' : op.field || f.field;   // structural: first
    return document.getElementById(`${f.prefix}-${op.uid}-${field}`);
  }

  // --- Answers from the server ----------------------------------------------------

  /** The answer's record updates what the page knows, and the fields the user is not on. */
  function learn(kind, op, server) {
    if (isFieldOp(op)) Known.acked(op, server);
    else Known.receive(kind, op.uid, server);
  }

  function onAck(op, answer) {
    if (opKinds[op.kind]) { opKinds[op.kind].onAck(op, answer); return; }
    Dom.clearError(elementOf(op));
    if (op.kind === 'meeting') {
      if (answer.meeting) Known.acked(op, answer.meeting);
      return;
    }
    if (answer.row) {
      learn('row', op, answer.row);
      rememberSubject(answer.row.subject);
    }
    if (answer.participant) {
      learn('part', op, answer.participant);
      const tb = Dom.find(people, op.uid);
      if (tb && op.kind === 'part-add') {
        Dom.showPerson(tb, answer.participant);
        Dom.addPersonOption(answer.participant);
      }
    }
    if (answer.action) {
      learn('action', op, answer.action);
      const tb = Dom.find(ActionDom.list, op.uid);
      if (answer.action.owner) ActionDom.addOwner(answer.action.owner);
      if (tb && op.field === 'owner' && tb.dataset.owner === 'pending') {
        ActionDom.showOwner(tb, String(answer.action.owner?.id ?? ''));
        ActionDom.showLinked();
      }
    }
    if (op.kind.endsWith('-delete')) Known.forget(family(op), op.uid);
    if (answer.order) syncOrder('row', answer.order.map((o) => o.uid));
    if (answer.participants) syncOrder('part', answer.participants.map((p) => p.uid));
    if (answer.actions) syncOrder('action', answer.actions.map((a) => a.uid));
  }

  function rememberSubject(subject) {
    const list = document.getElementById('subject-suggestions');
    if (subject && ![...list.options].some((o) => o.value === subject)) {
      list.append(new Option(subject, subject));
    }
  }

  /** Once nothing structural is pending, the page's order follows the server's (`uids`).
   *  An item the server does not list (deleted by someone else, kept for the user who is
   *  on it) stays where it is; one the page lacks comes with the live stream (else a
   *  reload shows it). The focused field stays focused, its caret where it was. */
  function syncOrder(kind, uids) {
    if (queue.ops.some((o) => family(o) === kind && !isFieldOp(o))) return;
    const { container, items } = FAMILIES[kind];
    const mine = items().map((tb) => tb.dataset.uid);
    if (uids.some((u) => !mine.includes(u)) && !window.Rida.live?.connected()) {
      const what = { row: 'Les lignes du RIDA ont été modifiées',
        part: 'Les intervenants ont été modifiés', action: 'Les actions ont été modifiées' };
      alertEl.textContent = `${what[kind]} par quelqu'un d'autre : rechargez la page pour `
        + 'voir la version à jour.';
    }
    const order = uids.filter((u) => mine.includes(u));
    mine.forEach((u, i) => {
      if (!uids.includes(u)) order.splice(Math.min(i, order.length), 0, u);
    });
    if (order.join() === mine.join()) return;
    const focused = document.activeElement;
    const caret = typeof focused?.selectionStart === 'number'
      ? [focused.selectionStart, focused.selectionEnd, focused.selectionDirection] : null;
    for (const uid of order) container.append(Dom.find(container, uid));
    if (focused && focused !== document.activeElement) {
      focused.focus({ preventScroll: true });
      if (caret) focused.setSelectionRange(...caret);
    }
    Dom.renumberRows();
    ActionDom.renumber();
    ActionDom.showLinked();
  }

  function onReject(op, status, answer) {
    if (opKinds[op.kind]) { opKinds[op.kind].onReject(op, status, answer); return; }
    if (op.kind.endsWith('-delete') && status === 404) { onAck(op, {}); return; }
    let message = (answer.errors || []).map((e) => e.message).join(' ; ') || answer.message
      || `erreur ${status}`;
    if (status === 404) {
      message = family(op) === 'meeting' ? 'réunion introuvable'
        : `${FAMILIES[family(op)].gone} n'existe plus sur le serveur`
          + ' (supprimé par quelqu\'un d\'autre ?)';
    }
    alertEl.textContent = `Modification refusée : ${message}`;
    if (op.kind === 'part-add') {
      // Not added: take the row away, give the typed values back to the form.
      const tb = Dom.find(people, op.uid);
      if (tb) tb.remove();
      queue.drop((o) => o.uid === op.uid);
      window.Rida.editor.participantForm.refill(op.body, `Participant non ajouté : ${message}`);
      return;
    }
    Dom.showError(elementOf(op), message);
  }

  // --- Conflicts (editor-conflicts.js) ------------------------------------------------

  function onConflict(op, answer) {
    if (opKinds[op.kind]) { opKinds[op.kind].onConflict(op, answer); return; }
    if (isFieldOp(op)) { Conflicts.onConflict(op, answer); return; }
    queue.drop((o) => o === op);   // no such conflict today: said, not retried
    onReject(op, 409, answer);
  }

  // --- Validated meanwhile ----------------------------------------------------------

  /** The server refuses every edit (409 "validated"): say so, make the page read-only,
   *  and leave the typed text in place so that it can be copied into a new version. */
  function onFrozen(answer, dropped) {
    const n = dropped.length;
    const lost = n ? ` ${n} modification${n > 1 ? 's' : ''} non enregistrée${n > 1 ? 's' : ''}`
      + ' (le texte reste affiché dans la page, copiez-le si besoin).' : '';
    freeze(`${answer.message || 'Ce compte-rendu est validé.'}${lost}`);
  }

  /** Read-only page, and why (validated meanwhile, or access ended: editor-live.js). */
  function freeze(message) {
    alertEl.textContent = message;
    for (const el of root.querySelectorAll('input, textarea')) el.readOnly = true;
    for (const el of root.querySelectorAll('select, button, input[type="radio"]')) {
      el.disabled = true;
    }
    root.classList.add('frozen');
  }

  // --- Status ---------------------------------------------------------------------

  function onState(state, { pending }) {
    statusEl.textContent = STATUS[state];
    statusEl.dataset.state = state;
    pendingEl.textContent = pending
      ? `${pending} modification${pending > 1 ? 's' : ''} en attente d'envoi` : '';
    document.getElementById('save-login').hidden = state !== 'auth';
  }

  // --- Restoring unsent edits -----------------------------------------------------

  /** Show again, in order, the edits a closed page left unsent. */
  function applyOps(ops) {
    for (const op of ops) applyOp(op);
    Dom.renumberRows();
    ActionDom.renumber();
    Dom.renumberComments();
    if (ops.length) {
      const s = ops.length > 1 ? 's' : '';
      const note = `Modifications restaurées depuis ce navigateur : ${ops.length} modification${s}`
        + ` non enregistrée${s} lors de la dernière visite ${ops.length > 1 ? 'sont' : 'est'} de`
        + ' nouveau affichée' + s + ' et envoyée' + s + '.';
      document.getElementById('save-note').textContent = note;
      announce(note);
    }
  }

  function applyOp(op) {
    if (opKinds[op.kind]) { opKinds[op.kind].apply(op); return; }
    if (isFieldOp(op)) Known.adopt(op);
    const container = FAMILIES[family(op)]?.container;
    const tb = op.uid ? Dom.find(container, op.uid) : null;
    if (op.kind === 'meeting') Dom.setMeetingField(op.field, op.value);
    else if (op.kind === 'action' && op.field === 'owner') ActionDom.showPendingOwner(tb, op.value);
    else if (op.kind === 'action' && op.field === 'row') ActionDom.setValues(tb, { row: op.value });
    else if (op.kind === 'action' && op.field === 'owner_id') {
      ActionDom.showOwner(tb, String(op.value ?? ''));
    } else if (isFieldOp(op)) {
      const el = elementOf(op);
      if (el && 'date' in el.dataset) window.Rida.dates.put(el, op.value);
      else if (el) el.value = op.value ?? '';
    }
    else if (op.kind === 'action-add' && !tb) ActionDom.create(op.uid, op.body.fields);
    else if (op.kind === 'row-add' && !tb) {
      Dom.createRow(op.uid, op.after ? Dom.find(grid, op.after) : null);
    }
    else if (op.kind === 'part-add' && !tb) {
      const person = data.people.find((p) => p.id === op.body.person_id) || {};
      Dom.createParticipant(op.uid, { ...person, ...op.body, function: op.body.function,
        person_id: op.body.person_id, attendance: op.body.attendance });
    } else if (op.kind.endsWith('-delete')) tb?.remove();
    else if (op.kind.endsWith('-move') && tb) moveItem(tb, op.direction, op.to);
  }

  /** Swap `tb` with its neighbour unless it already sits at `to` (a replayed move). */
  function moveItem(tb, direction, to) {
    const { items: all, first } = FAMILIES[familyOf(tb)];
    const items = all();
    const i = items.indexOf(tb);
    if (to != null && i + first === to) return false;
    const other = items[direction === 'up' ? i - 1 : i + 1];
    if (!other) return false;
    // Move the neighbour, not `tb`: the focused field stays in the document and focused.
    if (direction === 'up') tb.after(other);
    else tb.before(other);
    return true;
  }

  // --- Queue ----------------------------------------------------------------------

  /** Whether `op` must not be sent before `earlier` (older, not yet acknowledged) is: the
   *  same field, an order that matters (adds, moves and deletes of one family; a record's
   *  creation before its edits or its deletion after them), or a row being created that
   *  the op refers to. The rest may go together (keepalive, when the page is left). */
  function waits(op, earlier) {
    if (op.key && op.key === earlier.key) return true;
    const structural = (o) => !isFieldOp(o) && !opKinds[o.kind];
    if (structural(op) && structural(earlier) && family(op) === family(earlier)) return true;
    if (earlier.uid && earlier.uid === op.uid && (structural(op) || structural(earlier))) {
      return true;
    }
    return earlier.kind === 'row-add'
      && (op.value === earlier.uid || op.body?.fields?.row === earlier.uid);
  }

  const queue = new Queue({
    meetingId: root.dataset.meetingId, request, onAck, onConflict, onReject, onFrozen, onState,
    waits,
  });

  window.Rida.editor = { queue, edit, recordOp, announce, moveItem, freeze, syncOrder,
    FAMILIES, DEBOUNCE_MS };

  // Start from the server's values (a reload may have kept old ones), then unsent edits.
  for (const [field, value] of Object.entries(data.meeting)) {
    if (field !== 'comments' && Dom.meetingInput(field)) Dom.setMeetingField(field, value);
  }
  for (const row of data.rows) Dom.setRowValues(Dom.find(grid, row.uid), row);
  for (const p of data.participants) Dom.setPartValues(Dom.find(people, p.uid), p);
  for (const a of data.actions) ActionDom.setValues(Dom.find(ActionDom.list, a.uid), a);
  ActionDom.showLinked();
  queue.adopt().then((ops) => {   // decrypted first (autosave.js)
    applyOps(ops);
    ActionDom.showLinked();
    queue.start(applyOps);
  });
  // The banner's « Se reconnecter » leaves the page on purpose: the edits are stored and
  // come back after the login, no need to ask.
  document.querySelector('[data-session-login]')?.addEventListener('click', (e) => {
    const here = e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey;
    if (here && !queue.storageFailed) queue.leavingOnPurpose = true;
  });

  // --- Field edits ----------------------------------------------------------------

  const speakers = new Speakers(document.getElementById('speaker-list'),
    data.suggestions.speakers || [], announce);
  window.Rida.editor.speakers = speakers;

  root.addEventListener('input', (e) => {
    const el = e.target;
    if (el.closest('#add-participant') || el.type === 'radio' || el.tagName === 'SELECT') return;
    edit(el, DEBOUNCE_MS);
    if (el.matches('textarea[data-speakers]')) speakers.update(el);
  });
  root.addEventListener('change', (e) => {
    const el = e.target;
    if (el.closest('#add-participant')) return;
    if (el.type === 'radio' || el.tagName === 'SELECT') edit(el, 0);
    else queue.flush(opFor(el)?.key);       // left the field: send it now
  });
  root.addEventListener('focusout', (e) => {
    if (e.target === speakers.field) speakers.close();
    // Left with nothing to send: the field shows the server's value (someone else's words).
    const where = Known.locate(e.target);
    if (where) setTimeout(() => Known.settle(where.kind, where.uid, where.field), 0);
  });
})();
