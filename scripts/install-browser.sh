#!/bin/sh
# Headless Chromium for the browser tests (the comparison report and the trainer's UI),
# from Debian's packages: test tools cannot download their own browser on every machine,
# and the tests drive this one through its path. Nothing is done if it is already there.
set -e
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium
