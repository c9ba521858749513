import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OTLP/HTTP collector for the tracing cost runs: accepts every export on loopback, counts requests and
 * bytes, and prints the counts when stopped. Run as a single-file program: {@code java OtlpSink.java PORT SECONDS}
 * (it exits by itself after SECONDS).
 */
public final class OtlpSink {
  public static void main(String[] args) throws IOException, InterruptedException {
    int port = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.createContext("/", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        bytes.addAndGet(body.readAllBytes().length);
      }
      requests.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
      System.out.println("otlp sink: " + requests.get() + " exports, " + bytes.get() + " bytes")));
    Thread.sleep(seconds * 1000);
    server.stop(0);
    System.exit(0);
  }
}
