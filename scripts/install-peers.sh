#!/usr/bin/env bash
# Installs the Debian packages the test suite talks to (real RADIUS/EAP peers, not mocks of ourselves):
# radclient (freeradius-utils), eapol_test (eapoltest), hostapd + wpa_supplicant (wired 802.1X lab in a
# network namespace), tshark (packet checks), iproute2 (netns), openssl (test PKI).
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq freeradius-utils eapoltest hostapd wpasupplicant tshark iproute2 openssl >/dev/null
for bin in radclient eapol_test hostapd wpa_supplicant tshark ip openssl; do
  command -v "$bin" >/dev/null || { echo "install-peers: $bin is still missing after apt-get install" >&2; exit 1; }
done
echo "install-peers: radclient eapol_test hostapd wpa_supplicant tshark ip openssl present"
