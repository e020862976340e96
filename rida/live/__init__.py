"""The live workshop: the change log and what follows it.

- :mod:`rida.live.changes` records every change of a meeting in the ``change_log`` table,
  in the transaction of the change (write sessions' listeners, as the audit log and the
  search outbox do); :mod:`rida.live.notes` notes what each flush changed,
  :mod:`rida.live.payloads` says what each entry carries.
- :mod:`rida.live.entries` reads entries back; :mod:`rida.live.follower`: one thread per
  process reads the new entries once and hands them to the subscribers of each meeting.
- :mod:`rida.live.stream`: one subscriber's Server-Sent Events (replay, heartbeat, access
  rechecks); :mod:`rida.live.limits`: how many streams may be open.
- :mod:`rida.live.room`: the room links that open a meeting's live view on a projector
  without an account.
"""
