#!/bin/sh
# deps/install.sh - install the Debian packages of deps/packages.txt that are
# missing. With --check, only report them (exit 1 when some are missing).
# Runs apt-get as root, or through sudo when it is available.
set -eu
here=$(dirname "$0")
packages=$(grep -v '^#' "$here/packages.txt")
# One dpkg-query for all of them: this runs on every `make`.
# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $packages 2>/dev/null |
            awk '/install ok installed/ {print $1}')
missing=""
for pkg in $packages; do
    case " $(echo $installed) " in
        *" $pkg "*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
if [ -z "$missing" ]; then
    [ "${1:-}" = "--check" ] || echo "deps: every package the book needs is installed"
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "deps: missing:$missing"
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "deps: these packages are missing and I am neither root nor able to sudo:$missing" >&2
    echo "deps: install them with: apt-get install$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
