# Offline stand-in for App Platform's managed Redis and Valkey (Caching): Debian bookworm's Redis 7.0, built
# with TLS. Valkey is not in bookworm; Redis 7.0 speaks its protocol (research: databases-buildpacks-failures.md
# A.7). Built by scripts/base-images.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
ENV LANG=C.UTF-8
LABEL rehearse.stand-in=true rehearse.stand-in.engine=REDIS rehearse.stand-in.version=7.0 \
      rehearse.stand-in.source="Debian bookworm redis-server"
