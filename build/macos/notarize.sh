#!/usr/bin/env bash
# Sign, notarize and staple the disk image, so Gatekeeper opens a downloaded CPE Tracker without
# a warning. Run after build/build.py built the app with CPE_CODESIGN_IDENTITY (the app and every
# library in it are then signed with that Developer ID and the hardened runtime).
#
#   build/macos/notarize.sh dist/CPE-Tracker-0.1.0-macos.dmg
#
# Needs, in the environment: CPE_CODESIGN_IDENTITY ("Developer ID Application: Name (TEAMID)",
# in an unlocked keychain), APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD (an app-specific
# password of that Apple ID). The workflow runs this only when those secrets are configured.
set -euo pipefail

dmg=${1:?usage: notarize.sh DMG}
: "${CPE_CODESIGN_IDENTITY:?the Developer ID Application identity}"
: "${APPLE_ID:?}" "${APPLE_TEAM_ID:?}" "${APPLE_APP_PASSWORD:?}"

codesign --force --timestamp --sign "$CPE_CODESIGN_IDENTITY" "$dmg"
codesign --verify --strict --verbose=2 "$dmg"

# --wait: Apple's answer, usually within minutes; anything but "Accepted" fails the script, and
# the log says why (an unsigned library, no hardened runtime, no secure timestamp, ...).
result=$(xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
  --password "$APPLE_APP_PASSWORD" --wait --output-format json)
echo "$result"
field() { printf '%s' "$result" | python3 -c "import json, sys; print(json.load(sys.stdin).get('$1', ''))"; }
id=$(field id || true)
status=$(field status || true)
if [ "$status" != "Accepted" ]; then
  echo "notarize: Apple answered '${status:-nothing}'" >&2
  if [ -n "$id" ]; then
    xcrun notarytool log "$id" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
      --password "$APPLE_APP_PASSWORD" || true
  fi
  exit 1
fi

# The ticket goes into the image, so Gatekeeper needs no network to accept it.
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
echo "notarize: $dmg is signed, notarized and stapled"
