# Campfire in a container. Untested here: no container runtime runs on the
# machine this project is built on (see the README).
#
#   docker build -t campfire .
#   docker run -d -p 80:80 -p 443:443 -v campfire:/storage \
#     -e CAMPFIRE_TLS_DOMAIN=chat.example.com campfire
# or, behind a proxy, -p 3000:3000 without CAMPFIRE_TLS_DOMAIN.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The FTS5 tag and the planner flag are what make sets (see the Makefile).
RUN CGO_ENABLED=1 CGO_CFLAGS="-O2 -g -DSQLITE_ENABLE_QPSG" \
    go build -tags sqlite_fts5 -trimpath -ldflags '-s -w' -o /campfire ./cmd/campfire

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libcap2-bin \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /storage --shell /usr/sbin/nologin campfire \
    && mkdir /storage && chown campfire:campfire /storage
COPY --from=build /campfire /usr/local/bin/campfire
# Ports 80 and 443 without root.
RUN setcap cap_net_bind_service=+ep /usr/local/bin/campfire
USER campfire
ENV CAMPFIRE_DB=/storage/campfire.db
VOLUME /storage
EXPOSE 3000 80 443
ENTRYPOINT ["/usr/local/bin/campfire"]
CMD ["serve"]
