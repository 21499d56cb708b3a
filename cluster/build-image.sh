#!/usr/bin/env bash
# Builds (or reuses) the Debian bookworm guest image for the kernel-DLM test cluster.
#
# Output, in ${DLM_CLUSTER_CACHE:-/var/cache/dlm-cluster}/<key>/: base.img (raw ext4 root),
# vmlinuz, initrd.img. <key> hashes this script and the guest stub, so a changed recipe
# rebuilds; an unchanged one is reused. Built in a temporary directory and renamed into place,
# so an interrupted build never leaves a half image behind. The path of the current image is
# written to $DLM_CLUSTER_CACHE/current.
#
# The apt mirror comes from the host's apt configuration (never hard-coded here).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SUITE=bookworm
PACKAGES=linux-image-amd64,udev,kmod,iproute2,corosync,dlm-controld,libdlm3,libdlm-dev,gcc,libc6-dev,procps,openjdk-17-jre-headless
# The benchmarks' same-node peers (benchmarks/vm.sh): Debian's Redis and PostgreSQL servers.
# Nothing starts them at boot (the image's PID 1 is the node init, not systemd or sysvinit);
# the benchmark starts them on loopback with data directories of its own.
PACKAGES=$PACKAGES,redis-server,postgresql-15
IMAGE_SIZE=3G

# The mirror for $SUITE from deb822 sources or one-line sources.list (first non-security URI).
host_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk 'BEGIN{RS=""; FS="\n"}
			{ u=""; s=""; for (i=1;i<=NF;i++) { if ($i ~ /^URIs:/) u=$i; if ($i ~ /^Suites:/) s=$i }
			  if (u != "" && s !~ /security/) { sub(/^URIs:[ \t]*/, "", u); split(u, a, " "); print a[1]; exit } }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1=="deb" && $0 !~ /security/ { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	return 1
}

KEY=$(cat "$0" "$CLUSTER_DIR/guest/init-stub.sh" | sha256sum | cut -c1-16)
OUT=$DLM_CLUSTER_CACHE/$KEY
if [ -f "$OUT/base.img" ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ]; then
	echo "$OUT" >"$DLM_CLUSTER_CACHE/current"
	log "image cached: $OUT"
	exit 0
fi

for t in mmdebstrap mkfs.ext4; do
	command -v "$t" >/dev/null || die "$t not found: run cluster/install-deps.sh first"
done
[ "$(id -u)" -eq 0 ] || die "build-image.sh must run as root (mmdebstrap root mode, device nodes in the image)"
MIRROR=$(host_mirror) || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"

mkdir -p "$DLM_CLUSTER_CACHE"
exec 9>"$DLM_CLUSTER_CACHE/.build.lock"
flock 9
# Another build may have finished while we waited for the lock.
if [ -f "$OUT/base.img" ]; then
	echo "$OUT" >"$DLM_CLUSTER_CACHE/current"
	log "image cached: $OUT"
	exit 0
fi

start=$(now_ms)
TMP=$(mktemp -d "$DLM_CLUSTER_CACHE/build.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
log "building image $KEY from $MIRROR into $TMP"

# Lean: no docs, man pages or locales; no recommends (mmdebstrap's default for minbase).
# man1 must still exist: openjdk's postinst registers man-page alternatives there.
mmdebstrap --variant=minbase --mode=root \
	--include="$PACKAGES" \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--essential-hook='mkdir -p "$1/usr/share/man/man1"' \
	--customize-hook='mkdir -p "$1/mnt/host" "$1/mnt/ctl" "$1/etc/dlm"' \
	--customize-hook="copy-in $CLUSTER_DIR/guest/init-stub.sh /sbin" \
	--customize-hook='mv "$1/sbin/init-stub.sh" "$1/sbin/dlm-node-init"; chmod 0755 "$1/sbin/dlm-node-init"' \
	--customize-hook='rm -f "$1/etc/machine-id"; : >"$1/etc/machine-id"' \
	--customize-hook='rm -rf "$1/var/lib/postgresql/"*/main "$1/etc/postgresql/"*/main' \
	--customize-hook='rm -rf "$1/var/cache/apt/archives/"*.deb "$1/var/lib/apt/lists/"*' \
	"$SUITE" "$TMP/root" "$MIRROR" >"$TMP/mmdebstrap.log" 2>&1 \
	|| { tail -40 "$TMP/mmdebstrap.log" >&2; die "mmdebstrap failed (log above)"; }
t_strap=$(now_ms)
log "mmdebstrap: $(( (t_strap - start) / 1000 )) s"

kver=$(ls "$TMP/root/lib/modules" | sort -V | tail -1)
cp "$TMP/root/boot/vmlinuz-$kver" "$TMP/vmlinuz"
cp "$TMP/root/boot/initrd.img-$kver" "$TMP/initrd.img"
mkfs.ext4 -q -L dlmroot -d "$TMP/root" "$TMP/base.img" "$IMAGE_SIZE"
rm -rf "$TMP/root"
cat >"$TMP/manifest" <<EOM
key=$KEY
suite=$SUITE
mirror=$MIRROR
kernel=$kver
packages=$PACKAGES
built=$(date -u +%FT%TZ)
EOM
mv "$TMP" "$OUT"
trap - EXIT
chmod 0755 "$OUT"
echo "$OUT" >"$DLM_CLUSTER_CACHE/current"
end=$(now_ms)
log "image built in $(( (end - start) / 1000 )) s (mmdebstrap $(( (t_strap - start) / 1000 )) s, mkfs $(( (end - t_strap) / 1000 )) s): $OUT"

# Keep the three newest images; older recipes' images are only disk space.
ls -1dt "$DLM_CLUSTER_CACHE"/[0-9a-f]*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
