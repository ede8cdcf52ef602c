#!/usr/bin/env bash
# Runs every planwatch test. Installs what the tests need on a fresh Debian
# machine (Chromium for the browser tests, PostgreSQL server binaries) when
# running as root and they are missing (and LibreOffice Writer, which opens the
# generated DOCX report and makes Word and PDF files of the extractor's test
# documents, and poppler-utils, whose pdftotext reads PDFs); tests that cannot find them skip with a
# reason unless PLANWATCH_REQUIRE_POSTGRES / PLANWATCH_REQUIRE_BROWSER / PLANWATCH_REQUIRE_PROMTOOL say
# otherwise (prometheus's promtool checks the /metrics text).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui) # the DOCX report is opened by LibreOffice in a test
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)         # the extractor reads PDFs with pdftotext
command -v promtool >/dev/null 2>&1 || need+=(prometheus)             # promtool check metrics checks /metrics (metrics/)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "scripts/test.sh: installing ${need[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
    || echo "scripts/test.sh: could not install ${need[*]}; dependent tests will skip or fail as configured" >&2
fi

test -z "$(gofmt -l $(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $(git ls-files '*.go'); exit 1; }
go vet ./...
# The browser tests keep their screenshots here (ignored by git).
export PLANWATCH_ARTEFACTS="${PLANWATCH_ARTEFACTS:-$PWD/artefacts}"
mkdir -p "$PLANWATCH_ARTEFACTS"
go test -count=1 -timeout 40m ./...
