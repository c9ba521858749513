package io.webhookinbox.api;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.webhookinbox.telemetry.Tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names a request's server span by its route template ({@code POST /api/webhooks/events/:eventId}), never by its
 * path: ids in paths stay out of span names, and spans of one endpoint group together. Vert.x names the span by the
 * method alone; this renames it just before the response headers go out.
 */
public final class SpanNaming implements Handler<RoutingContext> {
  private record Template(Set<HttpMethod> methods, String path, Pattern pattern) {
  }

  private final Router router;
  private volatile List<Template> templates;

  public SpanNaming(Router router) {
    this.router = router;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Span span = Tracing.currentSpan();
    if (span.isRecording()) {
      ctx.addHeadersEndHandler(ended -> {
        String route = routeOf(ctx.request().method(), ctx.normalizedPath());
        Tracing.rename(span, ctx.request().method().name() + " " + route, route);
      });
    }
    ctx.next();
  }

  private String routeOf(HttpMethod method, String path) {
    for (Template template : templates()) {
      if (template.methods().contains(method) && template.pattern().matcher(path).matches()) {
        return template.path();
      }
    }
    return "unmatched";
  }

  /** The router's endpoints, read once it has them all (at the first traced request). */
  private List<Template> templates() {
    List<Template> known = templates;
    if (known == null) {
      known = new ArrayList<>();
      for (Route route : router.getRoutes()) {
        if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty()) {
          String regex = Pattern.quote(route.getPath()).replaceAll(":[A-Za-z0-9_]+", "\\\\E[^/]+\\\\Q");
          known.add(new Template(route.methods(), route.getPath(), Pattern.compile(regex)));
        }
      }
      templates = known;
    }
    return known;
  }
}
