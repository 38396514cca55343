# syntax=docker/dockerfile:1
# The one image of zvhd. By default it serves the web app with gunicorn on :8000; docker-compose.yml runs
# the same image as the migrate job, the Celery worker and beat. See docs/operations.md.

# --- Front-end assets: NL Design System CSS and fonts, exactly as package-lock.json pins them ---------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Dutch interface messages: compiled here, so gettext stays out of the final image -----------------
FROM python:3.11-slim-bookworm AS messages
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY locale/ /build/locale/
RUN msgfmt --check -o /build/locale/nl/LC_MESSAGES/django.mo /build/locale/nl/LC_MESSAGES/django.po

# --- The application --------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

# PYTHONPATH: the code runs from /app, where templates/, locale/, static/ and node_modules/ sit beside
# the packages; settings find them relative to zvhd/settings.py.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=zvhd.settings \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# WeasyPrint renders PDFs with Pango (and HarfBuzz to subset embedded fonts); nothing else is needed at
# run time: no compiler, no browser, no gettext.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged account; its home holds caches (fontconfig) that WeasyPrint writes.
RUN groupadd --system --gid 10001 zvhd \
    && useradd --system --uid 10001 --gid zvhd --create-home --home-dir /home/zvhd \
        --shell /usr/sbin/nologin zvhd

WORKDIR /app
COPY . .

# The runtime dependencies only (no [dev] extra), at the versions requirements.lock pins.
RUN pip install -c requirements.lock . \
    && rm -rf build ./*.egg-info

COPY --from=assets /build/node_modules/ node_modules/
COPY --from=messages /build/locale/nl/LC_MESSAGES/django.mo locale/nl/LC_MESSAGES/django.mo

# Collect static files into var/static for WhiteNoise (hashed and compressed, the manifest storage that
# DJANGO_DEBUG=false selects). Settings refuse to load without a secret key when debug is off: this
# throw-away value lives only for this one command and is not part of the image's environment.
RUN DJANGO_SECRET_KEY=collectstatic-only-build-value-never-used-to-sign-anything \
    python manage.py collectstatic --no-input --verbosity 0

# The only place the application writes to: beat's schedule (a volume in docker-compose.yml, which takes
# over this folder's owner on first use). Everything else stays owned by root, read-only for the app.
RUN mkdir -p var/celery && chown zvhd:zvhd var/celery

USER zvhd:zvhd
EXPOSE 8000

# Access log without query strings: a search for a person's name must not end up in the logs.
CMD ["gunicorn", "zvhd.wsgi", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(B)s %(M)sms"]
