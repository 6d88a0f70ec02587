#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so keytar
# and msal-node-extensions talk to a real Secret Service without touching the user's own.
# usage: scripts/run-keyring.sh <command...>     (KEYRING_DIR picks the throwaway HOME)
set -e
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "run-keyring: dbus-run-session or gnome-keyring-daemon is missing (apt-get install dbus-bin gnome-keyring)" >&2
  exit 127
fi
KR="${KEYRING_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/huntbench-keyring.XXXXXX")}"
mkdir -p "$KR/home" "$KR/run"
chmod 700 "$KR/run"
export HUNTBENCH_REAL_HOME="${HUNTBENCH_REAL_HOME:-$HOME}"
export HOME="$KR/home" XDG_RUNTIME_DIR="$KR/run"
exec dbus-run-session -- sh -c 'printf "%s" "${KEYRING_PW:-huntbench-test}" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
