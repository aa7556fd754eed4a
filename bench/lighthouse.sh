#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) for the home page, an
# article and the symptom checker, served by gunicorn with production settings.
# Not a test: it prints numbers to quote. Needs Node/npm and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8765}
TOOLS=var/tools/lighthouse
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export CHROME_PATH

if [ ! -x "$TOOLS/node_modules/.bin/lighthouse" ]; then
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error lighthouse@12 >/dev/null
fi
make --no-print-directory install >/dev/null

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=0  # plain HTTP on loopback; everything else as in production
export DATABASE_URL="sqlite:///$PWD/var/bench-lighthouse.sqlite3"
mkdir -p var
rm -f var/bench-lighthouse.sqlite3
.venv/bin/python manage.py migrate --noinput --verbosity 0
.venv/bin/python manage.py load_demo_content >/dev/null
.venv/bin/python manage.py collectstatic --noinput --verbosity 0

.venv/bin/gunicorn spasmcms.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/" && break
    sleep 0.2
done

printf '%-32s %12s %14s %15s %5s\n' page performance accessibility best-practices seo
for path in / /articles/back-muscle-spasms/ /triage/; do
    "$TOOLS/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$path" \
        --quiet --output=json --output-path=var/lighthouse.json \
        --only-categories=performance,accessibility,best-practices,seo \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
        >/dev/null 2>&1 || true
    python3 - "$path" <<'PY'
import json, sys
report = json.load(open("var/lighthouse.json"))
score = lambda key: round(100 * (report["categories"][key]["score"] or 0))
print(f"{sys.argv[1]:<32} {score('performance'):>12} {score('accessibility'):>14} "
      f"{score('best-practices'):>15} {score('seo'):>5}")
failed = [a["id"] for a in report["audits"].values()
          if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
if failed:
    print("    not passed:", ", ".join(sorted(failed)))
PY
done
