#!/bin/sh
# Regenerates the TLS test material (run once; the output is committed). Needs only the JDK.
set -e
KT=${KEYTOOL:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/keytool}
JSHELL=${JSHELL:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/jshell}
P=changeit
cd "$(dirname "$0")"
rm -f *.p12 *.pem *.csr *.crt

gen() { # alias dname [extra genkeypair args]
  a=$1; d=$2; shift 2
  $KT -genkeypair -keystore $a.p12 -storetype PKCS12 -storepass $P -alias $a -keyalg EC -groupname secp256r1 \
      -dname "$d" "$@"
}
sign() { # alias ext startdate validity
  a=$1
  $KT -certreq -keystore $a.p12 -storepass $P -alias $a -file $a.csr
  $KT -gencert -keystore ca.p12 -storepass $P -alias ca -infile $a.csr -outfile $a.crt -rfc \
      -ext "$2" -startdate "$3" -validity $4
  # import the chain (CA first, then the signed cert) so the key entry holds the full chain
  $KT -importcert -noprompt -keystore $a.p12 -storepass $P -alias ca -file ca.pem
  $KT -importcert -noprompt -keystore $a.p12 -storepass $P -alias $a -file $a.crt
  $KT -delete -keystore $a.p12 -storepass $P -alias ca
  rm -f $a.csr $a.crt
}

# 1. the test CA (valid 100 years)
gen ca "CN=Weft Test CA" -ext bc:c -validity 36500 -startdate 2025/01/01
$KT -exportcert -keystore ca.p12 -storepass $P -alias ca -rfc -file ca.pem

# 2. server cert for localhost + 127.0.0.1, signed by the CA, valid 100 years
gen server "CN=localhost"
sign server "SAN=dns:localhost,ip:127.0.0.1" 2025/01/01 36500

# 3. expired cert (signed by the CA, right names, valid 2020/01/01 for 30 days)
gen expired "CN=localhost"
sign expired "SAN=dns:localhost,ip:127.0.0.1" 2020/01/01 30

# 4. cert for another host name (signed by the CA)
gen otherhost "CN=other.example"
sign otherhost "SAN=dns:other.example" 2025/01/01 36500

# 5. self-signed cert for localhost + 127.0.0.1
gen selfsigned "CN=localhost" -ext "SAN=dns:localhost,ip:127.0.0.1" -validity 36500 -startdate 2025/01/01

# 6. a client certificate signed by the CA
gen client "CN=weft-test-client"
sign client "EKU=clientAuth" 2025/01/01 36500

# PEM copies of the server's chain and key (for TlsOptions.server(certPem, keyPem))
$KT -exportcert -keystore server.p12 -storepass $P -alias server -rfc -file server-cert.pem
cat ca.pem >> server-cert.pem
$JSHELL -R-Dp=$P - <<'JS'
var ks = java.security.KeyStore.getInstance("PKCS12");
ks.load(new java.io.FileInputStream("server.p12"), System.getProperty("p").toCharArray());
var key = ks.getKey("server", System.getProperty("p").toCharArray());
var b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded());
java.nio.file.Files.writeString(java.nio.file.Path.of("server-key.pem"), "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
/exit
JS
