#!/bin/sh
# The one list of system packages nas uses, installed when this machine allows it.
#
#   libdnnl-dev           oneDNN: `npm ci` builds the fast native engine against it (--backend auto picks it)
#   redis-server          the distributed (BullMQ) workers; the tests start their own instances
#   tmux                  the dashboard tests drive the real CLI in a terminal
#   dataset-fashion-mnist the full Fashion-MNIST (60k/10k): `--dataset fashion-mnist`, nas fidelity
#
# On Debian/Ubuntu as root (or with password-less sudo) it installs what is missing; anywhere else it
# prints one line naming what to install and exits 0, so the command after it still runs. It never
# fails the set-up. It records what it found in .system-deps (read by the tests: a component the
# set-up could not install is a skip with that reason; one it should have installed is a failure).
# Used by both README commands and by .ci/run.
PACKAGES="libdnnl-dev redis-server tmux dataset-fashion-mnist"

cd "$(dirname "$0")/.." || exit 0
status_file=${NAS_SYSTEM_DEPS_FILE:-.system-deps}

missing() {
  out=""
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out="$out $p"
  done
  echo "$out" | sed 's/^ //'
}

record() { # $1 = ok | unavailable, $2 = reason
  printf 'status=%s\nreason=%s\nmissing=%s\n' "$1" "$2" "$3" > "$status_file" 2>/dev/null || true
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  reason="not a Debian/Ubuntu system"
  echo "nas: $reason; install oneDNN, redis-server, tmux and Fashion-MNIST yourself for the fast engine and the full test suite (Debian names: $PACKAGES)"
  record unavailable "$reason" "$PACKAGES"
  exit 0
fi

todo=$(missing)
if [ -z "$todo" ]; then
  record ok "" ""
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  reason="not root and no password-less sudo"
  echo "nas: $reason; to get the fast engine and the full test suite run: sudo apt-get install $todo"
  record unavailable "$reason" "$todo"
  exit 0
fi

echo "nas: installing system packages: $todo"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 keeps the package from starting a system redis (the tests and `nas worker` start their own).
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
  $as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy" 2>/dev/null && made_policy=1
fi
if $as_root apt-get update -qq >/dev/null 2>&1 &&
   $as_root apt-get install -y -qq --no-install-recommends $todo >/dev/null 2>&1; then
  :
fi
[ -n "$made_policy" ] && $as_root rm -f "$policy"

left=$(missing)
if [ -z "$left" ]; then
  record ok "" ""
else
  reason="apt-get could not install $left"
  echo "nas: $reason; the pure-JS engine is used and the tests that need them are skipped"
  record unavailable "$reason" "$left"
fi
exit 0
