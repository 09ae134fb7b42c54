package io.posrelay.relay;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA and a server certificate it signed (SAN IP 127.0.0.1 and DNS localhost), written as
 * PEM files: {@code ca.pem}, {@code server.pem} (the chain) and {@code server.key} (PKCS#8).
 */
record TestCertificates(Path caFile, Path certFile, Path keyFile, X509Certificate ca) {

  static TestCertificates create(Path dir) throws Exception {
    KeyPair caKeys = ecKeys();
    KeyPair serverKeys = ecKeys();
    X500Name caName = new X500Name("CN=POS Relay test CA");
    Instant now = Instant.now();
    X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
            Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
            caName, caKeys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
        caKeys);
    X509Certificate server = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
            Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
            new X500Name("CN=localhost"), serverKeys.getPublic())
            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")})),
        caKeys);
    return new TestCertificates(write(dir.resolve("ca.pem"), ca),
        write(dir.resolve("server.pem"), server, ca),
        write(dir.resolve("server.key"), new JcaPKCS8Generator(serverKeys.getPrivate(), null)),
        ca);
  }

  /** A client context that trusts only the test CA. */
  SSLContext clientContext() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
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

  private static Path write(Path file, Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        if (o instanceof JcaPKCS8Generator pkcs8) {
          pem.writeObject(pkcs8);
        } else {
          pem.writeObject(o);
        }
      }
    }
    return Files.writeString(file, text.toString());
  }
}
