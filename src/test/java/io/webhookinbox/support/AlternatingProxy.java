package io.webhookinbox.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loopback address in front of several service replicas that sends each HTTP request to the next replica in
 * turn, whatever connection it came on: a load balancer without sticky sessions, for tests that prove nothing a
 * replica keeps in memory is needed by the next request.
 */
public final class AlternatingProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "upgrade",
    "proxy-connection", "te", "trailer");

  private final HttpServer server;
  private final HttpClient client;
  private final List<Integer> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger[] served;

  private AlternatingProxy(Vertx vertx, List<Integer> backends) {
    this.backends = List.copyOf(backends);
    this.served = new AtomicInteger[backends.size()];
    for (int i = 0; i < served.length; i++) {
      served[i] = new AtomicInteger();
    }
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    this.server = vertx.createHttpServer().requestHandler(this::forward);
  }

  /** Listens on a free loopback port; the backends (loopback ports) may start later. */
  public static AlternatingProxy start(Vertx vertx, List<Integer> backendPorts) {
    AlternatingProxy proxy = new AlternatingProxy(vertx, backendPorts);
    proxy.server.listen(0, "127.0.0.1").await();
    return proxy;
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** How many requests each backend was sent, in the order given. */
  public List<Integer> served() {
    return java.util.Arrays.stream(served).map(AtomicInteger::get).toList();
  }

  private void forward(HttpServerRequest request) {
    int index = Math.floorMod(next.getAndIncrement(), backends.size());
    served[index].incrementAndGet();
    request.pause();
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
      .setPort(backends.get(index)).setURI(request.uri());
    client.request(options).onSuccess(outbound -> {
      request.headers().forEach(header -> {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
          outbound.headers().add(header.getKey(), header.getValue());
        }
      });
      request.resume();
      request.body().compose(outbound::send).onSuccess(inbound -> {
        request.response().setStatusCode(inbound.statusCode());
        inbound.headers().forEach(header -> {
          if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
            request.response().headers().add(header.getKey(), header.getValue());
          }
        });
        inbound.body().onSuccess(body -> request.response().end(body))
          .onFailure(failure -> request.response().reset());
      }).onFailure(failure -> request.response().setStatusCode(502).end());
    }).onFailure(failure -> {
      request.resume();
      request.response().setStatusCode(502).end();
    });
  }

  @Override
  public void close() {
    server.close().await();
    client.close().await();
  }
}
