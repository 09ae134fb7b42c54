package io.posrelay.ilk.v1;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IlkResultIdsTest {

  @Test
  void sameTransactionId_givesSameResultId() {
    assertThat(IlkResultIds.resultIdOf("T-1")).isEqualTo(IlkResultIds.resultIdOf("T-1"));
  }

  @Test
  void differentTransactionIds_giveDifferentResultIds() {
    assertThat(IlkResultIds.resultIdOf("T-1")).isNotEqualTo(IlkResultIds.resultIdOf("T-2"));
  }

  @Test
  void resultId_isVersion3UuidOfIlkPrefixedTransactionId() {
    String id = IlkResultIds.resultIdOf("ILK20261129000001");

    assertThat(id).isEqualTo(
        UUID.nameUUIDFromBytes("ilk:ILK20261129000001".getBytes(UTF_8)).toString());
    assertThat(UUID.fromString(id).version()).isEqualTo(3);
  }

  @Test
  void resultId_isPinned_soItNeverChangesAcrossReleases() {
    // Terminals and the ledger deduplicate by this value: changing the derivation breaks retries.
    // Computed independently: MD5("ilk:tx-42") with the version-3 and IETF variant bits set.
    assertThat(IlkResultIds.resultIdOf("tx-42")).isEqualTo("dcb60ef8-ccb9-38a8-90ee-5a1b7a7d9473");
  }

  @Test
  void webhookDocExample_matches() {
    // docs/ilk-webhook.md shows this resultId for transactionId ILK20261129000001.
    assertThat(IlkResultIds.resultIdOf("ILK20261129000001"))
        .isEqualTo("ed3aafd1-194e-38e5-a442-17f18af97c72");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ilk:tx-42", "ilk:ILK20261129000001", "ed3aafd1/DELIVERED",
      "ilk:카드-1", "ilk:😀", "a long name ........................................................"})
  void nameUuid_isUuidNameUuidFromBytes(String name) {
    assertThat(IlkResultIds.nameUuid(name))
        .isEqualTo(UUID.nameUUIDFromBytes(name.getBytes(UTF_8)).toString());
    assertThat(IlkResultIds.nameUuid(name)).isEqualTo(IlkResultIds.nameUuid(name)); // reused MD5
  }
}
