package io.webhookinbox;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the package plan true: the import lines of {@code src/main/java} form a graph of packages with no cycle,
 * the two leaves import nothing above them, and only the composition root knows the features.
 */
class PackagePlanTest {
  private static final String ROOT = "io.webhookinbox";
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;", Pattern.MULTILINE);
  private static final Set<String> FEATURES = Set.of("ingest", "retry", "admin", "overrides", "ops", "audit",
    "sources.cisive", "sources.stripe", "retention", "replay");
  /** What a source's folder may use: the contract for sources and the leaves, never another feature. */
  private static final Set<String> BELOW_SOURCES = Set.of("source", "events", "api", "config", "security", "telemetry",
    "db");

  @Test
  void theProjectsPackagesFormNoCycle() {
    Map<String, Set<String>> graph = packageGraph(Path.of("src/main/java"));
    assertThat(graph).containsKeys("api", "config", "db", "security", "ingest", "sources.cisive", "(root)");
    assertThat(cycles(graph)).as("packages that import each other, directly or through others").isEmpty();
  }

  @Test
  void leavesImportNothingAboveThem() {
    Map<String, Set<String>> graph = packageGraph(Path.of("src/main/java"));
    assertThat(graph.get("telemetry")).isEmpty();
    assertThat(graph.get("api")).isSubsetOf(Set.of("telemetry"));
    assertThat(graph.get("config")).isEmpty();
  }

  @Test
  void onlyTheCompositionRootKnowsEveryFeature() {
    Map<String, Set<String>> graph = packageGraph(Path.of("src/main/java"));
    assertThat(graph.get("(root)")).containsAll(FEATURES);
    graph.forEach((pkg, imports) -> {
      if (!pkg.equals("(root)")) {
        assertThat(imports).as("%s imports the composition root", pkg).doesNotContain("(root)");
      }
    });
  }

  @Test
  void sourcesUseTheContractForSourcesAndTheLeavesOnly() {
    Map<String, Set<String>> graph = packageGraph(Path.of("src/main/java"));
    graph.forEach((pkg, imports) -> {
      if (pkg.startsWith("sources.") || pkg.equals("source")) {
        assertThat(imports).as("%s imports", pkg).isSubsetOf(BELOW_SOURCES);
      }
    });
    assertThat(graph.get("events")).as("the event lifecycle").isSubsetOf(Set.of("db", "config", "api", "telemetry"));
  }

  @Test
  void aCycleThroughSeveralPackagesIsFound() {
    Map<String, Set<String>> graph = new TreeMap<>();
    graph.put("a", Set.of("b"));
    graph.put("b", Set.of("c"));
    graph.put("c", Set.of("a", "d"));
    graph.put("d", Set.of());
    graph.put("e", Set.of("d"));
    assertThat(cycles(graph)).containsExactly(new TreeSet<>(List.of("a", "b", "c")));
    graph.put("c", Set.of("d"));
    assertThat(cycles(graph)).isEmpty();
  }

  /** Package (relative to the root, "(root)" for the root itself) → project packages its files import. */
  static Map<String, Set<String>> packageGraph(Path sources) {
    Map<String, Set<String>> graph = new TreeMap<>();
    Map<String, String> packageOfFile = new HashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(path -> path.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> texts = new HashMap<>();
    for (Path file : files) {
      String text = read(file);
      Matcher declared = PACKAGE.matcher(text);
      assertThat(declared.find()).as("package line in %s", file).isTrue();
      packageOfFile.put(file.toString(), declared.group(1));
      texts.put(file.toString(), text);
      graph.computeIfAbsent(relative(declared.group(1)), key -> new TreeSet<>());
    }
    Set<String> packages = new TreeSet<>(packageOfFile.values());
    texts.forEach((file, text) -> {
      String from = packageOfFile.get(file);
      Matcher imported = IMPORT.matcher(text);
      while (imported.find()) {
        String target = owningPackage(imported.group(1), packages);
        if (target != null && !target.equals(from)) {
          graph.get(relative(from)).add(relative(target));
        }
      }
    });
    return graph;
  }

  /** Strongly connected groups of two or more packages (Tarjan), each as a sorted set. */
  static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    return new Tarjan(graph).run();
  }

  private static final class Tarjan {
    private final Map<String, Set<String>> graph;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final List<Set<String>> found = new ArrayList<>();

    Tarjan(Map<String, Set<String>> graph) {
      this.graph = graph;
    }

    List<Set<String>> run() {
      for (String node : graph.keySet()) {
        if (!index.containsKey(node)) {
          visit(node);
        }
      }
      return found;
    }

    private void visit(String node) {
      index.put(node, index.size());
      low.put(node, index.get(node));
      stack.push(node);
      for (String next : graph.getOrDefault(node, Set.of())) {
        if (!index.containsKey(next)) {
          visit(next);
          low.put(node, Math.min(low.get(node), low.get(next)));
        } else if (stack.contains(next)) {
          low.put(node, Math.min(low.get(node), index.get(next)));
        }
      }
      if (low.get(node).equals(index.get(node))) {
        Set<String> group = new TreeSet<>();
        String member;
        do {
          member = stack.pop();
          group.add(member);
        } while (!member.equals(node));
        if (group.size() > 1) {
          found.add(group);
        }
      }
    }
  }

  /** The longest project package that prefixes an imported name (a class, a nested class or a static member). */
  private static String owningPackage(String imported, Set<String> packages) {
    if (packages.contains(imported)) {
      return imported;
    }
    String candidate = imported;
    while (candidate.contains(".")) {
      candidate = candidate.substring(0, candidate.lastIndexOf('.'));
      if (packages.contains(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static String relative(String pkg) {
    return pkg.equals(ROOT) ? "(root)" : pkg.substring(ROOT.length() + 1);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
