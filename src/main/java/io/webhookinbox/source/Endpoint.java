package io.webhookinbox.source;

import io.vertx.ext.web.Router;

/** A source's HTTP side: mounted on the public router of every HTTP verticle instance. */
public interface Endpoint {
  void mount(Router router, Mount mount);
}
