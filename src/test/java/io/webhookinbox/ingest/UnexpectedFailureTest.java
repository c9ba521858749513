package io.webhookinbox.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.LogCapture;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A truly unexpected failure (here: the inbox table no longer matches the code, as after a bad manual change) is
 * a 500 whose body has no internals, while the log has the cause and the correlation id.
 */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class UnexpectedFailureTest {
  private static TestService service;
  private static TestDatabase db;

  @BeforeAll
  static void start(Vertx vertx, TestDatabase database) {
    db = database;
    service = TestService.start(vertx, database);
    db.execute("ALTER TABLE webhook_events RENAME COLUMN payload_sha256 TO payload_digest");
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void schemaDriftIs500WithoutInternalsAndNothingApplied() {
    HttpResponse<Buffer> response = service.postCisive(CisiveEvents.created("evt-drift-1", "ORD-DRIFT-1").toBuffer(),
      service.ingestToken(), Map.of("X-Correlation-ID", "corr-drift-1"));

    assertThat(response.statusCode()).isEqualTo(500);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(5108);
    assertThat(response.bodyAsString()).doesNotContain("payload_sha256").doesNotContain("SQLSTATE")
      .doesNotContain("Exception").doesNotContain("at io.");
    assertThat(db.count("SELECT count(*) FROM orders")).isZero();
    assertThat(LogCapture.json()).anySatisfy(line -> {
      assertThat(line.getString("level")).isEqualTo("ERROR");
      assertThat(line.getString("correlationId")).isEqualTo("corr-drift-1");
      assertThat(line.getString("stack_trace")).contains("payload_sha256");
    });
  }
}
