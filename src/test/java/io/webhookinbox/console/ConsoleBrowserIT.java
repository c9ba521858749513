package io.webhookinbox.console;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.support.AlternatingProxy;
import io.webhookinbox.support.AxeCore;
import io.webhookinbox.support.CisiveEvents;
import io.webhookinbox.support.FaultInjection;
import io.webhookinbox.support.HeadlessChrome;
import io.webhookinbox.support.KeycloakServer;
import io.webhookinbox.support.PostgresExtension;
import io.webhookinbox.support.ProcessClient;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestDatabase;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser (Debian's chromium through Selenium) against two packaged service processes behind
 * one address that sends each request to the next replica (no sticky sessions), signing in through a real OpenID
 * provider (Keycloak from Maven Central, on a JDK 21+). Every screen and action once: sign-in, a new delivery
 * appearing, payload search, a masked event revealed with webhooks:pii, a dead letter replayed, a bulk replay's dry
 * run approved by a second operator, an erasure approved the same way, a setting changed, both found in the audit
 * trail; axe-core on each screen, no script errors, screenshots in target/console-screenshots.
 *
 * <p>Without chromium, chromedriver or a JDK 21+ it skips and says which is missing; with
 * {@code CONSOLE_BROWSER_REQUIRED=1} (.ci/run sets it once it installed them) a missing tool fails the build.
 */
@ExtendWith(PostgresExtension.class)
class ConsoleBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of("target/console-screenshots");

  @Test
  void everyScreenAndActionWorksInARealBrowserAcrossTwoReplicas(TestDatabase db, @TempDir Path dir) throws Exception {
    requireTools();
    FaultInjection faults = FaultInjection.install(db);
    Vertx vertx = Vertx.vertx();
    List<HeadlessChrome> browsers = new ArrayList<>();
    try (KeycloakServer keycloak = KeycloakServer.start();
         ProcessClient first = new ProcessClient();
         ProcessClient second = new ProcessClient()) {
      int[] ports = {port(first), port(second)};
      AlternatingProxy proxy = AlternatingProxy.start(vertx, List.of(ports[0], ports[1]));
      try (ServiceProcess a = replica(first, db, dir.resolve("a"), proxy, keycloak);
           ServiceProcess b = replica(second, db, dir.resolve("b"), proxy, keycloak)) {
        a.awaitListening();
        b.awaitListening();
        try {
          walkThrough(proxy, keycloak, first, db, faults, browsers);
        } catch (Throwable failure) {
          // What the replicas logged is the first thing to read when a step in the browser fails.
          for (ServiceProcess replica : List.of(a, b)) {
            List<String> lines = replica.output();
            System.err.println("---- replica log (last 60 lines)\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
          }
          for (HeadlessChrome browser : browsers) {
            System.err.println("---- browser at " + browser.driver().getCurrentUrl() + ":\n"
              + browser.driver().findElement(By.tagName("body")).getText() + "\n---- its console:");
            browser.consoleLog().forEach(entry -> System.err.println(entry.getLevel() + " " + entry.getMessage()));
            browser.screenshot(SCREENSHOTS.resolve("failure.png"));
          }
          throw failure;
        }
        proxy.close();
      }
    } finally {
      browsers.forEach(HeadlessChrome::close);
      vertx.close().await();
    }
  }

  private static void walkThrough(AlternatingProxy proxy, KeycloakServer keycloak, ProcessClient first,
                                  TestDatabase db, FaultInjection faults, List<HeadlessChrome> browsers)
    throws Exception {
    String base = proxy.url();
    String ingest = first.token("browser-sender", "webhooks:ingest");

    HeadlessChrome alice = HeadlessChrome.start();
    browsers.add(alice);
    WebDriver driver = alice.driver();
    signIn(driver, base + "/console/", keycloak, "alice");
    waitFor(driver, By.id("card-events"));
    assertThat(driver.findElement(By.id("operator")).getText()).contains("alice").contains("webhooks:pii");
    screen(driver, "overview");

    // A new delivery appears in the live list.
    JsonObject event = CisiveEvents.created("evt-browser-1", "ORD-BROWSER-1");
    event.getJsonObject("order").put("clientReference", "REQ-BROWSER-1");
    driver.get(base + "/console/events");
    waitFor(driver, By.cssSelector("#event-results table"));
    assertThat(post(base, ingest, event)).isEqualTo(200);
    wait(driver).until(ExpectedConditions.textToBePresentInElementLocated(
      By.id("event-results"), "evt-browser-1"));
    screen(driver, "events");

    // Payload search: by client reference, and the filters shared in the address have no payload in them.
    assertThat(post(base, ingest, CisiveEvents.created("evt-browser-2", "ORD-BROWSER-2"))).isEqualTo(200);
    wait(driver).until(driver1 -> rows(driver1).size() == 2);
    driver.findElement(By.id("live")).click();
    driver.findElement(By.id("f-payload")).sendKeys("order.clientReference = REQ-BROWSER-1");
    driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
    wait(driver).until(driver1 -> rows(driver1).size() == 1
      && rows(driver1).get(0).getText().contains("evt-browser-1"));
    assertThat(driver.getCurrentUrl()).doesNotContain("REQ-BROWSER-1");

    // The detail is masked; alice (webhooks:pii) reveals it, and the reveal is audited.
    wait(driver).until(driver1 -> {
      driver1.findElement(By.linkText("evt-browser-1")).click();
      return true;
    });
    waitFor(driver, By.id("payload"));
    assertThat(driver.findElement(By.id("payload")).getText()).contains("•••").doesNotContain(CisiveEvents.EMAIL);
    assertThat(driver.getTitle()).doesNotContain(CisiveEvents.EMAIL);
    screen(driver, "event-detail");
    driver.findElement(By.id("reveal")).click();
    wait(driver).until(ExpectedConditions.textToBePresentInElementLocated(By.id("payload"),
      CisiveEvents.EMAIL));
    assertThat(db.count("SELECT count(*) FROM operator_audit WHERE action = 'personal-data.reveal' AND actor = 'alice'"))
      .isEqualTo(1);

    // A dead letter, replayed from its detail once its cause is fixed.
    faults.failOrder("ORD-BROWSER-DEAD");
    post(base, ingest, CisiveEvents.created("evt-browser-dead", "ORD-BROWSER-DEAD"));
    awaitStatus(db, "evt-browser-dead", "dead");
    faults.heal("ORD-BROWSER-DEAD");
    driver.get(base + "/console/events/cisive/evt-browser-dead");
    waitFor(driver, By.id("replay")).click();
    confirm(driver);
    awaitStatus(db, "evt-browser-dead", "processed");
    wait(driver).until(ExpectedConditions.textToBePresentInElementLocated(
      By.cssSelector("dl.facts"), "processed"));

    // Three dead letters of one kind: the group's bulk replay shows its dry run, then waits for a second operator.
    faults.failOrder("ORD-BROWSER-BULK");
    for (int i = 1; i <= 3; i++) {
      post(base, ingest, CisiveEvents.event("evt-browser-bulk-" + i, "OrderUpdated", "2026-11-20T1" + i + ":00:00Z",
        "ORD-BROWSER-BULK", "InProgress"));
    }
    for (int i = 1; i <= 3; i++) {
      awaitStatus(db, "evt-browser-bulk-" + i, "dead");
    }
    faults.heal("ORD-BROWSER-BULK");
    driver.get(base + "/console/dead-letters");
    WebElement group = wait(driver).until(d -> d.findElements(By.cssSelector(
      "#dead-letter-groups tbody tr")).stream().filter(row -> row.getText().contains("ORD-BROWSER-BULK")).findFirst()
      .orElse(null));
    screen(driver, "dead-letters");
    group.findElement(By.tagName("button")).click();
    WebElement dryRun = waitFor(driver, By.id("dry-run"));
    assertThat(dryRun.getText()).contains("3 dead event(s) match");
    screen(driver, "bulk-replay-dry-run");
    confirm(driver);
    waitFor(driver, By.id("approval-requested"));
    assertThat(db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE 'evt-browser-bulk-%'"
      + " AND status = 'dead'")).as("nothing runs before the approval").isEqualTo(3);

    // An erasure, typed to confirm, also waits for the second operator.
    driver.get(base + "/console/resources/cisive/ORD-BROWSER-1");
    waitFor(driver, By.id("erase"));
    screen(driver, "resource");
    driver.findElement(By.id("erase")).click();
    waitFor(driver, By.id("confirm-id")).sendKeys("ORD-BROWSER-1");
    confirm(driver);
    wait(driver).until(ExpectedConditions.textToBePresentInElementLocated(
      By.id("resource-outcome"), "Approval request"));

    // Bob approves both; the bulk replay runs and its events are processed.
    HeadlessChrome bobBrowser = HeadlessChrome.start();
    browsers.add(bobBrowser);
    WebDriver bob = bobBrowser.driver();
    signIn(bob, base + "/console/approvals", keycloak, "bob");
    for (int approvals = 0; approvals < 2; approvals++) {
      WebElement approve = wait(bob).until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("button.approve")));
      if (approvals == 0) {
        screen(bob, "approvals");
      }
      approve.click();
      wait(bob).until(ExpectedConditions.textToBePresentInElementLocated(
        By.id("approval-outcome"), "approved"));
      bob.navigate().refresh();
    }
    // The replayed updates of one order are attempted side by side: each is applied, or found older than one
    // applied before it (stale), and the order ends at the newest.
    await().atMost(WAIT).until(() -> db.count("SELECT count(*) FROM webhook_events WHERE event_id LIKE"
      + " 'evt-browser-bulk-%' AND status IN ('processed', 'stale')") == 3);
    assertThat(db.count("SELECT count(*) FROM orders WHERE external_order_id = 'ORD-BROWSER-BULK'"
      + " AND last_event_id = 'evt-browser-bulk-3'")).isEqualTo(1);
    await().atMost(WAIT).until(() -> db.count("SELECT count(*) FROM orders WHERE external_order_id = 'ORD-BROWSER-1'"
      + " AND personal_data_erased_at IS NOT NULL") == 1);

    // A setting changed, with its errors inline and a review of the change before saving.
    driver.get(base + "/console/configuration");
    WebElement retries = waitFor(driver, By.id("c-maxRetries"));
    retries.clear();
    retries.sendKeys("-3");
    driver.findElement(By.cssSelector("#configuration button[type=submit]")).click();
    wait(driver).until(ExpectedConditions.textToBePresentInElementLocated(
      By.id("c-maxRetries-error"), "0"));
    retries.clear();
    retries.sendKeys("2");
    driver.findElement(By.cssSelector("#configuration button[type=submit]")).click();
    waitFor(driver, By.id("save-configuration"));
    assertThat(driver.findElement(By.id("review")).getText()).contains("maxRetries");
    screen(driver, "configuration");
    driver.findElement(By.id("save-configuration")).click();
    waitFor(driver, By.id("saved"));

    // Both changes and both operators are in the audit trail.
    driver.get(base + "/console/audit");
    waitFor(driver, By.cssSelector("#audit-results table"));
    wait(driver).until(ExpectedConditions.textToBePresentInElementLocated(
      By.id("audit-results"), "configuration.update"));
    String trail = driver.findElement(By.id("audit-results")).getText();
    assertThat(trail).contains("replay.bulk", "approval.request", "approval.approve", "personal-data.erase",
      "configuration.update", "alice", "bob");
    screen(driver, "audit");

    // The overview again, now that events of every outcome arrived in the last hour.
    driver.get(base + "/console/");
    wait(driver).until(driver1 -> !driver1.findElement(By.cssSelector("#card-events .value")).getText().equals("0"));
    screen(driver, "overview-activity");

    // Both replicas served the same sessions, and no script failed. The one failed request allowed is the
    // configuration check this test sent a wrong value to (Chrome logs a 400 answer as an error).
    assertThat(proxy.served()).allSatisfy(count -> assertThat(count).isGreaterThan(20));
    for (HeadlessChrome browser : browsers) {
      List<LogEntry> errors = browser.consoleErrors().stream()
        .filter(entry -> !entry.getMessage().contains(keycloak.baseUrl()))
        .filter(entry -> !(entry.getMessage().contains("/console/api/configuration/check")
          && entry.getMessage().contains("status of 400"))).toList();
      assertThat(errors).as("browser console errors").isEmpty();
    }

    // Sign-out ends the session on every replica: its cookie, replayed, is refused by both.
    String cookie = "wi_console=" + driver.manage().getCookieNamed("wi_console").getValue();
    assertThat(List.of(me(base, cookie), me(base, cookie))).containsExactly(200, 200);
    driver.findElement(By.id("sign-out")).click();
    wait(driver).until(driver1 -> !driver1.getCurrentUrl().equals(base + "/console/"));
    assertThat(List.of(me(base, cookie), me(base, cookie))).containsExactly(401, 401);
  }

  private static void requireTools() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(Path.of(HeadlessChrome.CHROMIUM))) {
      missing.add("chromium (" + HeadlessChrome.CHROMIUM + ")");
    }
    if (!Files.isExecutable(Path.of(HeadlessChrome.CHROMEDRIVER))) {
      missing.add("chromedriver (" + HeadlessChrome.CHROMEDRIVER + ")");
    }
    if (KeycloakServer.javaHome().isEmpty()) {
      missing.add("a JDK " + KeycloakServer.MIN_JAVA + "+ for Keycloak (under /usr/lib/jvm, or KEYCLOAK_JAVA_HOME)");
    }
    if (missing.isEmpty()) {
      return;
    }
    String reason = "the console's browser test needs " + String.join(", ", missing)
      + " (apt-get install -y chromium chromium-driver; .ci/run installs them as root)";
    if ("1".equals(System.getenv("CONSOLE_BROWSER_REQUIRED"))) {
      throw new AssertionError("CONSOLE_BROWSER_REQUIRED=1 but " + reason);
    }
    io.webhookinbox.support.ExternalTools.skip(reason);
  }

  private static int port(ProcessClient client) {
    return URI.create(client.base()).getPort();
  }

  /** A replica behind the proxy: signs operators in through Keycloak, dead-letters a failure at once. */
  private static ServiceProcess replica(ProcessClient client, TestDatabase db, Path dir, AlternatingProxy proxy,
                                        KeycloakServer keycloak) throws IOException {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/config.yaml"), """
      retry:
        maxAttempts: 0
        initialDelayMs: 100
      scheduler:
        pollIntervalMs: 200
      console:
        fourEyes:
          bulkReplayThreshold: 1
      limits:
        rate:
          admin:
            perSecond: 0
      """);
    return ServiceProcess.start(dir, client.environment(db, Map.of(
      "CONSOLE_PUBLIC_URL", proxy.url(),
      "CONSOLE_OIDC_ISSUER", keycloak.issuer(),
      "CONSOLE_OIDC_CLIENT_ID", KeycloakServer.CLIENT_ID,
      "CONSOLE_OIDC_CLIENT_SECRET", KeycloakServer.CLIENT_SECRET)));
  }

  private static void signIn(WebDriver driver, String url, KeycloakServer keycloak, String user) {
    driver.get(url);
    WebDriverWait wait = wait(driver);
    wait.until(ExpectedConditions.urlContains(keycloak.issuer() + "/protocol/openid-connect/auth"));
    assertThat(driver.getCurrentUrl()).contains("code_challenge_method=S256");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(user);
    driver.findElement(By.id("kc-login")).click();
    wait.until(ExpectedConditions.urlToBe(url));
  }

  /** A wait that reads the page again when a list re-rendered under it (the live lists refresh themselves). */
  private static WebDriverWait wait(WebDriver driver) {
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  private static WebElement waitFor(WebDriver driver, By locator) {
    return wait(driver).until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  private static void confirm(WebDriver driver) {
    wait(driver).until(ExpectedConditions.elementToBeClickable(
      By.cssSelector("dialog[open] .actions button:first-child"))).click();
  }

  private static List<WebElement> rows(WebDriver driver) {
    return driver.findElements(By.cssSelector("#event-results tbody tr"));
  }

  /** A screenshot into target/console-screenshots, and axe-core's check of the screen: no serious violation. */
  private static void screen(WebDriver driver, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"),
        ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonArray serious = new JsonArray();
    AxeCore.violations(driver).forEach(violation -> {
      String impact = ((JsonObject) violation).getString("impact");
      if ("serious".equals(impact) || "critical".equals(impact)) {
        serious.add(violation);
      }
    });
    assertThat(serious.getList()).as("serious accessibility violations on " + name + ": " + serious.encodePrettily())
      .isEmpty();
  }

  private static void awaitStatus(TestDatabase db, String eventId, String status) {
    await().atMost(WAIT).until(() -> db.count("SELECT count(*) FROM webhook_events WHERE event_id = ? AND status = ?",
      eventId, status) == 1);
  }

  /** The status of the console's "who am I" through the proxy with this session cookie (the next replica's turn). */
  private static int me(String base, String cookie) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/console/api/me")).timeout(Duration.ofSeconds(30))
      .header("Cookie", cookie).GET().build();
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
      .send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int post(String base, String token, JsonObject event) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + TestService.CISIVE_PATH))
      .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event.encode())).build();
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
      .send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
