package io.webhookinbox.console;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing the development secret is bounded: wrong secrets count against the client's failed-credentials limit
 * (the signature checks' limit), and once it is used up the local sign-in is refused without a look at the secret.
 */
@ExtendWith(PostgresExtension.class)
class ConsoleSignInLimitTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final int BURST = 5;

  @Test
  void wrongSecretsUseUpTheClientsFailedCredentialsLimitThenSignInIsRefusedUnread(TestDatabase db) {
    Vertx vertx = Vertx.vertx();
    // One failure a second refills: the loop below takes well under the seconds that would refill three.
    JsonObject limits = new JsonObject().put("limits", new JsonObject().put("rate", new JsonObject()
      .put("failedSignatures", new JsonObject().put("perSecond", 1).put("burst", BURST))));
    try (TestService service = TestService.startForDevelopment(vertx, db, limits)) {
      ConsoleSession browser = new ConsoleSession(vertx, service.port());
      String csrf = csrfOf(browser.get("/console/sign-in"));
      List<HttpResponse<Buffer>> answers = new ArrayList<>();
      for (int i = 0; i < BURST + 3; i++) {
        answers.add(signIn(browser, csrf, "wrong-secret-" + i));
      }
      assertThat(answers.subList(0, BURST)).extracting(HttpResponse::statusCode).containsOnly(401);
      HttpResponse<Buffer> refused = answers.get(answers.size() - 1);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.getHeader("Retry-After")).isNotBlank();
      assertThat(refused.bodyAsString()).contains("Too many failed sign-ins").doesNotContain("wrong-secret");
    } finally {
      vertx.close().await();
    }
  }

  private static HttpResponse<Buffer> signIn(ConsoleSession browser, String csrf, String secret) {
    return browser.client.post("/console/sign-in/local").sendForm(MultiMap.caseInsensitiveMultiMap()
      .add("csrf", csrf).add("name", "guesser").add("secret", secret).add("next", "/console/events")).await();
  }

  private static String csrfOf(HttpResponse<Buffer> page) {
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher token = CSRF.matcher(page.bodyAsString());
    assertThat(token.find()).isTrue();
    return token.group(1);
  }
}
