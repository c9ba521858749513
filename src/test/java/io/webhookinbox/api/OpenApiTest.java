package io.webhookinbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The served OpenAPI document describes exactly the endpoints the router serves: none missing, none extra. */
@ExtendWith({VertxExtension.class, PostgresExtension.class})
class OpenApiTest {
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  @SuppressWarnings("unchecked")
  void documentAndRoutesDescribeTheSameEndpoints(Vertx vertx, TestDatabase database) throws Exception {
    try (TestService service = TestService.start(vertx, database)) {
      HttpResponse<Buffer> response = service.get("/openapi.yaml", null);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/yaml");
      Map<String, Object> document = new ObjectMapper(new YAMLFactory()).readValue(response.bodyAsString(), Map.class);
      assertThat(document.get("openapi")).isEqualTo("3.1.0");

      Set<String> documented = new TreeSet<>();
      ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, operations) -> operations.keySet()
        .stream().filter(HTTP_METHODS::contains).forEach(method -> documented.add(method.toUpperCase() + " " + path)));

      assertThat(service.server().routes()).isNotEmpty();
      assertThat(documented).as("documented but not routed, or routed but not documented")
        .containsExactlyInAnyOrderElementsOf(service.server().routes());
    }
  }
}
