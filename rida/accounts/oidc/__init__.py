"""Sign-in through OpenID Connect providers (ProConnect, Pro Santé Connect…).

:mod:`.config` reads the providers declared for the instance, :mod:`.protocol` talks to
them (Authlib), :mod:`.linking` turns a verified identity into a rida account. The views
are in :mod:`rida.views.oidc` (and the session's part in :mod:`rida.views.oidc_session`).
"""

from __future__ import annotations
