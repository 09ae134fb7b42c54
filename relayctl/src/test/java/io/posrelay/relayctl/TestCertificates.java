package io.posrelay.relayctl;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA (written to {@code ca.pem}) and a server certificate it signed for SAN IP 127.0.0.1
 * and DNS localhost, with a JSSE server context for a fake TLS relay node.
 */
record TestCertificates(Path caFile, SSLContext serverContext) {

  static TestCertificates create(Path dir) throws Exception {
    KeyPair caKeys = ecKeys();
    KeyPair serverKeys = ecKeys();
    X500Name caName = new X500Name("CN=POS Relay test CA");
    X509Certificate ca = sign(builder(caName, caName, caKeys, BigInteger.ONE)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), caKeys);
    X509Certificate server = sign(builder(caName, new X500Name("CN=localhost"), serverKeys,
            BigInteger.TWO)
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")})), caKeys);
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(ca);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", serverKeys.getPrivate(), new char[0],
        new Certificate[] {server, ca});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return new TestCertificates(Files.writeString(dir.resolve("ca.pem"), pem.toString()), context);
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys,
      BigInteger serial) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, serial,
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
        subject, keys.getPublic());
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

}
