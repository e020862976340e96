/* rida editor — the "Suivi des actions": the rapporteur changes the status of the earlier
 * meetings' open actions during the session, and writes progress notes. A change is an op
 * of the editor's queue (autosave.js: kept in the browser, sent in order, retried offline):
 *   {kind: 'followup', key, id, value: {status, comment, note}, revision}
 * sent to POST /api/actions/<id>/status with this meeting's id, so that the change is part
 * of this meeting's record (``note``: a note alone, sent without a status). Arrowing
 * through the select coalesces into one op (sent after a pause, or when the select loses
 * focus). A 409 shows the status someone else gave the action; the rapporteur chooses again
 * if needed.
 *
 * A note is never dropped, whatever the order: typed before the status is chosen, it goes
 * with the status change; typed after (the change sent already), it is sent when the focus
 * leaves the action, on Enter or with the « Enregistrer la note » button, and the server
 * makes it the comment of the change just made (rida/actions/action_status.py, add_note).
 *
 * Loaded before editor.js, which sends the ops: the op kind is registered here, the page
 * is wired once every deferred script has run.
 */
(function () {
  'use strict';

  const section = document.getElementById('follow-up');
  const editor = () => window.Rida.editor;
  const meetingId = () => Number(document.getElementById('editor').dataset.meetingId);

  const item = (id) => section.querySelector(`tbody.follow-up-item[data-action-id="${id}"]`);
  const part = (tb, name) => tb.querySelector(`[data-fu="${name}"]`);
  const label = (tb, status) => part(tb, 'status')
    .querySelector(`option[value="${status}"]`)?.textContent || status;
  const title = (tb) => tb.rows[0].cells[1].firstChild.textContent.trim();

  function say(tb, text, alert) {
    const el = tb.querySelector('.fu-message');
    el.setAttribute('role', alert ? 'alert' : 'status');
    el.classList.toggle('error', Boolean(alert));
    el.textContent = text;
  }

  /** « En retard »: an open action due before the meeting (or today), whatever its status
   * becomes (data-past-due, from the page). */
  const OPEN = new Set(['open', 'in_progress']);
  function showLate(tb) {
    const badge = tb.querySelector('.badge-overdue');
    if (badge) badge.hidden = !(OPEN.has(tb.dataset.status) && tb.dataset.pastDue === '1');
  }

  function request(op) {
    const body = op.value.note
      ? { comment: op.value.comment, meeting: meetingId() }
      : { status: op.value.status, comment: op.value.comment, revision: op.revision,
        meeting: meetingId() };
    return { method: 'POST', url: `/api/actions/${op.id}/status`, body };
  }

  /** The saved change joins the history shown under the action. */
  function addHistory(tb, event) {
    const details = tb.querySelector('details.history');
    let list = details.querySelector('ol.history-list');
    if (!list) {
      details.querySelector('p.empty')?.remove();
      list = document.createElement('ol');
      list.className = 'history-list';
      details.append(list);
    }
    const at = new Date(event.at);
    const li = document.createElement('li');
    li.dataset.eventId = event.id;
    const time = document.createElement('time');
    time.dateTime = event.at;
    time.textContent = at.toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' });
    if (event.kind === 'note') {
      li.className = 'history-note';
      li.append(time, `, ${event.user} : note de suivi (statut ${label(tb, event.status)})`);
    } else {
      const status = document.createElement('strong');
      status.textContent = label(tb, event.status);
      li.append(time, `, ${event.user} : ${label(tb, event.old_status)} → `, status);
    }
    li.append(`, pendant ${section.dataset.meetingLabel}`);
    if (event.comment) li.append(` — « ${event.comment} »`);
    // The same event again: a note that became the comment of the change just made.
    const same = list.querySelector(`li[data-event-id="${event.id}"]`);
    if (same) same.replaceWith(li); else list.append(li);
    details.querySelector('.history-count').textContent = String(list.children.length);
  }

  function onAck(op, answer) {
    const tb = item(op.id);
    if (!tb || !answer.action) return;
    tb.dataset.revision = answer.action.revision;
    tb.dataset.status = answer.action.status;
    showLate(tb);
    for (const o of editor().queue.ops) {
      if (o.kind === 'followup' && o.id === op.id && !o.held) o.revision = answer.action.revision;
    }
    if (tb.dataset.sending === op.value.comment) delete tb.dataset.sending;
    if (answer.event) {
      addHistory(tb, answer.event);
      if (part(tb, 'comment').value.trim() === (op.value.comment || '').trim()) {
        part(tb, 'comment').value = '';
        delete tb.dataset.typed;
      }
      say(tb, op.value.note || answer.event.kind === 'note'
        ? 'Note de suivi enregistrée.'
        : `Statut enregistré : ${label(tb, answer.action.status)}.`);
    } else if (op.value.comment) {
      if (part(tb, 'comment').value.trim() === op.value.comment) {
        part(tb, 'comment').value = '';
        delete tb.dataset.typed;
      }
      say(tb, 'Note de suivi déjà enregistrée.');
    } else {
      say(tb, `Statut inchangé : ${label(tb, answer.action.status)}.`);
    }
  }

  function onConflict(op, answer) {
    const tb = item(op.id);
    editor().queue.drop((o) => o === op);
    const current = answer.current || {};
    if (!tb) return;
    if (current.revision) tb.dataset.revision = current.revision;
    if (current.status) {
      tb.dataset.status = current.status;
      part(tb, 'status').value = current.status;
      showLate(tb);
    }
    if (part(tb, 'comment').value.trim()) tb.dataset.typed = '1';  // kept, sent later
    say(tb, `Cette action a été modifiée par quelqu'un d'autre : son statut est maintenant `
      + `« ${label(tb, current.status)} ». Votre choix n'a pas été enregistré ; choisissez `
      + 'de nouveau si besoin (le commentaire est conservé).', true);
  }

  function onReject(op, status, answer) {
    const tb = item(op.id);
    if (!tb) return;
    part(tb, 'status').value = tb.dataset.status;
    if (tb.dataset.sending === op.value.comment) delete tb.dataset.sending;
    const message = (answer.errors || []).map((e) => e.message).join(' ; ') || answer.message
      || (status === 404 ? 'action introuvable' : `erreur ${status}`);
    say(tb, `${op.value.note ? 'Note' : 'Statut'} non enregistré${op.value.note ? 'e' : ''} : `
      + `${message}.`, true);
  }

  /** An unsent change left by a closed page: show it again (it is being sent). */
  function apply(op) {
    const tb = item(op.id);
    if (!tb) return;
    part(tb, 'status').value = op.value.status;
    part(tb, 'comment').value = op.value.comment || '';
  }

  window.Rida = window.Rida || {};
  window.Rida.opKinds = Object.assign(window.Rida.opKinds || {},
    { followup: { request, onAck, onConflict, onReject, apply } });

  // --- Events (once editor.js has made the queue) ------------------------------------

  const key = (tb) => `followup:${tb.dataset.actionId}`;

  /** Queue the status shown and the note typed; a note alone when the status is the
   * saved one and no change of it is on its way. */
  function queueStatus(tb, delay) {
    const { queue } = editor();
    const status = part(tb, 'status').value;
    let comment = part(tb, 'comment').value.trim();
    if (comment && comment === tb.dataset.sending) comment = '';  // on its way already
    const pending = queue.ops.some((o) => o.key === key(tb));
    const note = !pending && status === tb.dataset.status;
    if (note && !comment) return;
    const op = { kind: 'followup', key: key(tb), id: Number(tb.dataset.actionId),
      value: { status, comment, note }, revision: Number(tb.dataset.revision) };
    queue.put(op, delay);
    delete tb.dataset.typed;
    if (note) {
      tb.dataset.sending = comment;
      say(tb, `Note de suivi de « ${title(tb)} » : enregistrement…`);
    } else {
      say(tb, status === tb.dataset.status ? '' : `Statut « ${label(tb, status)} » `
        + `de « ${title(tb)} » : enregistrement…`);
    }
  }

  /** A note typed and not on its way yet: send it (alone, or with the status shown). */
  function queueNote(tb) {
    const comment = part(tb, 'comment').value.trim();
    if (comment && comment !== tb.dataset.sending) queueStatus(tb, 0);
  }

  /** A comment typed while the status change waits goes with it. */
  function updateComment(tb) {
    const { queue } = editor();
    const op = queue.ops.find((o) => o.key === key(tb) && o !== queue.inflight && !o.tried);
    if (op) {
      op.value = { ...op.value, comment: part(tb, 'comment').value.trim() };
      queue.persist();
    } else {
      tb.dataset.typed = '1';  // sent when the focus leaves the action (or Enter, button)
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    if (!section) return;
    section.addEventListener('change', (e) => {
      const tb = e.target.closest('tbody.follow-up-item');
      if (tb && e.target.matches('[data-fu="status"]')) queueStatus(tb, editor().DEBOUNCE_MS);
    });
    section.addEventListener('input', (e) => {
      const tb = e.target.closest('tbody.follow-up-item');
      if (tb && e.target.matches('[data-fu="comment"]')) updateComment(tb);
    });
    section.addEventListener('focusout', (e) => {
      const tb = e.target.closest('tbody.follow-up-item');
      if (!tb) return;
      if (e.target.matches('[data-fu="status"]')) editor().queue.flush(key(tb));
      // Leaving the action (not for its status): a note typed goes now.
      if (!tb.contains(e.relatedTarget) && tb.dataset.typed) queueNote(tb);
    });
    section.addEventListener('keydown', (e) => {
      const tb = e.target.closest('tbody.follow-up-item');
      if (tb && e.key === 'Enter' && e.target.matches('[data-fu="comment"]')) {
        e.preventDefault();
        queueNote(tb);
      }
    });
    section.addEventListener('click', (e) => {
      const tb = e.target.closest('tbody.follow-up-item');
      if (tb && e.target.closest('[data-fu="save-note"]')) queueNote(tb);
    });
    // Leaving the page with a note typed: queued (kept in the browser, sent at the next
    // opening if not now).
    window.addEventListener('pagehide', () => {
      for (const tb of section.querySelectorAll('tbody.follow-up-item[data-typed]')) {
        queueNote(tb);
      }
    });
  });
})();
