package io.posrelay.testkit.secure;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for a local cluster: an EC P-256 CA certificate and one
 * server certificate it signs, valid for {@code 127.0.0.1} and {@code localhost} (subject
 * alternative names, RFC 5280 §4.2.1.6) with the serverAuth extended key usage. Not for
 * production: a deployment brings certificates from its own PKI.
 *
 * <p>Certificates and keys are written as PEM: certificates as {@code CERTIFICATE}, private keys
 * as unencrypted PKCS#8 {@code PRIVATE KEY} — the forms Netty's {@code SslContextBuilder} and
 * grpc-java's {@code TlsServerCredentials} read.
 *
 * <p>Stateless and thread-safe (one shared {@link SecureRandom}).
 */
final class LocalCertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SIGNATURE = "SHA256withECDSA";

  /** A certificate and its private key. */
  record Issued(X509Certificate certificate, PrivateKey key) {}

  private LocalCertificateAuthority() {}

  /**
   * Creates a self-signed CA certificate.
   *
   * @param commonName the CA's subject CN
   * @param validity how long from now it is valid
   * @return the CA certificate and key
   * @throws GeneralSecurityException if the JDK lacks EC P-256 or SHA256withECDSA
   */
  static Issued newCa(String commonName, Duration validity) throws GeneralSecurityException {
    KeyPair keys = ecKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), name,
          keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new Issued(sign(builder, keys.getPrivate()), keys.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot encode a certificate extension", e);
    }
  }

  /**
   * Issues a server certificate for {@code 127.0.0.1} and {@code localhost}, signed by {@code ca}.
   *
   * @param ca the issuing CA
   * @param commonName the server's subject CN
   * @param validity how long from now it is valid
   * @return the server certificate and key
   * @throws GeneralSecurityException if signing fails
   */
  static Issued newServer(Issued ca, String commonName, Duration validity)
      throws GeneralSecurityException {
    KeyPair keys = ecKeyPair();
    Instant now = Instant.now();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    try {
      GeneralNames names = new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.dNSName, "localhost")});
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(),
          serial(), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)),
          new X500Name("CN=" + commonName), keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, names)
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(ca.certificate()))
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new Issued(sign(builder, ca.key()), keys.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot encode a certificate extension", e);
    }
  }

  /** PEM of a certificate ({@code CERTIFICATE}). */
  static String certificatePem(X509Certificate certificate) throws IOException {
    StringWriter out = new StringWriter();
    write(out, certificate);
    return out.toString();
  }

  /** PEM of a private key as unencrypted PKCS#8 ({@code PRIVATE KEY}). */
  static String privateKeyPem(PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    write(out, new JcaPKCS8Generator(key, null));
    return out.toString();
  }

  private static void write(Writer out, Object pemObject) throws IOException {
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(pemObject);
    }
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).setBit(63); // positive, 8 bytes (RFC 5280 §4.1.2.2)
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
    }
  }
}
