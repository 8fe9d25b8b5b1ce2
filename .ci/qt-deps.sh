# Sourced by .ci/run: the system libraries and font Qt needs to run offscreen, from Debian's
# packages, installed only when missing (a fresh machine may lack them).
qt_deps() {
  local missing=()
  local lib pkg
  while read -r lib pkg; do
    ldconfig -p | grep -q "$lib" || missing+=("$pkg")
  done <<'LIST'
libEGL.so.1 libegl1
libGL.so.1 libgl1
libfontconfig.so.1 libfontconfig1
libxkbcommon.so.0 libxkbcommon0
libdbus-1.so.3 libdbus-1-3
LIST
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "ci: installing ${missing[*]} from Debian packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
