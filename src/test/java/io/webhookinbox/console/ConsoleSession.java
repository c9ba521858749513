package io.webhookinbox.console;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.webhookinbox.support.TestService;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One operator's browser, as far as HTTP goes: a cookie jar, the local sign-in of a development service, and the
 * console's JSON API with the session's CSRF token.
 */
final class ConsoleSession {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  final WebClientSession client;
  String csrf;

  ConsoleSession(Vertx vertx, int port) {
    client = WebClientSession.create(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(port).setFollowRedirects(false)));
  }

  /** Signs in locally as {@code name} with the development secret and {@code scopes}. */
  ConsoleSession signIn(String name, String... scopes) {
    HttpResponse<Buffer> page = client.get("/console/sign-in?next=/console/events").send().await();
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher token = CSRF.matcher(page.bodyAsString());
    assertThat(token.find()).as("the sign-in form carries a CSRF token").isTrue();
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("csrf", token.group(1)).add("name", name)
      .add("secret", TestService.SECRET).add("next", "/console/events");
    for (String scope : scopes) {
      form.add("scope", scope);
    }
    HttpResponse<Buffer> signedIn = client.post("/console/sign-in/local").sendForm(form).await();
    assertThat(signedIn.statusCode()).as(signedIn.bodyAsString()).isEqualTo(302);
    assertThat(signedIn.getHeader("Location")).isEqualTo("/console/events");
    JsonObject me = data(get("/console/api/me"), 200);
    assertThat(me.getString("name")).isEqualTo(name);
    csrf = me.getString("csrfToken");
    return this;
  }

  HttpResponse<Buffer> get(String path) {
    return client.get(path).send().await();
  }

  HttpResponse<Buffer> post(String path, JsonObject body) {
    return send(client.post(path), body, csrf);
  }

  HttpResponse<Buffer> put(String path, JsonObject body) {
    return send(client.put(path), body, csrf);
  }

  HttpResponse<Buffer> send(HttpRequest<Buffer> request, JsonObject body, String token) {
    if (token != null) {
      request.putHeader("X-CSRF-Token", token);
    }
    return request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()).await();
  }

  static JsonObject data(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject().getJsonObject("data");
  }

  static List<String> cookies(HttpResponse<Buffer> response) {
    return response.headers().getAll("Set-Cookie");
  }
}
