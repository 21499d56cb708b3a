#!/usr/bin/env bash
# Installs what the build and tests need from Debian/Ubuntu's packages:
#   libdlm3     - libdlm.so.3, loaded at run time by the JNA binding
#   libdlm-dev  - /usr/include/libdlm.h, read by the struct-layout test and native-tools/
#   gcc, libc6-dev - compile the layout probe and the C benchmark loop
#   chromium, chromium-driver - the sample page's browser test (Selenium drives them; no
#                 browser is downloaded at run time)
# Idempotent and quiet: calls apt-get only when a package is missing. Works without a tty
# (CI=true). Needs root, or sudo without a password.
set -euo pipefail

packages=(libdlm3 libdlm-dev gcc libc6-dev chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$package")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-native-deps: apt-get not found; install ${missing[*]} with this system's package manager" >&2
	exit 1
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo_cmd=(sudo -n)
	else
		echo "install-native-deps: run as root to install ${missing[*]}" >&2
		exit 1
	fi
fi

echo "install-native-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq -o DPkg::Lock::Timeout=600
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
