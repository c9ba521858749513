package io.webhookinbox.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The documentation as the tests read it: README.md and the guides under src/site/markdown, their fenced blocks
 * (with the heading each follows and its excerpt mark) and the shell blocks that ReadmeAsTypedIT types into bash.
 */
public final class Docs {
  public static final Path README = Path.of("README.md");
  public static final Path SITE = Path.of("src/site/markdown");

  /** A shell block typed by ReadmeAsTypedIT: the first {@code bash} block after {@code heading} in {@code page}. */
  public record Typed(Path page, String heading) {
    @Override
    public String toString() {
      return page + " " + heading;
    }
  }

  /** Every shell block a reader would type that a test types too; every other one is marked as an excerpt. */
  public static final List<Typed> TYPED = List.of(
    new Typed(README, "## Two commands"),
    new Typed(README, "## Try it"),
    new Typed(SITE.resolve("operators/retries-and-replay.md"), "## Replaying"),
    new Typed(SITE.resolve("operators/personal-data.md"), "## Erasure"),
    new Typed(SITE.resolve("operators/audit-trail.md"), "## Reading the trail"),
    new Typed(SITE.resolve("operators/authentication.md"), "## Keys from your identity provider (JWKS)"));

  /** The comment on the line before a fence that marks its block as an excerpt, with the reason it is not run. */
  static final Pattern EXCERPT = Pattern.compile("\\s*<!-- excerpt: (\\S.*?) -->\\s*");
  private static final Pattern FENCE = Pattern.compile("(\\s*)(`{3,})\\s*([^`\\s]*)\\s*");
  private static final Pattern HEADING = Pattern.compile("#{1,6} \\S.*");

  private Docs() {
  }

  /** A fenced block: its page, its first line's number (1-based), its language, text, heading and excerpt reason. */
  public record Block(Path page, int line, String language, String text, String heading, String excerpt) {
    boolean isShell() {
      return List.of("bash", "sh", "shell", "console", "zsh").contains(language);
    }

    @Override
    public String toString() {
      return page + ":" + line + " (```" + language + " after \"" + heading + "\")";
    }
  }

  /** README.md and every page under src/site/markdown. */
  public static List<Path> pages() {
    List<Path> pages = new ArrayList<>(List.of(README));
    pages.addAll(sitePages());
    return pages;
  }

  public static List<Path> sitePages() {
    try (Stream<Path> files = Files.walk(SITE)) {
      return files.filter(file -> file.toString().endsWith(".md")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String read(Path page) {
    try {
      return Files.readString(page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fenced blocks of a page, in order. */
  public static List<Block> blocks(Path page) {
    List<String> lines = read(page).lines().toList();
    List<Block> blocks = new ArrayList<>();
    String heading = "";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher fence = FENCE.matcher(line);
      if (!fence.matches()) {
        if (HEADING.matcher(line).matches()) {
          heading = line;
        }
        continue;
      }
      int start = i;
      String indent = fence.group(1);
      String ticks = fence.group(2);
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).strip().matches(ticks + "`*"); i++) {
        String content = lines.get(i);
        text.append(content.startsWith(indent) ? content.substring(indent.length()) : content.stripLeading())
          .append('\n');
      }
      Matcher excerpt = start > 0 ? EXCERPT.matcher(lines.get(start - 1)) : null;
      blocks.add(new Block(page, start + 1, fence.group(3), text.toString(), heading,
        excerpt != null && excerpt.matches() ? excerpt.group(1) : null));
    }
    return blocks;
  }

  /** The block ReadmeAsTypedIT types for {@code typed}; fails when the heading or its bash block is gone. */
  public static Block block(Typed typed) {
    List<Block> after = blocks(typed.page()).stream().filter(block -> block.heading().equals(typed.heading()))
      .filter(block -> block.language().equals("bash")).toList();
    if (after.isEmpty()) {
      throw new AssertionError("no ```bash block under \"" + typed.heading() + "\" in " + typed.page());
    }
    return after.get(0);
  }

  /** The page's text outside fenced blocks and code spans: what links and anchors are read from. */
  static String prose(Path page) {
    StringBuilder prose = new StringBuilder();
    boolean inFence = false;
    String ticks = "";
    for (String line : read(page).lines().toList()) {
      Matcher fence = FENCE.matcher(line);
      if (!inFence && fence.matches()) {
        inFence = true;
        ticks = fence.group(2);
      } else if (inFence && line.strip().matches(ticks + "`*")) {
        inFence = false;
      } else if (!inFence) {
        prose.append(line.replaceAll("(`+)(?:(?!\\1).)+?\\1", "``")).append('\n');
      } else {
        prose.append('\n');
      }
    }
    return prose.toString();
  }
}
