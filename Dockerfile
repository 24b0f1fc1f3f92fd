# Build with the Makefile's own target, so the image holds the very binary
# that `make build` makes and `make test` checks to be static.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=none
RUN make build VERSION=$VERSION COMMIT=$COMMIT && mkdir -p /out/var/lib/gordon

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /src/bin/gordon /gordon
COPY --from=build --chown=65532:65532 /out/var/lib/gordon /var/lib/gordon
USER 65532:65532
WORKDIR /var/lib/gordon
EXPOSE 9090
ENTRYPOINT ["/gordon"]
CMD ["run", "-config", "/etc/gordon/gordon.toml"]
