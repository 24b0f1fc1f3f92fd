#!/bin/sh
# build-consul.sh builds the Consul server that gordon's tests and demo run,
# from the tools module in tools/consul, into bin/consul at the repository
# root. It does nothing when bin/consul is already the pinned version, so
# the Makefile and CI may call it every time: the first build takes about
# five minutes on two cores, a rebuild with a warm Go cache a few seconds.
#
# Usage: scripts/build-consul.sh [-f]   (-f rebuilds even when up to date)
set -eu

want_version="v1.14.11"

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bin/consul"

force=no
if [ "${1:-}" = "-f" ]; then
	force=yes
fi

# The first line of "consul version" is "Consul v1.14.11".
if [ "$force" = no ] && [ -x "$out" ]; then
	have=$("$out" version 2>/dev/null | head -n 1 || true)
	if [ "$have" = "Consul $want_version" ]; then
		echo "bin/consul is $want_version already"
		exit 0
	fi
	echo "bin/consul reports '${have:-nothing}', rebuilding"
fi

# The pin is "require github.com/hashicorp/consul vX" or, in a require
# block, "github.com/hashicorp/consul vX".
pinned=$(awk '$1 == "require" && $2 == "github.com/hashicorp/consul" { print $3 }
	$1 == "github.com/hashicorp/consul" { print $2 }' "$root/tools/consul/go.mod")
if [ "$pinned" != "$want_version" ]; then
	echo "tools/consul/go.mod pins '$pinned', this script expects $want_version" >&2
	exit 1
fi

mkdir -p "$root/bin"
echo "building consul $want_version into bin/consul (minutes the first time)"

# Build next to the target and rename, so an interrupted build never leaves
# a half-written binary that a later run would take for a good one.
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(cd "$root/tools/consul" && go build -trimpath -o "$tmp" github.com/hashicorp/consul)
mv "$tmp" "$out"

"$out" version | head -n 1
