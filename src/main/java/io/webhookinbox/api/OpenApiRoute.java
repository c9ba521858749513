package io.webhookinbox.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.yaml}: the OpenAPI 3.1 description of every endpoint (a test keeps it in step with the router). */
public final class OpenApiRoute {
  public static final String PATH = "/openapi.yaml";
  private static final String RESOURCE = "openapi.yaml";

  private OpenApiRoute() {
  }

  /** Reads the document from the classpath. Blocking: call it once at start-up, not on an event loop. */
  public static Buffer load() {
    try (InputStream in = OpenApiRoute.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void mount(Router router, Buffer document) {
    router.get(PATH).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml")
      .end(document));
  }
}
