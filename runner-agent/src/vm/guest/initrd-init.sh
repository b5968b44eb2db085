#!/bin/busybox sh
# Stage one, PID 1 in the initramfs: load the drivers Debian's kernel builds as modules (virtio, ext4, 9p),
# mount the image's root filesystem from /dev/vda and hand over to the init the image names in /etc/ironbots-init
# (systemd in recipe-built images), else to the guest agent itself (the busybox image).
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /newroot
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() {
  echo "ironbots-initrd: $*" >/dev/ttyS0
  poweroff -f
}
# modules.order lists the modules in dependency order (the builder resolves each module's depends=).
while read -r module; do
  insmod "/modules/$module.ko" || fail "cannot load $module"
done </modules/modules.order
tries=0
while [ ! -b /dev/vda ]; do
  tries=$((tries + 1))
  # 30 s: on a busy host a TCG guest's clock runs as slowly as everything else.
  [ "$tries" -gt 1500 ] && fail "no /dev/vda: the root disk did not appear"
  usleep 20000
done
mount -t ext4 /dev/vda /newroot || fail "cannot mount the root filesystem on /dev/vda"
init=/sbin/ironbots-guest
[ -s /newroot/etc/ironbots-init ] && read -r init </newroot/etc/ironbots-init
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot "$init"
