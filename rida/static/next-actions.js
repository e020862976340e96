/* rida editor — the "Prochaines actions" section: add, move and delete actions, choose or
 * create their owner, and create from a RIDA row an action linked to it (Alt+N).
 * Like rows, every change shows at once (so it works offline) and queues its operation;
 * a new action gets its uid here, so later edits can target it before the server has it.
 */
(function () {
  'use strict';

  const { Dom, ActionDom, newId, editor, Conflicts } = window.Rida;
  const { grid } = Dom;
  const { list } = ActionDom;
  const { queue, announce, moveItem, recordOp } = editor;
  const addButton = document.getElementById('add-action');

  function addAction(fields) {
    const uid = newId();
    const tb = ActionDom.create(uid, fields);
    queue.put({ kind: 'action-add', uid, body: { uid, fields } });
    const title = ActionDom.field(tb, 'title');
    title.focus();
    title.select();   // typing replaces the suggested title
    return tb;
  }

  /** Alt+N in a RIDA row: an action linked to it, titled after the row's subject. */
  function addFromRow(rowTb) {
    const n = Dom.rowNumber(rowTb);
    const subject = rowTb.querySelector('[data-field="subject"]').value.trim();
    const tb = addAction({ title: subject || `Action de la ligne ${n}`, row: rowTb.dataset.uid });
    announce(`Action ${ActionDom.number(tb)} créée pour la ligne ${n} : saisissez son intitulé.`);
  }

  function moveAction(tb, direction) {
    if (!moveItem(tb, direction)) {
      announce(`C'est déjà la ${direction === 'up' ? 'première' : 'dernière'} action.`);
      return;
    }
    ActionDom.renumber();
    ActionDom.showLinked();
    const to = ActionDom.number(tb);
    queue.put({ kind: 'action-move', uid: tb.dataset.uid, direction, to: to - 1 });
    announce(`Action déplacée en position ${to}.`);
  }

  async function deleteAction(tb, from) {
    const n = ActionDom.number(tb);
    const ok = await Dom.confirmDialog(`Supprimer l'action ${n} ?`,
      'L\'action sera retirée du compte-rendu et de son suivi.', 'Supprimer');
    if (!ok || !tb.isConnected) { from?.focus(); return; }
    const items = ActionDom.items();
    const i = items.indexOf(tb);
    const next = items[i + 1] || items[i - 1];
    tb.remove();
    ActionDom.renumber();
    ActionDom.showLinked();
    editor.forget('action', tb.dataset.uid);
    queue.put({ kind: 'action-delete', uid: tb.dataset.uid });
    editor.focusSame(next, from, addButton);
    announce(`Action ${n} supprimée.`);
  }

  // --- Owner: a known person or organisation, or a new one typed in a small form -----

  function ownerForm(tb) {
    return tb.querySelector('.new-owner');
  }

  function openOwnerForm(tb, kind) {
    const form = ownerForm(tb);
    form.hidden = false;
    form.dataset.kind = kind;
    for (const el of form.querySelectorAll('[data-owner-part="person"]')) {
      el.hidden = kind !== 'new-person';
    }
    for (const input of form.querySelectorAll('input')) input.value = '';
    // No focus move: arrowing through the select must not jump into the form.
    announce(kind === 'new-person' ? 'Saisissez la nouvelle personne juste après (Tab).'
      : 'Saisissez la nouvelle organisation juste après (Tab).');
  }

  function closeOwnerForm(tb, restore) {
    const form = ownerForm(tb);
    for (const input of form.querySelectorAll('input')) Dom.clearError(input);
    form.hidden = true;
    if (restore) ActionDom.showOwner(tb, tb.dataset.owner || '');
    ActionDom.field(tb, 'owner_id').focus();
  }

  function saveOwner(tb) {
    const form = ownerForm(tb);
    const person = form.dataset.kind === 'new-person';
    const value = (name) => form.querySelector(`[data-owner-field="${name}"]`);
    const owner = { last_name: person ? value('last_name').value.trim() : '',
      first_name: person ? value('first_name').value.trim() : '',
      entity: value('entity').value.trim() };
    const required = person ? 'last_name' : 'entity';
    if (!owner[required]) {
      Dom.showError(value(required), person ? 'Le nom est obligatoire.'
        : 'Le nom de l\'organisation est obligatoire.');
      value(required).focus();
      return;
    }
    const op = recordOp('action', tb.dataset.uid, 'owner', owner);
    if (Conflicts.has('action', tb.dataset.uid, 'owner')) op.held = true;
    queue.put(op);
    ActionDom.showPendingOwner(tb, owner);
    closeOwnerForm(tb, false);
    ActionDom.showLinked();
    announce(`Porteur de l'action ${ActionDom.number(tb)} : ${Dom.personLabel(owner)}.`);
  }

  // --- Events ---------------------------------------------------------------------

  grid.addEventListener('keydown', (e) => {
    const tb = e.target.closest('tbody.rida-item');
    if (!tb || e.target.closest('.notice-row') || !e.altKey || e.shiftKey || e.ctrlKey
      || e.metaKey || editor.shortcutLetter(e) !== 'N') return;
    e.preventDefault();
    addFromRow(tb);
  });

  // Subjects and rows changed: the RIDA row selects show the new texts.
  grid.addEventListener('change', (e) => {
    if (e.target.matches('[data-field="subject"]')) ActionDom.refreshRows();
  });

  list.addEventListener('keydown', (e) => {
    const tb = e.target.closest('tbody.action-item');
    if (!tb || e.target.closest('.notice-row')) return;
    if (e.target.closest('.new-owner') && e.key === 'Enter' && e.target.tagName === 'INPUT') {
      e.preventDefault();
      saveOwner(tb);
      return;
    }
    if (e.target.closest('.new-owner') && e.key === 'Escape') {
      e.preventDefault();
      closeOwnerForm(tb, true);
      return;
    }
    const action = editor.itemShortcut(e, moveAction, deleteAction);
    if (!action) return;
    e.preventDefault();
    action(tb, e.target);
  });

  list.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    const tb = b?.closest('tbody.action-item');
    if (!tb) return;
    const act = b.dataset.action;
    if (act === 'delete') deleteAction(tb, b);
    else if (act === 'owner-save') saveOwner(tb);
    else if (act === 'owner-cancel') closeOwnerForm(tb, true);
    else moveAction(tb, act);
  });

  list.addEventListener('change', (e) => {
    const tb = e.target.closest('tbody.action-item');
    if (!tb) return;
    if (e.target.matches('[data-field="kind"]')) {
      const form = tb.querySelector('.interview-form');
      if (form) form.hidden = e.target.value !== 'bilateral_interview';
    }
    if (e.target.matches('[data-field="owner_id"]')) {
      const value = e.target.value;
      if (ActionDom.NEW_OWNER[value]) openOwnerForm(tb, value);
      else {
        ownerForm(tb).hidden = true;
        tb.dataset.owner = value;
      }
    }
    ActionDom.showLinked();
  });

  list.addEventListener('input', () => ActionDom.showLinked());

  /** An action due before the meeting is allowed, but said (and warned at validation). */
  const meetingDate = document.getElementById('f-date');
  function showDueWarnings() {
    const { value } = window.Rida.dates;   // ISO, comparable as text
    const meeting = meetingDate ? value(meetingDate) : '';
    for (const input of list.querySelectorAll('[data-field="due_date"]')) {
      const warning = input.parentElement.querySelector('[data-due-warning]');
      const due = value(input);
      if (warning) warning.hidden = !(due && meeting && due < meeting);
    }
  }
  list.addEventListener('input', showDueWarnings);
  list.addEventListener('change', showDueWarnings);
  if (meetingDate) meetingDate.addEventListener('change', showDueWarnings);
  showDueWarnings();

  // The interview is made from the saved action: wait until everything is saved.
  list.addEventListener('submit', (e) => {
    if (!e.target.matches('.interview-form') || !queue.ops.length) return;
    e.preventDefault();
    announce('Enregistrement en cours : ouvrez l\'entretien dans un instant.');
  });

  addButton.addEventListener('click', () => {
    const tb = addAction({ title: 'Nouvelle action' });
    announce(`Action ${ActionDom.number(tb)} ajoutée : saisissez son intitulé.`);
  });
})();
