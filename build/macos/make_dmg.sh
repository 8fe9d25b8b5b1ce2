#!/usr/bin/env bash
# Wrap the macOS app bundle in a compressed disk image with an Applications shortcut, so people
# install CPE Tracker by dragging it onto Applications.
#
#   build/macos/make_dmg.sh "dist/CPE Tracker.app" dist/CPE-Tracker-0.1.0-macos.dmg ["CPE Tracker"]
#
# build/build.py calls this after the bundle passed its self-test. hdiutil on CI runners fails now
# and then with "create failed - Resource busy" (actions/runner-images#7522), so creation is
# retried a few times. The app's signature is checked first (`codesign --verify --deep --strict`),
# the image afterwards (`hdiutil verify`).
set -euo pipefail

app=${1:?usage: make_dmg.sh APP_BUNDLE OUTPUT_DMG [VOLUME_NAME]}
dmg=${2:?usage: make_dmg.sh APP_BUNDLE OUTPUT_DMG [VOLUME_NAME]}
volume=${3:-CPE Tracker}
attempts=5

[ -d "$app" ] || { echo "make_dmg: no app bundle at $app" >&2; exit 1; }

# The bundle's signature (Developer ID, or ad hoc without one) must hold for every nested file:
# an app that fails this is "damaged" to Gatekeeper, and on Apple silicon unsigned code is killed.
codesign --verify --deep --strict --verbose=2 "$app"

staging=$(mktemp -d "${TMPDIR:-/tmp}/cpe-dmg.XXXXXX")
trap 'rm -rf "$staging"' EXIT
# ditto keeps the bundle's symbolic links, permissions and extended attributes (its signature).
ditto "$app" "$staging/$(basename "$app")"
ln -s /Applications "$staging/Applications"

rm -f "$dmg"
for attempt in $(seq 1 "$attempts"); do
  if hdiutil create -volname "$volume" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"; then
    break
  fi
  if [ "$attempt" -eq "$attempts" ]; then
    echo "make_dmg: hdiutil create failed $attempts times" >&2
    exit 1
  fi
  echo "make_dmg: hdiutil create failed (attempt $attempt of $attempts); retrying" >&2
  sleep $((attempt * 5))
done

hdiutil verify "$dmg"
echo "make_dmg: wrote $dmg"
