package io.webhookinbox.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The endpoints routers serve, as {@code "METHOD /path/{param}"}, to compare with the OpenAPI document. */
public final class RouteCatalog {
  private RouteCatalog() {
  }

  public static List<String> of(Router... routers) {
    Set<String> endpoints = new TreeSet<>();
    for (Route route : Arrays.stream(routers).flatMap(router -> router.getRoutes().stream()).toList()) {
      Set<HttpMethod> methods = route.methods();
      // Handlers for every method (correlation ids, the drain gate) are not endpoints.
      if (route.getPath() == null || methods == null || methods.isEmpty()) {
        continue;
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      methods.forEach(method -> endpoints.add(method.name() + " " + path));
    }
    return new ArrayList<>(endpoints);
  }
}
