package io.posrelay.relayctl.admin;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA and a server certificate it signed (SAN IP 127.0.0.1 and DNS localhost, EC P-256),
 * written as PEM files: {@code ca.pem}, {@code server.pem} (the chain) and {@code server.key}
 * (PKCS#8). Valid from an hour ago for a day.
 */
final class TestCertificates {
  /** The CA's certificate: what clients trust. */
  final Path caFile;
  /** The server's certificate chain. */
  final Path certFile;
  /** The server's private key, PKCS#8. */
  final Path keyFile;

  private TestCertificates(Path caFile, Path certFile, Path keyFile) {
    this.caFile = caFile;
    this.certFile = certFile;
    this.keyFile = keyFile;
  }

  /** Generates a fresh CA and server certificate into {@code dir}. */
  static TestCertificates create(Path dir) throws Exception {
    Files.createDirectories(dir);
    KeyPair caKeys = ecKeys();
    X500Name caName = new X500Name("CN=posrelay test CA");
    X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, serial(), notBefore(),
            notAfter(), caName, caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)), caKeys);
    KeyPair serverKeys = ecKeys();
    X509Certificate server = sign(new JcaX509v3CertificateBuilder(caName, serial(), notBefore(),
            notAfter(), new X500Name("CN=localhost"), serverKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.dNSName, "localhost")})), caKeys);
    return new TestCertificates(
        write(dir.resolve("ca.pem"), "CERTIFICATE", ca.getEncoded()),
        write(dir.resolve("server.pem"), "CERTIFICATE", server.getEncoded()),
        write(dir.resolve("server.key"), "PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(System.nanoTime());
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }

  private static Path write(Path file, String type, byte[] der) throws IOException {
    String pem = "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
    return Files.writeString(file, pem, StandardCharsets.US_ASCII);
  }
}
