#!/usr/bin/env bash
# Runs the whole test suite a second time on Node.js 24, in a copy of the checkout, so the
# checkout's own node_modules (built for the machine's Node.js 20) stays as it was.
# Node.js 24 comes from the npm registry (the node-linux-<arch> package: bin/node and the C++
# headers in include/node), and node-gyp builds the native addons (better-sqlite3, cpu-features,
# ssh2) against those headers, since it cannot download them here.
set -euo pipefail

NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
checkout="$(cd "$(dirname "$0")/.." && pwd)"

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "No node-linux package for $(uname -m)" >&2 && exit 1 ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/taskplanner-node24.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The command-isolation tests run programs as an unprivileged user, who must reach the copy.
chmod 755 "$work"

echo "Fetching Node.js $NODE24_VERSION from the npm registry (node-linux-$arch)"
tarball="$(cd "$work" && npm pack --silent "node-linux-$arch@$NODE24_VERSION")"
mkdir "$work/node"
tar -xzf "$work/$tarball" -C "$work/node" --strip-components=1
rm "$work/$tarball"

export PATH="$work/node/bin:$PATH"
# Overrides the machine's nodedir (Node.js 20's headers) for every node-gyp build below.
export npm_config_nodedir="$work/node"
echo "Testing on Node.js $(node --version) with npm $(npm --version)"

rsync -a --exclude=/.git --exclude=/node_modules --exclude=/dist --exclude=/data \
  --exclude=/test-output "$checkout/" "$work/checkout/"
cd "$work/checkout"
npm ci --no-audit --no-fund
npm test
