#!/bin/bash
# The stand-in runner's run.sh, started the way GitHub's is for a just-in-time runner:
#   ./run.sh --jitconfig <encoded_jit_config>      (or ACTIONS_RUNNER_INPUT_JITCONFIG=<encoded> ./run.sh)
# Like the real one (run-helper.sh), it refuses to run as root unless RUNNER_ALLOW_RUNASROOT is set.
user_id=$(id -u)
if [ "$user_id" -eq 0 ] && [ -z "$RUNNER_ALLOW_RUNASROOT" ]; then
    echo "Must not run interactively with sudo"
    exit 1
fi
dir="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runner="$dir/bin/standin_runner.py"
[ -f "$runner" ] || runner="$dir/standin_runner.py"
cd "$dir" || exit 1
STANDIN_RUNNER_ROOT="$dir" exec python3 "$runner" "$@"
