#!/bin/sh
# The guest agent: runs the one job the host put on the ironbots.job share, with its working directory shared
# at the same path, streams its output to the ironbots.output port, and talks with the host over
# ironbots.control: it says "booted <kernel>" and "ready", waits for "job <epoch seconds> [restored]" (at once
# on a cold boot; a VM restored from a saved state receives it only after the restore, so everything that cannot
# survive a restore — the clock, the 9p mounts, the network set-up — is done after it), then says "started" and
# "exit N" and ends the output with the job's trailer. The host never hands argv to a shell: it writes
# command.sh with every word single-quoted.
# Session mode (a GitLab job's VM, one VM for all of its stages): "session <epoch> [restored]" instead of
# "job …", and no working directory share; the agent says "session-ready", then takes "run <script> <shell>
# <trailer>" lines, one after another, each from a host process that connects for that script only, and
# answers each with "started", the output and its trailer, and "exit N". It never powers off by itself.
# It is PID 1 of the busybox image and a systemd service (ironbots-guest.service) in recipe-built images.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if [ "$$" = 1 ]; then
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t tmpfs tmpfs /tmp
  mount -t tmpfs tmpfs /run
fi
halt_now() {
  sync
  poweroff -f
}
console() { echo "ironbots-guest: $*" >/dev/ttyS0; }
output=
control=
tries=0
# The host names the ports asynchronously: wait for both names (30 s). A VM without any port (booted by
# hand) has no job: power off at once.
[ -n "$(ls /sys/class/virtio-ports 2>/dev/null)" ] || { console "no job ports: nothing to run"; halt_now; }
while [ -z "$output" ] || [ -z "$control" ]; do
  for port in /sys/class/virtio-ports/*; do
    case "$(cat "$port/name" 2>/dev/null)" in
      ironbots.output) output="/dev/${port##*/}" ;;
      ironbots.control) control="/dev/${port##*/}" ;;
    esac
  done
  [ -n "$output" ] && [ -n "$control" ] && break
  tries=$((tries + 1))
  [ "$tries" -gt 1500 ] && { console "no ironbots.output/ironbots.control ports"; halt_now; }
  sleep 0.02
done
exec 3<>"$control"
# The output port is opened once, here, and every script writes to this one descriptor: a port takes one
# opener at a time (EBUSY after), and a background process a script leaves running keeps its copy open, which
# would make opening it again for the trailer or the next script fail.
exec 4>"$output"
# Under TCG every process the guest starts costs a noticeable part of a second: from here to "started", files
# are read with the shell's own `read`, and the network is set up by one `ip` where it takes a batch.
mkdir -p /run/job
read -r kernel </proc/sys/kernel/osrelease
echo "booted $kernel" >&3
echo ready >&3
go=
while read -r word epoch how <&3; do
  case "$word" in job | session) go=$word && break ;; esac
done
[ -n "$go" ] || { console "the control port closed before a job came"; halt_now; }
# The clock stood still while the state was saved: the host's time is the right one. A cold boot read it
# from the emulated RTC already.
[ "$how" = restored ] && date -s "@$epoch" >/dev/null 2>&1
mount -t 9p -o trans=virtio,version=9p2000.L,ro ironbots.job /run/job || { echo "error cannot mount the job share" >&3; halt_now; }
network=
read -r network </run/job/network || true
if [ "$network" = user ]; then
  # QEMU's user-mode network has fixed addresses: no DHCP lease to wait for, none to renew after a restore.
  printf '%s\n' 'link set lo up' 'link set eth0 up' 'addr add 10.0.2.15/24 dev eth0' 'route add default via 10.0.2.2' |
    ip -batch - 2>/dev/null ||
    { ip link set lo up && ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2; } ||
    { echo "error cannot set up the network on eth0" >&3; halt_now; }
  echo 'nameserver 10.0.2.3' >/etc/resolv.conf
fi
if [ "$go" = session ]; then
  echo session-ready >&3
  while :; do
    # Between two scripts no host process holds the port: reads end at once until the next one connects.
    if ! read -r word name shell trailer <&3; then
      sleep 0.2
      continue
    fi
    [ "$word" = run ] || continue
    case "$shell" in bash | sh) ;; *)
      echo "error unknown shell $shell" >&3
      continue
      ;;
    esac
    command -v "$shell" >/dev/null 2>&1 || { echo "error this image has no $shell: run its jobs with --shell sh" >&3 && continue; }
    [ -r "/run/job/scripts/$name" ] || { echo "error no script $name on the job share" >&3 && continue; }
    echo started >&3
    (cd / && exec env -i HOME=/root USER=root LOGNAME=root PATH="$PATH" LANG=C.UTF-8 "$shell" "/run/job/scripts/$name") </dev/null >&4 2>&4 3>&- 4>&- &
    wait $!
    code=$?
    printf '%s' "$trailer" >&4
    echo "exit $code" >&3
  done
fi
workdir=
IFS= read -r workdir </run/job/workdir || true
mkdir -p "$workdir"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 ironbots.workdir "$workdir" || { echo "error cannot mount the working directory" >&3; halt_now; }
# One line without a newline: read fails at its end but has read it.
trailer=
IFS= read -r trailer </run/job/trailer || true
echo started >&3
sh /run/job/command.sh </dev/null >&4 2>&4 3>&- 4>&- &
wait $!
code=$?
# A write to a port returns once the data is queued, not once the host has it: the trailer, behind all the
# output in the same queue, tells the host it has everything. The host then stops the VM.
printf '%s' "$trailer" >&4
echo "exit $code" >&3
sleep 300
console "the host did not stop the VM after the job"
halt_now
