# Offline stand-in for App Platform's managed PostgreSQL and its connection pools: Debian bookworm's
# PostgreSQL 15 and PgBouncer 1.18 (research: databases-buildpacks-failures.md A.7). PgBouncer 1.18 has no
# prepared-statement support in transaction mode, so it fails the way production's pools are reported to.
# openssl makes each project's CA and server certificates. Built by scripts/base-images.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -ri 's/^#?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends postgresql-15 pgbouncer openssl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /run/postgresql /run/pgbouncer \
 && chown -R postgres:postgres /var/lib/postgresql /run/postgresql /run/pgbouncer \
 && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
LABEL rehearse.stand-in=true rehearse.stand-in.engine=PG rehearse.stand-in.version=15 \
      rehearse.stand-in.pgbouncer=1.18 rehearse.stand-in.source="Debian bookworm postgresql-15, pgbouncer"
