package io.posrelay.testkit.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureMaterialTest {
  @TempDir Path tmp;

  @Test
  void createOrReuse_createsEverything_ownerOnly_thenReusesIt() throws Exception {
    Path dir = tmp.resolve("secure");
    SecureMaterial first = SecureMaterial.createOrReuse(dir);
    assertThat(first.created()).containsExactlyInAnyOrder(
        "ilk-secrets", "terminal-secrets", "operator-tokens", "kafka-broker-password",
        "kafka-client-password", "ca.pem", "server.pem");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    for (Path secret : List.of(first.ilkSecretFile(), first.terminalSecretFile(),
        first.operatorTokenFile(), first.serverKeyFile(), first.caKeyFile(),
        first.kafkaBrokerPasswordFile(), first.kafkaClientPasswordFile(),
        first.kafkaKeyStoreFile(), first.kafkaClientConfigFile())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
          .as(secret.toString()).isEqualTo("rw-------");
    }
    String secret = SecureMaterial.currentSecret(first.terminalSecretFile());
    assertThat(secret).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(SecureMaterial.currentSecret(first.ilkSecretFile())).isNotEqualTo(secret);
    byte[] serverCert = Files.readAllBytes(first.serverCertFile());

    assertThat(Files.readString(first.kafkaClientConfigFile()))
        .contains("kafka.security.protocol=SASL_SSL\n", "kafka.sasl.mechanism=SCRAM-SHA-512\n",
            "kafka.ssl.truststore.type=PEM\n",
            "kafka.ssl.truststore.location=" + first.caCertFile().toAbsolutePath() + "\n",
            "username=\"posrelay\" password=\""
                + SecureMaterial.currentSecret(first.kafkaClientPasswordFile()) + "\"");
    assertThat(Files.readString(first.kafkaKeyStoreFile()))
        .startsWith("-----BEGIN PRIVATE KEY-----").contains("-----BEGIN CERTIFICATE-----");
    assertThat(first.kafkaSecurity().toString()).doesNotContain(
        SecureMaterial.currentSecret(first.kafkaBrokerPasswordFile()));

    SecureMaterial again = SecureMaterial.createOrReuse(dir);
    assertThat(again.created()).isEmpty();
    assertThat(SecureMaterial.currentSecret(again.terminalSecretFile())).isEqualTo(secret);
    assertThat(Files.readAllBytes(again.serverCertFile())).isEqualTo(serverCert);
  }

  @Test
  void missingServerCertificate_isIssuedAgainByTheSameCa() throws Exception {
    SecureMaterial first = SecureMaterial.createOrReuse(tmp);
    byte[] ca = Files.readAllBytes(first.caCertFile());
    Files.delete(first.serverCertFile());

    SecureMaterial again = SecureMaterial.createOrReuse(tmp);

    assertThat(again.created()).containsExactly("server.pem");
    assertThat(Files.readAllBytes(again.caCertFile())).isEqualTo(ca);
    read(again.serverCertFile()).verify(read(again.caCertFile()).getPublicKey());
  }

  @Test
  void serverCertificate_names127001AndLocalhost_forServerAuth() throws Exception {
    SecureMaterial m = SecureMaterial.createOrReuse(tmp);
    X509Certificate server = read(m.serverCertFile());

    List<Object> names = server.getSubjectAlternativeNames().stream()
        .map(san -> san.get(1)).map(Object.class::cast).toList();
    assertThat(names).containsExactlyInAnyOrder("127.0.0.1", "localhost");
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(read(m.caCertFile()).getBasicConstraints()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void nettyServesTls_withTheseFiles_toAClientThatTrustsOnlyTheCa() throws Exception {
    SecureMaterial m = SecureMaterial.createOrReuse(tmp);
    SslContext serverTls =
        SslContextBuilder.forServer(m.serverCertFile().toFile(), m.serverKeyFile().toFile())
            .build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(serverTls.newHandler(ch.alloc()),
                  new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                      ctx.writeAndFlush(msg.retain());
                    }
                  });
            }
          })
          .bind("127.0.0.1", 0).sync().channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();

      try (SSLSocket socket = (SSLSocket) trusting(read(m.caCertFile())).getSocketFactory()
          .createSocket("127.0.0.1", port)) {
        var params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // checks the SAN 127.0.0.1
        socket.setSSLParameters(params);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        byte[] echoed = socket.getInputStream().readNBytes(4);
        assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("ping");
      }

      SecureMaterial other = SecureMaterial.createOrReuse(tmp.resolve("other"));
      try (SSLSocket socket = (SSLSocket) trusting(read(other.caCertFile())).getSocketFactory()
          .createSocket("127.0.0.1", port)) {
        socket.setSoTimeout(5_000);
        assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
      }
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void existing_withoutLocalSecure_saysWhatToRun() {
    assertThatThrownBy(() -> SecureMaterial.existing(tmp.resolve("none")))
        .hasMessageContaining("bin/relayctl local --secure");
  }

  private static X509Certificate read(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static SSLContext trusting(X509Certificate ca) throws Exception {
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
}
