#!/usr/bin/env bash
# Installs everything otelite needs on Debian 12: build tools and libraries (apt-get),
# test peers (Debian's prometheus, Chromium), and npm packages for the tests.
# Idempotent: packages already present are not reinstalled; uses sudo only when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates curl
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libboost1.74-dev libsimdjson-dev libre2-dev zlib1g-dev libsnappy-dev libzstd-dev
  libyaml-cpp-dev libcli11-dev libfmt-dev libspdlog-dev rapidjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  libsodium-dev libcairo2-dev chromium fonts-dejavu-core
  prometheus jq time nodejs npm
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  # npm/nodejs may come from elsewhere (a newer Node); accept the commands.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  # The prometheus package starts a service on :9090 where a policy allows it; otelite's
  # tests run their own Prometheus, so keep the packaged service from starting.
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled prometheus >/dev/null 2>&1; then
  "${sudo_cmd[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi

# The web UI's packages (Vite, TypeScript, uPlot): the build needs them.
if [ -f web/package-lock.json ]; then
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
    echo "deps: npm ci in web"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    touch web/node_modules
  fi
fi

# The browser tests' packages (playwright-core, driving Debian's chromium).
if [ -f tests/ui/package-lock.json ]; then
  if [ ! -d tests/ui/node_modules ] || [ tests/ui/package-lock.json -nt tests/ui/node_modules ]; then
    echo "deps: npm ci in tests/ui"
    (cd tests/ui && npm ci --no-audit --no-fund --loglevel=error)
    touch tests/ui/node_modules
  fi
fi

# npm packages used by the end-to-end tests (the real Claude Code CLI).
if [ -f tests/e2e/package.json ]; then
  if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package.json -nt tests/e2e/node_modules ]; then
    echo "deps: npm install in tests/e2e"
    if (cd tests/e2e && npm install --no-audit --no-fund --loglevel=error); then
      touch tests/e2e/node_modules
    else
      echo "deps: npm install failed (registry unreachable?); the Claude Code end-to-end tests will be skipped" >&2
    fi
  fi
fi
echo "deps: ok"
