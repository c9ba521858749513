package io.webhookinbox.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.InboxExtension;
import io.webhookinbox.support.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A truly unexpected failure (here: the inbox table no longer matches the code, as after a bad manual change) is
 * a 500 whose body has no internals, while the log has the cause and the correlation id.
 */
@ExtendWith(PostgresExtension.class)
class UnexpectedFailureTest {
  @RegisterExtension
  static final InboxExtension inbox = new InboxExtension(new JsonObject(),
    database -> database.execute("ALTER TABLE webhook_events RENAME COLUMN payload_sha256 TO payload_digest"));

  @Test
  void schemaDriftIs500WithoutInternalsAndNothingApplied() {
    HttpResponse<Buffer> response = inbox.service().postCisive(CisiveEvents.created("evt-drift-1", "ORD-DRIFT-1").toBuffer(),
      inbox.service().ingestToken(), Map.of("X-Correlation-ID", "corr-drift-1"));

    assertThat(response.statusCode()).isEqualTo(500);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5108);
    assertThat(response.bodyAsString()).doesNotContain("payload_sha256").doesNotContain("SQLSTATE")
      .doesNotContain("Exception").doesNotContain("at io.");
    assertThat(inbox.db().count("SELECT count(*) FROM orders")).isZero();
    assertThat(LogCapture.json()).anySatisfy(line -> {
      assertThat(line.getString("level")).isEqualTo("ERROR");
      assertThat(line.getString("correlationId")).isEqualTo("corr-drift-1");
      assertThat(line.getString("stack_trace")).contains("payload_sha256");
    });
  }
}
