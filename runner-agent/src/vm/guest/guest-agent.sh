#!/bin/sh
# The guest agent, PID 1 of the image: runs the one job the host put on the ironbots.job share, with its
# working directory shared at the same path, streams its output to the ironbots.output port, reports over
# ironbots.control ("booted", "started", "exit N") and ends the output with the job's trailer. The host never
# hands argv to a shell: it writes command.sh with every word single-quoted.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
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
  usleep 20000
done
exec 3>"$control"
echo "booted $(uname -r)" >&3
mkdir -p /run/job
mount -t 9p -o trans=virtio,version=9p2000.L,ro ironbots.job /run/job || { echo "error cannot mount the job share" >&3; halt_now; }
workdir="$(cat /run/job/workdir)"
mkdir -p "$workdir"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 ironbots.workdir "$workdir" || { echo "error cannot mount the working directory" >&3; halt_now; }
trailer="$(cat /run/job/trailer)"
echo started >&3
sh /run/job/command.sh </dev/null >"$output" 2>&1 &
wait $!
code=$?
# A write to a port returns once the data is queued, not once the host has it: the trailer, behind all the
# output in the same queue, tells the host it has everything. The host then stops the VM.
printf '%s' "$trailer" >"$output"
echo "exit $code" >&3
sleep 300
console "the host did not stop the VM after the job"
halt_now
