package io.webhookinbox.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP forwarder in front of PostgreSQL that a test can cut and restore, to make the database unreachable for
 * one service without touching the server other tests use, or freeze, to make the connections open now go silent
 * while new ones still work. Network fault injection, not a fake database.
 *
 * <p>Plain sockets and a thread per direction: a frozen connection is one whose threads stop reading, so nothing
 * it receives is forwarded, acknowledged at the application level or answered, and even a close from the client
 * (a FIN) goes unnoticed: the socket stays open as long as the test runs, as behind a proxy that stopped forwarding
 * after a failover.
 */
public final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
  }

  public static TcpProxy start(String targetHost, int targetPort) {
    try {
      TcpProxy proxy = new TcpProxy(targetHost, targetPort);
      Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Drops every open connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    links.forEach(link -> {
      if (!link.frozen) {
        link.close();
      }
    });
  }

  /**
   * The connections open now stop forwarding in both directions but stay open: nothing is closed, reset or
   * answered, so only a deadline can tell. New connections are accepted and forwarded as before.
   */
  public void freeze() {
    links.forEach(link -> link.frozen = true);
  }

  public void restore() {
    cut = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket inbound = server.accept();
        if (cut) {
          inbound.close();
          continue;
        }
        Socket outbound = new Socket(targetHost, targetPort);
        Link link = new Link(inbound, outbound);
        links.add(link);
        link.start();
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection end
      }
    }
  }

  @Override
  public void close() {
    cut = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    links.forEach(Link::close);
  }

  /** One proxied connection: two pumps, stopped for good once frozen. */
  private final class Link {
    private final Socket inbound;
    private final Socket outbound;
    private final CountDownLatch never = new CountDownLatch(1);
    private volatile boolean frozen;

    Link(Socket inbound, Socket outbound) {
      this.inbound = inbound;
      this.outbound = outbound;
    }

    void start() {
      pump(inbound, outbound, "tcp-proxy-up");
      pump(outbound, inbound, "tcp-proxy-down");
    }

    private void pump(Socket from, Socket to, String name) {
      Thread thread = new Thread(() -> {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int read;
          while (!frozen && (read = in.read(buffer)) >= 0) {
            if (frozen) {
              break;
            }
            out.write(buffer, 0, read);
            out.flush();
          }
          if (frozen) {
            never.await();
          }
        } catch (IOException e) {
          // the other side went away
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (!frozen) {
          close();
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    void close() {
      links.remove(this);
      never.countDown();
      try {
        inbound.close();
      } catch (IOException e) {
        // closing anyway
      }
      try {
        outbound.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
