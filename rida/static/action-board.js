/* rida — the actions dashboard: change an action's status from its row.
 *
 * Each change is an op of the editor's autosave queue (autosave.js): kept in localStorage
 * until the server acknowledges it, sent in order, retried when offline, resent when the
 * page is opened again. It is `POST /api/actions/<id>/status` with the revision the page
 * showed; a 409 (someone changed the action meanwhile) puts the current status back in
 * the row and says so; the user's choice is not sent again.
 *
 * Once every change is saved, the counts and the chart are fetched again (the page itself,
 * same filters; only those two sections are replaced): they follow the new statuses.
 */
(function () {
  'use strict';

  const table = document.getElementById('board-table');
  if (!table) return;
  const { Queue } = window.Rida;
  const statusEl = document.getElementById('save-status');
  const alertEl = document.getElementById('board-alert');
  const OPEN = new Set(['open', 'in_progress']);
  const STATUS = {
    ...window.Rida.SAVE_STATES,
    conflict: 'Conflit de modification (voir le message)',
    frozen: 'Modifications refusées (voir le message)',
  };

  const rowOf = (id) => document.getElementById(`board-action-${id}`);
  const selectOf = (id) => document.getElementById(`status-${id}`);

  function labelOf(id, status) {
    const option = [...(selectOf(id)?.options || [])].find((o) => o.value === status);
    return option ? option.textContent : status;
  }

  function titleOf(id) {
    return rowOf(id)?.querySelector('td a')?.textContent || `Action ${id}`;
  }

  /** Show `status` in the row: the select, and the « En retard » badge. */
  function show(id, status) {
    const tr = rowOf(id);
    if (!tr) return;
    const select = selectOf(id);
    if (select && select.value !== status) select.value = status;
    const late = OPEN.has(status) && tr.dataset.pastDue === '1';
    tr.classList.toggle('overdue', late);
    tr.querySelector('.badge-overdue').hidden = !late;
  }

  let refreshing = null;   // the refresh under way
  let again = false;       // another change was saved during it

  /** Replace the counts and the chart by the server's current ones. */
  async function refreshCounts() {
    let doc;
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin',
        headers: { Accept: 'text/html' } });
      if (!response.ok) return;
      doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    } catch (e) {
      return;   // offline: the counts are refreshed after the next saved change
    }
    let previous = null;
    for (const selector of ['.board-counts', '.board-chart']) {
      const fresh = doc.querySelector(selector);
      const current = document.querySelector(selector);
      const opened = current?.querySelector('details')?.open;
      if (fresh && opened) fresh.querySelector('details')?.setAttribute('open', '');
      if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      else if (current) current.remove();
      else if (fresh && previous) previous.after(document.importNode(fresh, true));
      previous = document.querySelector(selector) || previous;
    }
  }

  function scheduleRefresh() {
    if (queue.ops.length) return;   // after the last pending change
    if (refreshing) { again = true; return; }
    refreshing = refreshCounts().finally(() => {
      refreshing = null;
      if (again) { again = false; scheduleRefresh(); }
    });
  }

  function request(op) {
    return { method: 'POST', url: `/api/actions/${op.id}/status`,
      body: { status: op.value, revision: op.revision } };
  }

  function onAck(op, answer) {
    const action = answer.action || {};
    const tr = rowOf(op.id);
    if (tr && action.revision) {
      tr.dataset.revision = action.revision;
      tr.dataset.status = action.status;
    }
    for (const o of queue.ops) {   // later changes of this action build on the new revision
      if (o.id === op.id && !o.held) o.revision = action.revision;
    }
    if (!queue.ops.some((o) => o.id === op.id)) show(op.id, action.status || op.value);
    scheduleRefresh();
  }

  function onConflict(op, answer) {
    const current = answer.current || {};
    queue.drop((o) => o.id === op.id);
    const tr = rowOf(op.id);
    if (tr && current.revision) {
      tr.dataset.revision = current.revision;
      tr.dataset.status = current.status;
    }
    show(op.id, current.status);
    alertEl.textContent = `L'action « ${titleOf(op.id)} » a été modifiée par quelqu'un `
      + `d'autre : son statut est maintenant « ${labelOf(op.id, current.status)} ». Votre `
      + `choix (« ${labelOf(op.id, op.value)} ») n'a pas été enregistré ; choisissez de `
      + 'nouveau si besoin.';
    scheduleRefresh();
  }

  function onReject(op, status, answer) {
    const message = (answer.errors || []).map((e) => e.message).join(' ; ') || answer.message
      || `erreur ${status}`;
    const tr = rowOf(op.id);
    if (tr && !queue.ops.some((o) => o.id === op.id)) show(op.id, tr.dataset.status);
    alertEl.textContent = `Statut de « ${titleOf(op.id)} » non modifié : ${message}`;
  }

  function onFrozen(answer) {
    alertEl.textContent = answer.message || 'Modification refusée.';
  }

  function onState(state, { pending }) {
    statusEl.textContent = STATUS[state] + (pending && state !== 'saving'
      ? ` (${pending} en attente)` : '');
    statusEl.dataset.state = state;
  }

  const queue = new Queue({ meetingId: 'actions-board', request, onAck, onConflict, onReject,
    onFrozen, onState });

  for (const tr of table.querySelectorAll('tbody tr')) {
    tr.dataset.status = selectOf(tr.dataset.actionId)?.value || '';
  }

  table.addEventListener('change', (e) => {
    const select = e.target.closest('select.board-status');
    if (!select) return;
    const id = select.dataset.actionId;
    const tr = rowOf(id);
    alertEl.textContent = '';
    show(id, select.value);
    queue.put({ kind: 'status', key: `status:${id}`, id, value: select.value,
      revision: Number(tr.dataset.revision) });
  });

  /** Changes a closed page left unsent: shown again (and sent by the queue). */
  function applyOps(ops) {
    for (const op of ops) show(op.id, op.value);
  }

  queue.adopt().then((ops) => {   // decrypted first (autosave.js)
    applyOps(ops);
    queue.start(applyOps);
  });
})();
