/* rida editor — what the page knows the server holds, field by field.
 *
 * For each record (RIDA row, participant, action) and for the header, the page keeps the
 * last version the server sent (`server`, and a record's `revision`). A field the user is
 * on (an op pending or held for it, or the field focused) is "pinned": `base` is the server
 * text that what is typed there started from, and `at` the revision the server had it at.
 * A field op carries both: the server saves it as is when nobody changed the field since
 * `at`, and otherwise merges both edits from `base` (docs/api.md, « Conflits par champ »).
 *
 * Fields that are not pinned show the server's value: an answer to a save, or a change
 * someone else made (live stream), updates them. A field being typed into is never
 * replaced: its base stays the text it started from, so that its next save is merged with
 * the other's words instead of overwriting them; it shows the server's value once left.
 */
(function () {
  'use strict';

  const { Dom, ActionDom } = window.Rida;
  const { data } = Dom;
  const byId = (id) => document.getElementById(id);
  const queue = () => window.Rida.editor.queue;

  const HEADER_SKIP = new Set(['id', 'status', 'version']);
  const FAMILIES = {
    row: {
      fields: Dom.ROW_FIELDS,
      text: new Set(['subject', 'question', 'answer']),
      element: (uid, f) => byId(`row-${uid}-${f}`),
      show(uid, values) {
        const tb = Dom.find(Dom.grid, uid);
        if (!tb) return;
        Dom.setRowValues(tb, values);
        if ('subject' in values) ActionDom.refreshRows();
      },
    },
    part: {
      // `person`: who the participant is, its three names (last, first, entity) as one.
      fields: ['function', 'attendance', 'person'],
      text: new Set(['function']),
      element: (uid, f) => byId(`p-${uid}-${f}`),
      show(uid, values) {
        const tb = Dom.find(Dom.people, uid);
        if (tb) Dom.setPartValues(tb, values);
      },
      // Whoever the server names is offered as organiser, rapporteur and participant,
      // even while the user is still on the names (not shown yet).
      seen(_uid, server) {
        if (server.person?.id) Dom.addPersonOption({ ...server.person, person_id: server.person.id });
      },
    },
    action: {
      fields: ['title', 'notes', 'kind', 'status', 'due_date', 'row', 'owner'],
      text: new Set(['title', 'notes']),
      element: (uid, f) => byId(`action-${uid}-${f === 'owner' ? 'owner_id' : f}`),
      show(uid, values) {
        const tb = Dom.find(ActionDom.list, uid);
        if (!tb) return;
        ActionDom.setValues(tb, values);
        ActionDom.showLinked();
      },
    },
    meeting: {
      fields: Object.keys(data.meeting).filter((f) => !HEADER_SKIP.has(f)),
      text: new Set(['title', 'subject', 'meeting_type', 'location', 'summary', 'results']),
      lines: new Set(['reference_documents', 'objectives']),
      element: (_uid, f) => Dom.meetingInput(f),
      show(_uid, values) {
        for (const [f, v] of Object.entries(values)) Dom.setMeetingField(f, v);
      },
    },
  };

  /** The field of the server's record an op changes (an action's owner: two kinds of op). */
  function fieldOf(op) {
    return op.kind === 'action' && (op.field === 'owner_id' || op.field === 'owner')
      ? 'owner' : op.field;
  }

  const familyOf = (op) => op.kind.split('-')[0];

  /** Values compared as the server stores them: trimmed texts, '' for none, owners by id. */
  function canon(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v.trim();
    if (Array.isArray(v)) return v.map(canon);
    if (typeof v === 'object' && 'id' in v) return v.id;
    return v;
  }
  const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
  /** A value as the server would store it (what a base must be). */
  const stored = (v) => (typeof v === 'string' ? v.trim()
    : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x.trim() : x)) : v);

  function fresh(server) {
    return { revision: server.revision, server: { ...server }, base: {}, at: {} };
  }

  const records = {
    row: new Map(data.rows.map((r) => [r.uid, fresh(r)])),
    part: new Map(data.participants.map((p) => [p.uid, fresh(p)])),
    action: new Map(data.actions.map((a) => [a.uid, fresh(a)])),
  };
  const header = fresh(data.meeting);
  const recordOf = (kind, uid) => (kind === 'meeting' ? header : records[kind].get(uid));

  function isText(kind, field) {
    return FAMILIES[kind].text.has(field);
  }

  /** Whether the user is on that field: an op of it queued (sent, waiting or held), the
   *  field focused, or (an action's owner) its small form open. */
  function busy(kind, uid, field) {
    const q = queue();
    if (q && q.ops.some((o) => o.kind === kind && (kind === 'meeting' || o.uid === uid)
      && fieldOf(o) === field)) return true;
    const el = FAMILIES[kind].element(uid, field);
    if (!el) return false;
    const active = document.activeElement;
    if (kind === 'part' && field === 'person') {
      const tb = el.closest('tbody');
      return Boolean(active?.dataset?.personField && tb?.contains(active));
    }
    if (kind === 'action' && field === 'owner') {
      const cell = el.closest('td');
      return Boolean(cell && (cell.contains(active) || cell.querySelector('.new-owner:not([hidden])')));
    }
    return el === active || el.contains(active);
  }

  function pin(rec, field, value, at) {
    if (field in rec.base) return;
    rec.base[field] = value;
    rec.at[field] = at;
  }

  /**
   * A version of a record from the server (an answer, a live change, a conflict's
   * `current`): remembered if newer, and shown in the fields the user is not on. Returns
   * false when it is older than what the page has (an echo of a save already answered).
   */
  function receive(kind, uid, server) {
    const family = FAMILIES[kind];
    let rec = recordOf(kind, uid);
    const created = !rec;
    if (created) {
      rec = fresh(server);
      records[kind].set(uid, rec);
    }
    const newer = created || rec.revision == null || server.revision == null
      || server.revision >= rec.revision;
    const old = created ? null : rec.server;
    for (const f of family.fields) {
      // The user is on it: what they type started from the value known until now.
      if (busy(kind, uid, f)) pin(rec, f, (old || server)[f], old ? rec.revision : server.revision);
    }
    if (newer && !created) {
      rec.server = { ...rec.server, ...server };
      rec.revision = server.revision ?? rec.revision;
    }
    const shown = {};
    for (const f of family.fields) {
      if (!(f in rec.server)) continue;
      if (busy(kind, uid, f)) {
        // Nobody else changed it since: its save needs no merge.
        if (f in rec.base && same(rec.server[f], rec.base[f])) rec.at[f] = rec.revision;
        continue;
      }
      const pinned = f in rec.base;
      delete rec.base[f];
      delete rec.at[f];
      if (pinned || !old || !same(old[f], rec.server[f])) shown[f] = rec.server[f];
    }
    if (Object.keys(shown).length) family.show(uid, shown);
    if (newer && family.seen) family.seen(uid, rec.server);
    return newer;
  }

  /** What a new op of that field builds on: `{base, revision}` (the field is now pinned). */
  function basis(kind, uid, field) {
    const rec = recordOf(kind, uid);
    if (!rec) return {};   // a record not yet on the server: resolved when sent
    pin(rec, field, rec.server[field], rec.revision);
    return { base: rec.base[field], revision: rec.at[field] };
  }

  /** The user's text replaces the server's from `base` (a conflict resolved). */
  function repin(kind, uid, field, base, revision) {
    const rec = recordOf(kind, uid);
    if (!rec) return;
    rec.base[field] = base;
    rec.at[field] = revision;
  }

  /** A field op was saved: `server` is the record (or header) the answer carries. */
  function acked(op, server) {
    const kind = familyOf(op);
    const field = fieldOf(op);
    const uid = op.uid;
    const rec = recordOf(kind, uid);
    if (rec) {
      // Saved as typed: later edits build on the server's text. Merged with someone
      // else's words: later edits build on what was typed, at the revision sent, so that
      // the server merges them again instead of overwriting the other's words. (Only
      // texts are merged: any other field is saved as sent.)
      const saved = !isText(kind, field) || same(server[field], op.value);
      rec.base[field] = saved ? server[field] : stored(op.value);
      rec.at[field] = saved ? server.revision : op.revision ?? rec.at[field];
    }
    receive(kind, uid, server);
    follow(kind, uid, field);
  }

  /** Queued (unsent) ops of a pinned field carry its base and revision. */
  function follow(kind, uid, field) {
    const rec = recordOf(kind, uid);
    if (!rec || !(field in rec.base)) return;
    const q = queue();
    for (const o of q.ops) {
      if (o === q.inflight || o.held || o.kind !== kind || fieldOf(o) !== field) continue;
      if (kind !== 'meeting' && o.uid !== uid) continue;
      o.base = rec.base[field];
      if (kind !== 'meeting') o.revision = rec.at[field];
    }
  }

  /** The user left a field with nothing pending: it shows the server's value again. */
  function settle(kind, uid, field) {
    const rec = recordOf(kind, uid);
    if (!rec || !(field in rec.base) || busy(kind, uid, field)) return;
    delete rec.base[field];
    delete rec.at[field];
    FAMILIES[kind].show(uid, { [field]: rec.server[field] });
  }

  /** An op left by an earlier page: its field builds on that op's base. */
  function adopt(op) {
    const kind = familyOf(op);
    const rec = recordOf(kind, op.uid);
    if (!rec || !FAMILIES[kind] || op.kind !== kind) return;
    const field = fieldOf(op);
    if (field in rec.base) return;
    if (op.base !== undefined) rec.base[field] = op.base;
    else rec.base[field] = rec.server[field];
    rec.at[field] = op.revision ?? rec.revision;
  }

  /** Which field an element edits: `{kind, uid, field}`, or null. */
  function locate(el) {
    if (!el || !el.closest) return null;
    if (el.closest('#comments')) return { kind: 'meeting', uid: undefined, field: 'comments' };
    if (el.dataset.meeting) return { kind: 'meeting', uid: undefined, field: el.dataset.meeting };
    const tb = el.closest('tbody[data-uid]');
    if (!tb) return null;
    const kind = tb.classList.contains('rida-item') ? 'row'
      : tb.classList.contains('action-item') ? 'action'
        : tb.classList.contains('participant-item') ? 'part' : null;
    if (!kind) return null;
    let field = el.dataset.field || (el.dataset.personField && kind === 'part' ? 'person'
      : undefined);
    if (kind === 'action' && (field === 'owner_id' || el.closest('.new-owner'))) field = 'owner';
    return field ? { kind, uid: tb.dataset.uid, field } : null;
  }

  window.Rida.Known = {
    FAMILIES, records, header, recordOf, fieldOf, familyOf, isText, same, stored, busy,
    receive, basis, repin, acked, follow, settle, adopt, locate,
    forget: (kind, uid) => records[kind]?.delete(uid),
  };
})();
