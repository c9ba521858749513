package io.webhookinbox.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain JDK HTTP calls to a service running in another process or container, for tests that only need the status
 * code: -1 when the connection failed (the service is gone or closed it).
 */
public final class StatusClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** POST of a Cisive delivery with a bearer token. */
  public int postCisive(String base, String token, String body) {
    return statusOf(HttpRequest.newBuilder(URI.create(base + TestService.CISIVE_PATH))
      .timeout(Duration.ofSeconds(30))
      .header("Authorization", "Bearer " + token)
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public int get(String url) {
    return statusOf(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build());
  }

  private int statusOf(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
