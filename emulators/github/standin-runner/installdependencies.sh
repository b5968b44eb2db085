#!/bin/bash
# The stand-in runner's bin/installdependencies.sh: it needs bash and python3, nothing else to install.
command -v python3 >/dev/null || { echo "the stand-in runner needs python3" >&2; exit 1; }
echo "-----------------------------"
echo " Dependencies installed: none needed"
echo "-----------------------------"
