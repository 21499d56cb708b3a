#!/usr/bin/env bash
# Installs the host-side packages the VM cluster harness needs (Debian/Ubuntu host, root).
# Idempotent: installs only what is missing; needs no terminal.
set -euo pipefail

PKGS=(qemu-system-x86 qemu-utils mmdebstrap iproute2 e2fsprogs procps util-linux coreutils)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all host packages present (${PKGS[*]})"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "install-deps: done"
