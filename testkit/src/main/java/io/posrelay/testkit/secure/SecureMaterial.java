package io.posrelay.testkit.secure;

import io.posrelay.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * The secrets and certificates of a secure local cluster, all in one directory (by default
 * {@value #DEFAULT_DIR}):
 *
 * <pre>
 * ca.pem            CA certificate: what clients trust (--tls-ca-file, --admin-tls-ca-file, ...)
 * ca-key.pem        CA private key (PKCS#8), kept to issue a new server certificate
 * server.pem        server certificate for 127.0.0.1 and localhost, signed by the CA
 * server-key.pem    its private key (PKCS#8)
 * ilk-secrets       the ILK callback signing secret (ilk-ingest --ilk-secret-file)
 * terminal-secrets  the deployment secret terminal tokens derive from (--terminal-secret-file)
 * operator-tokens   the operator bearer token (admin-api --operator-token-file; also the token
 *                   relay nodes and relayctl send: --admin-token-file)
 * kafka-broker-password, kafka-client-password
 *                   the SCRAM-SHA-512 passwords of the embedded broker's own user and of the
 *                   user every service and relayctl connect as ({@value #KAFKA_CLIENT_USER})
 * kafka-keystore.pem  the broker's key store: server-key.pem followed by server.pem
 * kafka-client.properties
 *                   the Kafka pass-through settings of a client (--config FILE of every
 *                   service): SASL_SSL, SCRAM-SHA-512, ca.pem trusted
 * </pre>
 *
 * <p>{@link #createOrReuse} creates what is missing and keeps what exists, so secrets and the CA
 * survive restarts (terminal tokens issued before stay valid). A server certificate with less than
 * {@link #RENEW_BEFORE} of validity left, or one the CA no longer matches, is issued again.
 * Secrets are 32 random bytes, base64url-encoded (43 characters). The directory is created
 * owner-only (0700) and every key and secret file owner-read/write only (0600) where the file
 * system supports POSIX permissions.
 *
 * <p>Immutable and thread-safe once built; the factory methods touch the file system.
 */
public final class SecureMaterial {
  /** The default directory, relative to the working directory. */
  public static final String DEFAULT_DIR = ".posrelay/secure";
  /** How long a new CA certificate is valid. */
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** How long a new server certificate is valid. */
  static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  /** A server certificate expiring sooner than this is issued again. */
  static final Duration RENEW_BEFORE = Duration.ofDays(1);

  /** The SCRAM user every service and relayctl connect to the secure embedded broker as. */
  public static final String KAFKA_CLIENT_USER = "posrelay";
  /** The SCRAM user of the embedded broker itself. */
  static final String KAFKA_BROKER_USER = "broker";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final List<String> created;

  private SecureMaterial(Path dir, List<String> created) {
    this.dir = dir;
    this.created = List.copyOf(created);
  }

  /**
   * Creates the directory and whatever of its files are missing or stale; keeps the rest.
   *
   * @param dir the directory, created if absent
   * @return the material
   * @throws IOException if a file cannot be read or written, or an existing file is not what it
   *     should be (e.g. a CA key that is not PEM); the message names the file
   */
  public static SecureMaterial createOrReuse(Path dir) throws IOException {
    List<String> created = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      ownerOnly(dir, "rwx------");
    }
    SecureMaterial m = new SecureMaterial(dir, created);
    for (Path secret : List.of(m.ilkSecretFile(), m.terminalSecretFile(), m.operatorTokenFile(),
        m.kafkaBrokerPasswordFile(), m.kafkaClientPasswordFile())) {
      if (!Files.exists(secret)) {
        writePrivate(secret, newSecret() + "\n");
        created.add(secret.getFileName().toString());
      }
    }
    try {
      m.ensureCertificates(created);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot create the local CA and server certificate in " + dir
          + ": " + e.getMessage(), e);
    }
    // Derived files, written every time from the ones above: always in step with them.
    writePrivate(m.kafkaKeyStoreFile(), Files.readString(m.serverKeyFile(), StandardCharsets.UTF_8)
        + Files.readString(m.serverCertFile(), StandardCharsets.UTF_8));
    StringBuilder client = new StringBuilder()
        .append("# Kafka client settings of the secure local cluster (bin/relayctl local --secure):"
            + "\n# SASL_SSL with SCRAM-SHA-512, the broker's certificate issued by ca.pem. Every"
            + " service\n# takes it with --config; it holds a password: keep it owner-only.\n");
    new TreeMap<>(m.kafkaClientProperties()).forEach((key, value) ->
        client.append("kafka.").append(key).append('=').append(value).append('\n'));
    writePrivate(m.kafkaClientConfigFile(), client.toString());
    return new SecureMaterial(dir, created);
  }

  /**
   * The material in a directory that {@code local --secure} created, for clients.
   *
   * @param dir the directory
   * @return the material
   * @throws IOException if the directory or one of the files clients read is missing; the
   *     message says to run {@code bin/relayctl local --secure} first
   */
  public static SecureMaterial existing(Path dir) throws IOException {
    SecureMaterial m = new SecureMaterial(dir, List.of());
    for (Path file : List.of(m.caCertFile(), m.ilkSecretFile(), m.terminalSecretFile(),
        m.operatorTokenFile())) {
      if (!Files.isReadable(file)) {
        throw new IOException(file + " not found: start the cluster with "
            + "'bin/relayctl local --secure' first (it creates " + dir + "), or pass the "
            + "directory it printed with --secure-dir");
      }
    }
    return m;
  }

  private void ensureCertificates(List<String> created)
      throws IOException, GeneralSecurityException {
    LocalCertificateAuthority.Issued ca = null;
    if (Files.exists(caCertFile()) && Files.exists(caKeyFile())) {
      X509Certificate caCert = readCertificate(caCertFile());
      if (validFor(caCert, SERVER_VALIDITY)) {
        ca = new LocalCertificateAuthority.Issued(caCert, readPrivateKey(caKeyFile(), caCert));
      }
    }
    boolean newCa = ca == null;
    if (newCa) {
      ca = LocalCertificateAuthority.newCa("POS Relay local CA", CA_VALIDITY);
      writePrivate(caKeyFile(), LocalCertificateAuthority.privateKeyPem(ca.key()));
      writePublic(caCertFile(), LocalCertificateAuthority.certificatePem(ca.certificate()));
      created.add("ca.pem");
    }
    boolean serverOk = !newCa && Files.exists(serverCertFile()) && Files.exists(serverKeyFile())
        && issuedBy(readCertificate(serverCertFile()), ca.certificate())
        && validFor(readCertificate(serverCertFile()), RENEW_BEFORE);
    if (!serverOk) {
      LocalCertificateAuthority.Issued server =
          LocalCertificateAuthority.newServer(ca, "POS Relay local server", SERVER_VALIDITY);
      writePrivate(serverKeyFile(), LocalCertificateAuthority.privateKeyPem(server.key()));
      writePublic(serverCertFile(),
          LocalCertificateAuthority.certificatePem(server.certificate()));
      created.add("server.pem");
    }
  }

  /** The directory. */
  public Path dir() {
    return dir;
  }

  /** Files created by {@link #createOrReuse} this time (names only); empty if all were reused. */
  public List<String> created() {
    return created;
  }

  /** {@code ca.pem}: the CA certificate clients trust. */
  public Path caCertFile() {
    return dir.resolve("ca.pem");
  }

  /** {@code ca-key.pem}: the CA's private key. */
  Path caKeyFile() {
    return dir.resolve("ca-key.pem");
  }

  /** {@code server.pem}: the certificate every listener presents. */
  public Path serverCertFile() {
    return dir.resolve("server.pem");
  }

  /** {@code server-key.pem}: its private key, PKCS#8 PEM. */
  public Path serverKeyFile() {
    return dir.resolve("server-key.pem");
  }

  /** {@code ilk-secrets}: the ILK callback signing secret, one line. */
  public Path ilkSecretFile() {
    return dir.resolve("ilk-secrets");
  }

  /** {@code terminal-secrets}: the secret terminal tokens derive from, one line. */
  public Path terminalSecretFile() {
    return dir.resolve("terminal-secrets");
  }

  /** {@code operator-tokens}: the operator bearer token, one line. */
  public Path operatorTokenFile() {
    return dir.resolve("operator-tokens");
  }

  /** {@code kafka-broker-password}: the embedded broker's own SCRAM password. */
  Path kafkaBrokerPasswordFile() {
    return dir.resolve("kafka-broker-password");
  }

  /** {@code kafka-client-password}: the SCRAM password of {@value #KAFKA_CLIENT_USER}. */
  Path kafkaClientPasswordFile() {
    return dir.resolve("kafka-client-password");
  }

  /** {@code kafka-keystore.pem}: the broker's key and certificate chain, PEM. */
  public Path kafkaKeyStoreFile() {
    return dir.resolve("kafka-keystore.pem");
  }

  /**
   * {@code kafka-client.properties}: the {@code kafka.*} pass-through settings of a client of the
   * secure broker, for a service's {@code --config}.
   */
  public Path kafkaClientConfigFile() {
    return dir.resolve("kafka-client.properties");
  }

  /**
   * The secure embedded broker's settings: SASL_SSL with SCRAM-SHA-512 for the broker's user and
   * {@value #KAFKA_CLIENT_USER}, this directory's server certificate.
   *
   * @throws IOException if a password file cannot be read
   */
  public EmbeddedKafka.SaslSsl kafkaSecurity() throws IOException {
    return new EmbeddedKafka.SaslSsl(kafkaKeyStoreFile(), caCertFile(), KAFKA_BROKER_USER,
        currentSecret(kafkaBrokerPasswordFile()),
        Map.of(KAFKA_CLIENT_USER, currentSecret(kafkaClientPasswordFile())));
  }

  /**
   * The Kafka client properties of {@value #KAFKA_CLIENT_USER} (as Kafka names them, without the
   * {@code kafka.} prefix): for relayctl's own Kafka clients.
   *
   * @throws IOException if the password file cannot be read
   */
  public Map<String, String> kafkaClientProperties() throws IOException {
    return kafkaSecurity().clientProperties(KAFKA_CLIENT_USER,
        currentSecret(kafkaClientPasswordFile()));
  }

  /**
   * The first non-blank line of a secret file, trimmed: the current secret.
   *
   * @param file one of this directory's secret files
   * @return the secret; never logged by callers
   * @throws IOException if the file cannot be read or holds no secret
   */
  public static String currentSecret(Path file) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        return line.trim();
      }
    }
    throw new IOException(file + ": no secret in the file");
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean validFor(X509Certificate cert, Duration left) {
    return cert.getNotAfter().toInstant().isAfter(Instant.now().plus(left));
  }

  private static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static X509Certificate readCertificate(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (CertificateException e) {
      throw new IOException(file + ": not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readPrivateKey(Path file, X509Certificate cert) throws IOException {
    try (PemReader pem = new PemReader(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
      var object = pem.readPemObject();
      if (object == null || !"PRIVATE KEY".equals(object.getType())) {
        throw new IOException(file + ": not a PKCS#8 PEM private key");
      }
      return KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
          .generatePrivate(new PKCS8EncodedKeySpec(object.getContent()));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": unreadable private key: " + e.getMessage(), e);
    }
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  private static void writePrivate(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".tmp-", "");
    ownerOnly(tmp, "rw-------");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writePublic(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".tmp-", "");
    ownerOnly(tmp, "rw-r--r--");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void ownerOnly(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException notPosix) {
      // e.g. a Windows file system: the directory's own access rules apply
    }
  }
}
