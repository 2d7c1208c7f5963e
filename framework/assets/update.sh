#!/usr/bin/env bash
# Replaces the vendored Swagger UI and ReDoc files with those of the npm
# packages at the versions below, taken with `npm pack` (the registry's
# tarball, no install scripts run). Change a version, run this script,
# then `cargo test -p brisk-tests --test docs` and the browser test.
#
#   bash framework/assets/update.sh
set -euo pipefail

SWAGGER_UI_VERSION=5.35.0 # npm: swagger-ui-dist
REDOC_VERSION=2.5.4       # npm: redoc (the 2.x line, as FastAPI uses)

assets=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# $1: package@version; $2: destination folder; the rest: files to take,
# relative to the package's root.
take() {
  local spec=$1 dest=$2
  shift 2
  local tarball
  tarball=$(cd "$work" && npm pack --silent "$spec")
  mkdir -p "$work/$spec"
  tar -xzf "$work/$tarball" -C "$work/$spec"
  rm -rf "${assets:?}/$dest"
  mkdir -p "$assets/$dest"
  for file in "$@"; do
    cp "$work/$spec/package/$file" "$assets/$dest/"
  done
  printf '%s\n' "${spec##*@}" >"$assets/$dest/VERSION"
}

take "swagger-ui-dist@$SWAGGER_UI_VERSION" swagger-ui \
  LICENSE NOTICE \
  swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css \
  oauth2-redirect.html oauth2-redirect.js favicon-32x32.png
take "redoc@$REDOC_VERSION" redoc \
  LICENSE \
  bundles/redoc.standalone.js bundles/redoc.standalone.js.LICENSE.txt

(cd "$assets" && find swagger-ui redoc -type f | sort | xargs ls -l)
