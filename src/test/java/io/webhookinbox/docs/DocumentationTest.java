package io.webhookinbox.docs;

import io.webhookinbox.api.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation is read as its readers read it: every relative link and anchor resolves, every shell block is
 * typed by a test or marked as an excerpt, the README stays short, and the tables that mirror code (error codes,
 * the site's menu) list what the code has. Conventions: src/site/markdown/development/testing.md, "Documentation
 * tests".
 */
class DocumentationTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"></a>");
  private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  private static final Path SITE_ROOT = Path.of("src/site");
  /** Pages the site build generates (pom.xml, profile site), by their path in the site, and what they come from. */
  private static final Set<Path> GENERATED = Set.of(Path.of("api/index.html"));
  private static final Path GENERATED_FROM = Path.of("src/site/api/index.html");

  @Test
  void everyRelativeLinkResolvesAndEveryAnchorIsExplicit() {
    List<String> broken = new ArrayList<>();
    for (Path page : Docs.pages()) {
      Matcher link = LINK.matcher(Docs.prose(page));
      while (link.find()) {
        String target = link.group(1);
        if (SCHEME.matcher(target).matches()) {
          continue;
        }
        String problem = problem(page, target);
        if (problem != null) {
          broken.add(page + ": (" + target + ") " + problem);
        }
      }
    }
    assertThat(broken).as("broken relative links").isEmpty();
    assertThat(Files.exists(GENERATED_FROM)).as("the API reference page's template").isTrue();
  }

  /** Why {@code target}, linked from {@code page}, does not resolve; null when it does. */
  private static String problem(Path page, String target) {
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String fragment = hash < 0 ? null : target.substring(hash + 1);
    Path file = path.isEmpty() ? page : page.resolveSibling(path).normalize();
    boolean sitePage = page.startsWith(Docs.SITE);
    if (sitePage && !file.startsWith(SITE_ROOT)) {
      return "leaves src/site: the built site does not hold it (name repository files in a code span)";
    }
    if (sitePage && GENERATED.contains(Docs.SITE.relativize(file))) {
      return fragment == null ? null : "a fragment into a generated page";
    }
    if (!Files.exists(file)) {
      return "no such file";
    }
    if (fragment == null) {
      return null;
    }
    if (!file.toString().endsWith(".md")) {
      return "a fragment into a file that is not a page";
    }
    Set<String> anchors = new HashSet<>();
    ANCHOR.matcher(Docs.read(file)).results().forEach(anchor -> anchors.add(anchor.group(1)));
    return anchors.contains(fragment) ? null
      : "no <a id=\"" + fragment + "\"></a> in " + file + " (heading ids differ between the code host and the site)";
  }

  @Test
  void everyPageIsLinkedFromAnotherAndListedInTheSiteMenu() throws IOException {
    Set<Path> linked = new HashSet<>();
    for (Path page : Docs.pages()) {
      Matcher link = LINK.matcher(Docs.prose(page));
      while (link.find()) {
        String target = link.group(1).replaceAll("#.*", "");
        if (!SCHEME.matcher(target).matches() && !target.isEmpty()) {
          Path file = page.resolveSibling(target).normalize();
          if (!file.equals(page)) {
            linked.add(file);
          }
        }
      }
    }
    Set<Path> pages = new TreeSet<>(Docs.sitePages());
    pages.remove(Docs.SITE.resolve("index.md"));
    assertThat(pages).as("pages no other page links to").allMatch(linked::contains);

    String menu = Files.readString(SITE_ROOT.resolve("site.xml"), StandardCharsets.UTF_8);
    Set<String> items = Pattern.compile("href=\"([^\"]+)\"").matcher(menu).results().map(m -> m.group(1))
      .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = Docs.sitePages().stream()
      .map(page -> Docs.SITE.relativize(page).toString().replace('\\', '/').replaceAll("\\.md$", ".html"))
      .collect(Collectors.toCollection(TreeSet::new));
    GENERATED.forEach(page -> expected.add(page.toString().replace('\\', '/')));
    assertThat(items).as("the site menu (src/site/site.xml) lists every page").isEqualTo(expected);
  }

  @Test
  void everyShellBlockIsTypedByATestOrMarkedAsAnExcerpt() {
    Set<Docs.Block> typed = Docs.TYPED.stream().map(Docs::block).collect(Collectors.toSet());
    assertThat(typed).as("typed blocks are not excerpts").allMatch(block -> block.excerpt() == null);
    List<Docs.Block> shell = Docs.pages().stream().flatMap(page -> Docs.blocks(page).stream())
      .filter(Docs.Block::isShell).toList();
    assertThat(shell).as("shell blocks not fenced as bash").filteredOn(block -> !block.language().equals("bash"))
      .isEmpty();
    assertThat(shell).as("shell blocks neither typed by ReadmeAsTypedIT (Docs.TYPED) nor marked"
        + " <!-- excerpt: why --> on the line before")
      .filteredOn(block -> !typed.contains(block) && block.excerpt() == null).isEmpty();
    assertThat(shell).hasSizeGreaterThan(typed.size());
  }

  @Test
  void ciRunsTheReadmesTestCommand() throws IOException {
    List<String> commands = Docs.block(Docs.TYPED.get(0)).text().lines().map(String::strip)
      .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    assertThat(commands).hasSize(2);
    assertThat(commands.get(1)).isEqualTo("mvn -B verify");
    assertThat(Files.readAllLines(Path.of(".ci/run"))).as(".ci/run runs command 2 as written").contains(commands.get(1));
  }

  @Test
  void theReadmeFitsOnTwoScreensOfText() throws IOException {
    byte[] bytes = Files.readAllBytes(Docs.README);
    assertThat(Docs.read(Docs.README).lines().count()).as("README lines").isLessThanOrEqualTo(250);
    assertThat(bytes.length).as("README bytes").isLessThanOrEqualTo(20_000);
  }

  @Test
  void theErrorCodeTableListsExactlyTheCodes() {
    Set<Integer> documented = Pattern.compile("(?m)^\\| (\\d{4}) \\| (\\d{3})")
      .matcher(Docs.read(Docs.SITE.resolve("senders/errors.md"))).results()
      .map(row -> Integer.parseInt(row.group(1)) * 1000 + Integer.parseInt(row.group(2)))
      .collect(Collectors.toCollection(TreeSet::new));
    Set<Integer> codes = Arrays.stream(ErrorCode.values()).map(code -> code.code() * 1000 + code.httpStatus())
      .collect(Collectors.toCollection(TreeSet::new));
    assertThat(documented).as("code and HTTP status of every row of senders/errors.md").isEqualTo(codes);
  }

  /** Paths to guide pages named in code, manifests and scripts exist, so a moved page cannot leave them dangling. */
  @Test
  void guidePagesNamedOutsideTheGuidesExist() throws IOException {
    Pattern named = Pattern.compile("src/site/markdown/[\\w/.-]+?\\.md");
    List<String> dangling = new ArrayList<>();
    for (Path root : List.of(Path.of("src/main"), Path.of("src/test/java"), Path.of("k8s"), Path.of("src/bench"),
        Path.of("pom.xml"), Path.of(".ci"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          named.matcher(Files.readString(file, StandardCharsets.ISO_8859_1)).results().map(MatchResult::group)
            .filter(path -> !Files.exists(Path.of(path))).forEach(path -> dangling.add(file + ": " + path));
        }
      }
    }
    assertThat(dangling).isEmpty();
  }

  @Test
  void theEventStateMachineIsDrawnOnceInItsDesignPage() throws IOException {
    String page = Docs.read(Docs.SITE.resolve("design/event-lifecycle.md"));
    assertThat(page).contains("| From | To | Caused by |", "| `processing` | `dead` |");
    String packageInfo = Files.readString(Path.of("src/main/java/io/webhookinbox/events/package-info.java"));
    assertThat(packageInfo).contains("src/site/markdown/design/event-lifecycle.md").doesNotContain("<pre>");
  }
}
