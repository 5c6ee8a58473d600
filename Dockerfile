# Build: a static binary (FerretDB's SQLite is pure Go, so no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY server ./server
COPY frontend/frontend.go ./frontend/
COPY frontend/templates ./frontend/templates
COPY frontend/static ./frontend/static
COPY surveys ./surveys
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/chorus ./server

# Run: a small image with no shell, as a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chorus /chorus
COPY --from=build /src/surveys /surveys
ENV PORT=8080 CHORUS_SURVEYS=/surveys CHORUS_DATA=/tmp/chorus
USER nonroot:nonroot
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["/chorus", "healthcheck"]
ENTRYPOINT ["/chorus"]
CMD ["serve"]
