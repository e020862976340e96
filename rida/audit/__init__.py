"""The audit log: an append-only, hash-chained record of who changed what.

- :mod:`rida.audit.record`: who acts (:class:`Actor`), values made loggable (secrets
  masked), the entry of an :class:`rida.audit.events.Event`;
- :mod:`rida.audit.chain`: appending entries (serialised, each with the previous hash)
  and verifying the chain;
- :mod:`rida.audit.hooks`: every create, update and delete of a write session recorded in
  its own transaction;
- :mod:`rida.audit.query` and :mod:`rida.audit.labels`: reading it back, in French.
"""
