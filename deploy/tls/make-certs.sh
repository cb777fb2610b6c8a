#!/usr/bin/env bash
# Makes a private CA for one Tally cluster and a certificate its nodes share (server and client use), with openssl.
#
#   deploy/tls/make-certs.sh DIR [DNS-NAME...]
#
# DIR gets ca.pem (give it to every node: --tls-ca), node.pem and node-key.pem (--tls-cert, --tls-key), and
# ca-key.pem (keep it away from the nodes: it signs new certificates). Nodes trust a peer whose certificate chains to
# ca.pem whatever name it carries (they dial the addresses DNS discovery returns), so use this CA for this cluster
# only. The names (plus localhost and 127.0.0.1) go into the certificate for clients that do check names, e.g. curl.
set -euo pipefail
dir="${1:?usage: make-certs.sh DIR [DNS-NAME...]}"
shift
mkdir -p "$dir"
cd "$dir"
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=Tally cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout ca-key.pem -out ca.pem 2>/dev/null
fi
san="DNS:localhost,IP:127.0.0.1"
for name in "$@"; do
  san="$san,DNS:$name"
done
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=Tally node" -keyout node-key.pem -out node.csr 2>/dev/null
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" > node.ext
openssl x509 -req -in node.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 825 -extfile node.ext -out node.pem 2>/dev/null
rm -f node.csr node.ext ca.srl
# The nodes run as uid 1654 (user app) and must read the key; Kubernetes Secrets set their own mode (see deploy/README.md).
chmod 644 node.pem node-key.pem ca.pem
chmod 600 ca-key.pem
echo "make-certs: $dir/ca.pem, $dir/node.pem, $dir/node-key.pem ($san)"
