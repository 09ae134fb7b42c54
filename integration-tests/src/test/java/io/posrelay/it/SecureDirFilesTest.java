package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.AdminKeys;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.relay.RelayKeys;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.testkit.secure.SecureMaterial;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of secure mode's directory (the test kit's {@link SecureMaterial}, which {@code
 * relayctl local --secure} creates) are what the services accept, under the keys {@code local
 * --secure} passes them as. Building a configuration runs its checks: the TLS pair is read and
 * matched, the secrets and tokens are loaded by their rules, a CA file must hold certificates.
 * (Was relayctl's {@code IlkSimCommandTest}; relayctl may not use the services' internals.)
 */
class SecureDirFilesTest {
  @TempDir Path dir;

  @Test
  void secureDirFiles_areWhatIlkIngestAccepts_asLocalSecurePassesThem() throws Exception {
    SecureMaterial material = SecureMaterial.createOrReuse(dir.resolve("secure"));

    ServiceConfig config = withTls(ServiceConfig.builder(IngestKeys.SPEC), material)
        .set(IngestKeys.ILK_SECRET_FILE, Optional.of(material.ilkSecretFile()))
        .build();

    assertThat(ListenerKeys.secrets(config, IngestKeys.ILK_SECRET_FILE, IngestKeys.ILK_SECRETS,
        RotatingSecrets.Rule.HMAC_SECRET)).isPresent();
    assertThat(config.get(ListenerKeys.TLS_CERT_FILE)).contains(material.serverCertFile());
  }

  @Test
  void secureDirFiles_areWhatRelayServerAccepts_asLocalSecurePassesThem() throws Exception {
    SecureMaterial material = SecureMaterial.createOrReuse(dir.resolve("secure"));

    ServiceConfig config = withTls(ServiceConfig.builder(RelayKeys.SPEC), material)
        .set(RelayKeys.TERMINAL_SECRET_FILE, Optional.of(material.terminalSecretFile()))
        .set(RelayKeys.ADMIN_TOKEN_FILE, Optional.of(material.operatorTokenFile()))
        .set(RelayKeys.ADMIN_TLS_CA_FILE, Optional.of(material.caCertFile()))
        .build();

    assertThat(ListenerKeys.secrets(config, RelayKeys.TERMINAL_SECRET_FILE,
        RelayKeys.TERMINAL_SECRETS, RotatingSecrets.Rule.HMAC_SECRET)).isPresent();
    assertThat(ListenerKeys.secrets(config, RelayKeys.ADMIN_TOKEN_FILE, RelayKeys.ADMIN_TOKEN,
        RotatingSecrets.Rule.BEARER_TOKEN)).isPresent();
    assertThat(config.get(ListenerKeys.TLS_CERT_FILE)).contains(material.serverCertFile());
  }

  @Test
  void secureDirFiles_areWhatAdminApiAccepts_asLocalSecurePassesThem() throws Exception {
    SecureMaterial material = SecureMaterial.createOrReuse(dir.resolve("secure"));

    ServiceConfig config = withTls(ServiceConfig.builder(AdminKeys.SPEC), material)
        .set(AdminKeys.OPERATOR_TOKEN_FILE, Optional.of(material.operatorTokenFile()))
        .set(AdminKeys.PEER_TLS_CA_FILE, Optional.of(material.caCertFile()))
        .build();

    assertThat(AdminKeys.operatorTokens(config)).isPresent();
    assertThat(config.get(ListenerKeys.TLS_CERT_FILE)).contains(material.serverCertFile());
  }

  private static ServiceConfig.Builder withTls(ServiceConfig.Builder config,
      SecureMaterial material) {
    return config
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(material.serverCertFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(material.serverKeyFile()));
  }
}
