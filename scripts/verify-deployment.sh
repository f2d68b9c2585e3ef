#!/usr/bin/env bash
# Walks the README's deployment checklist on PostgreSQL with SIRKEL_ENV=production behind a
# TLS-terminating reverse proxy (nginx with a self-signed certificate for sirkel.test), then checks what
# a browser would get through the proxy: the sign-in page over HTTPS with HSTS, CSP and secure cookies,
# a sign-in POST accepted (CSRF and the forwarded scheme work behind the proxy) and sent on to the second
# factor, static files, and plain HTTP sent to HTTPS. Needs nginx and openssl (apt-get install
# nginx-light openssl) and PostgreSQL at $PGHOST (127.0.0.1, user postgres). Exit 0 when every check holds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
WORK=$(mktemp -d /tmp/sirkel-deploy.XXXXXX)
DB=sirkel_deploycheck
APP_PORT=${APP_PORT:-18080}
TLS_PORT=${TLS_PORT:-18443}
HOST=sirkel.test
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx-light)" >&2; exit 2; }

cleanup() {
  [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[[ -n "${KEEP_LOGS:-}" ]] && trap 'cp "$WORK"/*.log /tmp/ 2>/dev/null; cleanup' EXIT

fail() { echo "FAILED: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

dropdb -h 127.0.0.1 -U postgres --if-exists "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"

export SIRKEL_ENV=production
export SIRKEL_SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SIRKEL_AUDIT_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')
export SIRKEL_ALLOWED_HOSTS=$HOST
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export SIRKEL_VAR_DIR=$WORK/var
export SIRKEL_PROXY_COUNT=1
mkdir -p "$SIRKEL_VAR_DIR"

# The README's checklist, step by step.
"$BIN/sirkel" check --deploy 2>&1 | tee "$WORK/check.txt"
grep -q "System check identified no issues" "$WORK/check.txt" || fail "sirkel check --deploy reports issues"
ok "sirkel check --deploy reports no issues"
"$BIN/sirkel" migrate --no-input -v0 && ok "sirkel migrate"
"$BIN/sirkel" collectstatic --noinput -v0 && ok "sirkel collectstatic"
PASSWORD=deploy-check-$RANDOM-passord
DJANGO_SUPERUSER_PASSWORD=$PASSWORD "$BIN/sirkel" createsuperuser --noinput \
  --username driftsansvarlig --email drift@sirkel.test && ok "sirkel createsuperuser"
"$BIN/sirkel" serve --bind 127.0.0.1:$APP_PORT --workers 2 > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$HOST" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat > "$WORK/nginx.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
  access_log off;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  server {
    listen 127.0.0.1:$TLS_PORT ssl;
    server_name $HOST;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    location / {
      proxy_pass http://127.0.0.1:$APP_PORT;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"

URL=https://$HOST:$TLS_PORT
CURL=(curl -sS --max-time 10 --cacert "$WORK/cert.pem" --resolve "$HOST:$TLS_PORT:127.0.0.1")
for _ in $(seq 1 200); do
  "${CURL[@]}" -f -o /dev/null "$URL/konto/logg-inn/" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; fail "sirkel serve stopped"; }
  sleep 0.3
done

headers=$("${CURL[@]}" -D - -o "$WORK/login.html" -c "$WORK/cookies" "$URL/konto/logg-inn/")
grep -qi "^HTTP/[0-9.]* 200" <<<"$headers" || fail "the sign-in page through the proxy: $(head -1 <<<"$headers")"
ok "the sign-in page answers 200 over HTTPS through the proxy"
grep -qi "^strict-transport-security: max-age=31536000" <<<"$headers" || fail "no HSTS header"
ok "HSTS"
grep -qi "^content-security-policy: .*script-src 'self'" <<<"$headers" || fail "no Content-Security-Policy"
ok "Content-Security-Policy"
grep -qi "^set-cookie: csrftoken=.*; *secure" <<<"$headers" || fail "the CSRF cookie is not Secure"
ok "the CSRF cookie is Secure and HttpOnly"

token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
[[ -n "$token" ]] || fail "no CSRF token in the sign-in form"
# A wrong password: the form answers again (200), not 403 — CSRF and the forwarded HTTPS scheme hold.
status=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -b "$WORK/cookies" -e "$URL/konto/logg-inn/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=driftsansvarlig" \
  --data-urlencode "password=not-the-password" "$URL/konto/logg-inn/")
[[ "$status" == 200 ]] || fail "a sign-in POST through the proxy answered $status"
ok "a sign-in POST through the proxy is accepted (CSRF behind TLS termination)"

signed_in=$("${CURL[@]}" -D - -o /dev/null -b "$WORK/cookies" -c "$WORK/cookies" -e "$URL/konto/logg-inn/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=driftsansvarlig" \
  --data-urlencode "password=$PASSWORD" "$URL/konto/logg-inn/")
grep -qi "^HTTP/[0-9.]* 302" <<<"$signed_in" || fail "the right password did not sign in: $(head -1 <<<"$signed_in")"
grep -qi "^set-cookie: sessionid=.*; *secure" <<<"$signed_in" || fail "the session cookie is not Secure"
next=$("${CURL[@]}" -D - -o /dev/null -b "$WORK/cookies" "$URL/saker/")
grep -qi "^location: /konto/tofaktor" <<<"$next" || fail "a signed-in page in production does not ask for the second factor: $(grep -i "^location" <<<"$next")"
ok "the right password signs in with a Secure session cookie, and the next page asks for the second factor"

css=$(sed -n 's/.*href="\(\/static\/sirkel\/sirkel[^"]*\.css\)".*/\1/p' "$WORK/login.html" | head -1)
[[ -n "$css" ]] || fail "no stylesheet link on the sign-in page"
[[ $("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL$css") == 200 ]] || fail "static file $css"
ok "static files are served (WhiteNoise, hashed names)"

plain=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $HOST" "http://127.0.0.1:$APP_PORT/konto/logg-inn/")
[[ "$plain" == "301 https://$HOST/konto/logg-inn/" ]] || fail "plain HTTP without the proxy's header: $plain"
ok "plain HTTP is sent to HTTPS"
echo "deployment checklist verified: PostgreSQL, SIRKEL_ENV=production, behind nginx terminating TLS"
