package io.webhookinbox.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of PostgreSQL that a test can cut and restore, to make the database unreachable for
 * one service without touching the server other tests use, or freeze, to make the connections open now go silent
 * (half-open, as after a failover) while new ones still work. Network fault injection, not a fake database.
 */
public final class TcpProxy implements AutoCloseable {
  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> frozen = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private NetServer server;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public static TcpProxy start(Vertx vertx, String targetHost, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetHost, targetPort);
    proxy.server = vertx.createNetServer().connectHandler(proxy::accept).listen(0, "127.0.0.1").await();
    return proxy;
  }

  public int port() {
    return server.actualPort();
  }

  /** Drops every open connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  /**
   * The connections open now stop forwarding in both directions but stay open: nothing is closed, reset or
   * answered, so only a deadline can tell. New connections are accepted and forwarded as before.
   */
  public void freeze() {
    for (NetSocket socket : sockets) {
      socket.pause();
      socket.handler(ignored -> { });
      socket.closeHandler(null);
      frozen.add(socket);
    }
    sockets.removeAll(frozen);
  }

  public void restore() {
    cut = false;
  }

  private void accept(NetSocket inbound) {
    if (cut) {
      inbound.close();
      return;
    }
    inbound.pause();
    client.connect(targetPort, targetHost).onComplete(result -> {
      if (result.failed() || cut) {
        inbound.close();
        if (result.succeeded()) {
          result.result().close();
        }
        return;
      }
      NetSocket outbound = result.result();
      sockets.add(inbound);
      sockets.add(outbound);
      inbound.handler(outbound::write);
      outbound.handler(inbound::write);
      inbound.closeHandler(v -> outbound.close());
      outbound.closeHandler(v -> inbound.close());
      inbound.resume();
    });
  }

  @Override
  public void close() {
    cut();
    frozen.forEach(NetSocket::close);
    Future.join(server.close(), client.close()).await();
  }
}
