# syntax=docker/dockerfile:1
# omi-gateway: multi-stage build, runs as a non-root user.
#   docker build -t omi-gateway .
#   docker run -p 8000:8000 -e OMI_GATEWAY_UPSTREAM=https://public-v1.omicall.com omi-gateway

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY requirements.lock ./
RUN /opt/venv/bin/pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY gateway ./gateway
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OMI_GATEWAY_HOST=0.0.0.0 \
    OMI_GATEWAY_PORT=8000
RUN groupadd --system omi && useradd --system --gid omi --no-create-home --shell /usr/sbin/nologin omi
COPY --from=build /opt/venv /opt/venv
USER omi
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["omi-gateway", "serve", "--host", "0.0.0.0", "--port", "8000"]
