#!/bin/bash
# The stand-in runner's config.sh: a just-in-time runner needs no configuration (run.sh --jitconfig).
user_id=$(id -u)
if [ "$user_id" -eq 0 ] && [ -z "$RUNNER_ALLOW_RUNASROOT" ]; then
    echo "Must not run interactively with sudo"
    exit 1
fi
echo "This stand-in runner is configured just in time: start it with ./run.sh --jitconfig <encoded_jit_config>" >&2
exit 1
