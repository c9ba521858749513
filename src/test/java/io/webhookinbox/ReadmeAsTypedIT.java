package io.webhookinbox;

import io.vertx.core.json.JsonObject;
import io.webhookinbox.docs.Docs;
import io.webhookinbox.support.ServiceProcess;
import io.webhookinbox.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first five minutes, typed as written into bash: command 1 of "Two commands" (build and run, in a
 * copy of this project, as a fresh clone would), then the "Try it" block twice: the first curl answers
 * {@code processed}, the second {@code duplicate}. Then the operators' guides' shell blocks ({@link Docs#TYPED}),
 * each against what the blocks before it did. The one change to the text is the ports: {@code localhost:8080} and
 * {@code localhost:8081} become free ports (set through {@code HTTP_PORT} and {@code MANAGEMENT_PORT}), since other
 * services may hold them on a shared machine. Every other shell block of the documentation is marked as an excerpt
 * (DocumentationTest).
 */
class ReadmeAsTypedIT {
  private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  @Test
  void firstFiveMinutesWorkAsTyped(@TempDir Path dir) throws Exception {
    Set<Docs.Typed> typed = new LinkedHashSet<>();
    String runCommand = commandLines(typed(typed, Docs.README, "## Two commands")).get(0);
    assertThat(runCommand).isEqualTo("mvn -q -DskipTests package && java -jar target/webhook-inbox.jar");
    String tryIt = typed(typed, Docs.README, "## Try it");
    int[] ports = TestService.freePorts(2);
    String port = String.valueOf(ports[0]);
    String management = String.valueOf(ports[1]);
    String script = tryIt.replace("localhost:8080", "localhost:" + port);
    assertThat(script).contains("TOKEN=$(java -jar target/webhook-inbox.jar token)").contains("curl ");

    Path clone = copyOfProject(dir.resolve("clone"));
    Map<String, String> env = Map.of("HTTP_PORT", port, "MANAGEMENT_PORT", management);
    try (ServiceProcess service = ServiceProcess.startCommand(clone, env, List.of("bash", "-c", runCommand))) {
      service.awaitLine(line -> line.contains("Webhook Inbox listening"), Duration.ofMinutes(5));
      assertThat(service.output()).as("start-up warns only about the development JWT secret")
        .filteredOn(line -> line.contains("\"level\":\"WARN\"") || line.contains("\"level\":\"ERROR\""))
        .allMatch(line -> line.contains("No JWT key configured"));

      Output first = bash(clone, script);
      assertThat(first.stderr()).as("the token command's log line goes to stderr").contains("No JWT key configured");
      assertThat(new JsonObject(first.stdout()).getJsonObject("data").getString("status")).as(first.toString())
        .isEqualTo("processed");
      Output second = bash(clone, script);
      assertThat(new JsonObject(second.stdout()).getJsonObject("data").getString("status")).as(second.toString())
        .isEqualTo("duplicate");

      // The operators' blocks, as typed, against the order "Try it" created: each curl prints one answer.
      Path operators = Docs.SITE.resolve("operators");
      List<JsonObject> replays = answers(bash(clone, onPort(typed(typed, operators.resolve("retries-and-replay.md"),
        "## Replaying"), port)));
      assertThat(replays).hasSize(2);
      assertThat(replays.get(0).getJsonObject("error").getInteger("code")).as("evt-1001 is processed: 409")
        .isNotNull();
      assertThat(replays.get(1).getBoolean("success")).isTrue();
      JsonObject erased = answers(bash(clone, onPort(typed(typed, operators.resolve("personal-data.md"), "## Erasure"),
        port))).get(0);
      assertThat(erased.getJsonObject("data").getJsonObject("redacted").getInteger("order")).as(erased.encode())
        .isEqualTo(1);
      JsonObject audit = answers(bash(clone, onPort(typed(typed, operators.resolve("audit-trail.md"),
        "## Reading the trail"), port))).get(0);
      assertThat(audit.getBoolean("success")).as(audit.encode()).isTrue();
      assertThat(audit.getJsonObject("data").getJsonArray("entries").getJsonObject(0).getString("action"))
        .isEqualTo("replay.manual");
      Output jwks = bash(clone, onPort(typed(typed, operators.resolve("authentication.md"),
        "## Keys from your identity provider (JWKS)"), port).replace("localhost:8081", "localhost:" + management));
      assertThat(jwks.stdout()).contains("webhook_jwks_keys");

      Output token = bash(clone, "java -jar target/webhook-inbox.jar token");
      assertThat(token.stdout().strip()).as("a command prints its result alone on stdout").matches(JWT);
      assertThat(token.stderr()).startsWith("{\"@timestamp\"");
      Output text = bash(clone, "LOG_FORMAT=text java -jar target/webhook-inbox.jar token");
      assertThat(text.stdout().strip()).matches(JWT);
      assertThat(text.stderr()).as("the text log format").doesNotContain("{\"").containsPattern(
        "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  DevSecret - No JWT key configured");
      stopService(service);
    }
    assertThat(typed).as("every block Docs.TYPED promises is typed here").containsExactlyInAnyOrderElementsOf(Docs.TYPED);
  }

  /** The block Docs.TYPED lists for {@code heading} in {@code page}, noted as typed. */
  private static String typed(Set<Docs.Typed> typed, Path page, String heading) {
    Docs.Typed block = new Docs.Typed(page, heading);
    assertThat(Docs.TYPED).as("Docs.TYPED lists " + block).contains(block);
    typed.add(block);
    return Docs.block(block).text();
  }

  private static String onPort(String block, String port) {
    return block.replace("localhost:8080", "localhost:" + port);
  }

  /** The JSON answers a block's curls printed (curl -s prints each without a newline after it). */
  private static List<JsonObject> answers(Output output) {
    List<JsonObject> answers = new ArrayList<>();
    io.vertx.core.parsetools.JsonParser parser = io.vertx.core.parsetools.JsonParser.newParser().objectValueMode();
    parser.handler(event -> answers.add(event.objectValue()));
    parser.handle(io.vertx.core.buffer.Buffer.buffer(output.stdout()));
    parser.end();
    return answers;
  }

  /** The block's commands without comment lines. */
  private static List<String> commandLines(String block) {
    return block.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
  }

  /** The files a clone has (no target/, no .data/): the build in it is the README's own command 1. */
  private static Path copyOfProject(Path clone) throws IOException {
    for (String entry : List.of("pom.xml", "README.md", "conf", "src")) {
      Path source = Path.of(entry);
      try (Stream<Path> files = Files.walk(source)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path target = clone.resolve(file.toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
          }
        }
      }
    }
    return clone;
  }

  private record Output(int exit, String stdout, String stderr) {
  }

  private static Output bash(Path workDir, String script) throws Exception {
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    List<String> command = new ArrayList<>(List.of("bash", "-e", "-c", script));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
      .redirectOutput(out.toFile()).redirectError(err.toFile());
    ServiceProcess.SCRUBBED_ENV.forEach(builder.environment()::remove);
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("script did not finish: " + script);
    }
    Output output = new Output(process.exitValue(), read(out), read(err));
    assertThat(output.exit()).as(output.toString()).isZero();
    return output;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM to the service, as Ctrl-C in the terminal would end it (bash may have exec'd java in its place). */
  private static void stopService(ServiceProcess shell) {
    boolean shellIsJava = shell.process().info().command().map(command -> command.endsWith("java")).orElse(false);
    if (shellIsJava) {
      shell.process().destroy();
    } else {
      shell.process().children().forEach(ProcessHandle::destroy);
    }
    assertThat(shell.waitForExit(Duration.ofSeconds(60))).isIn(0, 143);
  }
}
