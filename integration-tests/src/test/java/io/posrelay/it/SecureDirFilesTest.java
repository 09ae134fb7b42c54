package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.ingest.IlkIngestConfig;
import io.posrelay.ingest.IlkSecrets;
import io.posrelay.testkit.secure.SecureMaterial;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of secure mode's directory (the test kit's {@link SecureMaterial}, which {@code
 * relayctl local --secure} creates) are what the services accept, as {@code local --secure}
 * passes them. (Was relayctl's {@code IlkSimCommandTest}; relayctl may not use the services'
 * internals.)
 */
class SecureDirFilesTest {
  @TempDir Path dir;

  @Test
  void secureDirFiles_areWhatIlkIngestAccepts_asLocalSecurePassesThem() throws Exception {
    SecureMaterial material = SecureMaterial.createOrReuse(dir.resolve("secure"));

    IlkIngestConfig config = IlkIngestConfig.builder()
        .signingSecrets(IlkSecrets.load(material.ilkSecretFile(), null).orElseThrow())
        .tls(material.serverCertFile(), material.serverKeyFile())
        .build();

    assertThat(config.signingSecrets()).isPresent();
    assertThat(config.tlsCertFile()).contains(material.serverCertFile());
  }
}
