#!/usr/bin/env bash
# Builds the web UI (web/) into the directory given as $1 with npm (Vite). Called by the CMake
# build (web/CMakeLists.txt); needs web/node_modules, which `make deps` installs.
set -euo pipefail
out="$1"
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ]; then
  echo "build_web: web/node_modules is missing; run 'make deps' (it runs npm ci in web/)" >&2
  exit 1
fi
rm -rf "$out"
npm run --silent build -- --outDir "$out" --emptyOutDir
