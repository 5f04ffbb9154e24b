#!/usr/bin/env bash
# Creates a throwaway demo PKI for the bundled config.example.yaml (only if it does not exist yet):
#   var/pki/ca.pem              the CA that issues device certificates (trusted for EAP-TLS)
#   var/pki/server.{pem,key}    the RADIUS server certificate (CN=radius.example, serverAuth)
#   var/pki/device.{pem,key}    one device certificate like Jamf issues: SAN DNS:<UDID>, URI:urn:jamf:udid:<UDID>
# Replace them with your own CA and server certificate before real use.
set -euo pipefail
cd "$(dirname "$0")/.."
out=var/pki
[ -s "$out/server.pem" ] && [ -s "$out/ca.pem" ] && exit 0
command -v openssl >/dev/null || { echo "demo-pki: openssl is needed (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
chmod 700 "$out"
cd "$out"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec ca.key
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/O=portcullis demo/CN=portcullis demo device CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
issue() { # issue NAME SUBJECT EXTFILE
  ec "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -sha256 -extfile "$3" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:radius.example\n' > server.ext
issue server "/O=portcullis demo/CN=radius.example" server.ext
udid=$(cat /proc/sys/kernel/random/uuid | tr 'a-f' 'A-F')
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:%s,URI:urn:jamf:udid:%s\n' "$udid" "$udid" > device.ext
issue device "/O=portcullis demo/CN=$udid" device.ext
rm -f ./*.ext ca.srl
chmod 600 ./*.key
echo "demo-pki: wrote $out (device UDID $udid); replace with your own certificates for real use"
