# syntax=docker/dockerfile:1
#
# debtflow tools image: shared, all four services and the root `debtflow`
# distribution (the operator CLI). Used for the one-shot migration container
# / Job, key generation and issuing tokens. It never serves traffic.
# The build context is the REPOSITORY ROOT:
#
#   docker build -f deploy/docker/tools.Dockerfile -t debtflow/tools:latest .
#
#   docker run --rm debtflow/tools:latest debtflow --help
#
# There is deliberately no ENTRYPOINT: the command is always spelled out
# (`debtflow migrate`, `debtflow keys generate ...`), and a shell is at hand
# for debugging (`docker compose run --rm tools sh`).

ARG PYTHON_IMAGE=python:3.11-slim

# --------------------------------------------------------------------------
# build: everything installed non-editable into /opt/venv. The Alembic
# migrations ship inside each service's import package, so the runtime stage
# needs no source tree.
# --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INPUT=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY constraints.txt ./
COPY shared/ shared/
COPY services/ services/
# The root distribution: its pyproject plus the CLI sources. README*/LICENSE*
# are globs so the COPY works whether or not the pyproject references them.
COPY pyproject.toml README* LICENSE* ./
COPY cli/ cli/

RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c constraints.txt \
        ./shared \
        ./services/invoice-svc \
        ./services/escalation-svc \
        ./services/notify-svc \
        ./services/analytics-svc \
        . \
 && pip check \
 && debtflow --help > /dev/null

# --------------------------------------------------------------------------
# runtime
# --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# Same UID/GID as the service images (10001), so the public keys written
# here are readable by the services.
#
# DEBTFLOW_DATA_DIR/keys is where `debtflow keys generate` is pointed in
# compose (it writes public/<kid>.pem and private/<kid>.pem) and where
# `debtflow token create` looks for the newest private key by default.
# public/ and private/ are the mount points of two separate compose volumes
# (the services get only public/). A fresh named volume takes the ownership
# and mode of the image directory it is mounted on, so creating them here
# (owned by 10001, private/ 0700) is what lets the non-root CLI write there.
RUN groupadd --system --gid 10001 debtflow \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin debtflow \
 && install -d -o 10001 -g 10001 -m 0755 /var/lib/debtflow /var/lib/debtflow/keys \
        /var/lib/debtflow/keys/public \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/debtflow/keys/private

COPY --from=build /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DEBTFLOW_ENV=production \
    DEBTFLOW_BUS=kafka \
    DEBTFLOW_DATA_DIR=/var/lib/debtflow

WORKDIR /var/lib/debtflow
USER 10001:10001

CMD ["debtflow", "--help"]
