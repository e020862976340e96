#!/usr/bin/env bash
# A real OpenID Connect provider for the tests: LemonLDAP::NG from Debian (its demo users
# dwho/dwho, rtyler/rtyler, msmith/msmith), its portal served by plackup on 127.0.0.1:8089
# (no web server needed). `llng.sh install` installs the packages (apt; .ci/run calls it),
# `llng.sh configure` declares the issuer, its keys and rida's client (idempotent),
# `llng.sh start` starts the portal in the background unless it already answers.
# The client secret is made at configure time, kept in /var/lib/lemonldap-ng/rida-test-secret.
set -euo pipefail
PORT=8089
PORTAL="http://localhost:$PORT"
SECRET_FILE=/var/lib/lemonldap-ng/rida-test-secret
CLI=/usr/share/lemonldap-ng/bin/lemonldap-ng-cli
as_www() { su www-data -s /bin/sh -c "$*"; }

install() {
  command -v plackup >/dev/null && command -v curl >/dev/null && [ -x "$CLI" ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends lemonldap-ng libplack-perl curl libemail-sender-perl \
    libstring-random-perl libgd-securityimage-perl libconvert-base32-perl \
    libcrypt-openssl-bignum-perl libio-string-perl libmime-tools-perl libdbi-perl \
    libapache-session-browseable-perl libcookie-baker-xs-perl libhttp-parser-xs-perl \
    libunicode-string-perl >/dev/null
}

configure() {
  chown -R www-data:www-data /var/lib/lemonldap-ng
  [ -s "$SECRET_FILE" ] || { head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$SECRET_FILE"; }
  chmod 0644 "$SECRET_FILE"
  local secret; secret=$(cat "$SECRET_FILE")
  local rp=oidcRPMetaDataOptions/rida
  local uris="http://localhost/connexion/oidc/llng/retour http://127.0.0.1:5791/connexion/oidc/llng/retour"
  local logout="http://localhost/connexion http://127.0.0.1:5791/connexion"
  # The "Apply configuration" step wants a handler on port 80: its error is harmless here.
  as_www "$CLI -yes 1 set portal $PORTAL/ domain localhost oidcServiceMetaDataIssuer $PORTAL \
    issuerDBOpenIDConnectActivation 1 authentication Demo userDB Same" >/dev/null 2>&1 || true
  if ! as_www "$CLI get oidcServicePrivateKeySig" 2>/dev/null | grep -q "BEGIN"; then
    as_www /usr/share/lemonldap-ng/bin/rotateOidcKeys >/dev/null 2>&1 || true
  fi
  as_www "$CLI -yes 1 addKey $rp oidcRPMetaDataOptionsClientID rida \
    $rp oidcRPMetaDataOptionsClientSecret $secret \
    $rp oidcRPMetaDataOptionsRedirectUris '$uris' \
    $rp oidcRPMetaDataOptionsPostLogoutRedirectUris '$logout' \
    $rp oidcRPMetaDataOptionsIDTokenSignAlg RS256 \
    $rp oidcRPMetaDataOptionsUserInfoSignAlg RS256 \
    $rp oidcRPMetaDataOptionsRequirePKCE 1 \
    $rp oidcRPMetaDataOptionsBypassConsent 1 \
    oidcRPMetaDataExportedVars/rida email mail \
    oidcRPMetaDataExportedVars/rida family_name sn \
    oidcRPMetaDataExportedVars/rida given_name cn \
    oidcRPMetaDataExportedVars/rida SubjectNameID uid \
    oidcRPMetaDataOptionsExtraClaims/rida scope_all SubjectNameID" >/dev/null 2>&1 || true
  as_www "$CLI get $rp/oidcRPMetaDataOptionsClientID" | grep -q "= rida"
}

start() {
  if curl -fsS "$PORTAL/.well-known/openid-configuration" >/dev/null 2>&1; then return 0; fi
  mkdir -p /tmp/rida-llng && chown www-data /tmp/rida-llng
  # setsid: the portal outlives the test process that started it (CI ends it after the run).
  setsid su www-data -s /bin/sh -c \
    "exec plackup -E deployment -p $PORT --host 127.0.0.1 /usr/share/lemonldap-ng/portal/htdocs/index.psgi" \
    >/tmp/rida-llng/portal.log 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    curl -fsS "$PORTAL/.well-known/openid-configuration" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "LemonLDAP::NG did not start: see /tmp/rida-llng/portal.log" >&2
  return 1
}

for step in "${@:-install configure start}"; do
  for s in $step; do "$s"; done
done
