#!/usr/bin/env bash
# Sourced by build.sh (and tests/test_packaging.py): retry a command that failed with "Resource busy".
# hdiutil fails that way now and then on CI machines while something (Spotlight, XProtect) still holds
# the volume or image it just made; waiting and trying again is the known remedy.
# Usage: retry_on_busy ATTEMPTS COMMAND [ARG...]   (RETRY_DELAY_S: seconds before the first retry, default 5)

retry_on_busy() {
  local attempts=$1 n=1 out status
  shift
  while true; do
    status=0
    out=$("$@" 2>&1) || status=$?
    [ -n "$out" ] && printf '%s\n' "$out"
    [ "$status" = 0 ] && return 0
    if [ "$n" -ge "$attempts" ] || ! grep -q "Resource busy" <<<"$out"; then
      return "$status"
    fi
    echo "retry_on_busy: $1 said 'Resource busy'; attempt $((n + 1)) of $attempts" >&2
    sleep $(( ${RETRY_DELAY_S:-5} * n ))
    n=$((n + 1))
  done
}
