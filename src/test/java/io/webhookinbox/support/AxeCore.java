package io.webhookinbox.support;

import io.vertx.core.json.JsonArray;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Runs axe-core (accessibility rules) in the current page. The script comes from the webjar
 * {@code org.webjars.npm:axe-core} on the test classpath, or from a file named by the system
 * property {@code axe.script} (e.g. {@code package/axe.min.js} from {@code npm pack axe-core}).
 */
public final class AxeCore {

  private static final String WEBJAR = "META-INF/resources/webjars/axe-core/";
  private static final String POM = "META-INF/maven/org.webjars.npm/axe-core/pom.properties";

  private AxeCore() {
  }

  /** The axe violations as JSON (each with id, impact, help, nodes...). */
  public static JsonArray violations(WebDriver driver) {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    js.executeScript(script());
    Object result = js.executeAsyncScript(
        "var done = arguments[arguments.length - 1];"
            + "axe.run(document, {resultTypes: ['violations']})"
            + "  .then(function (r) { done(JSON.stringify(r.violations)); },"
            + "        function (e) { done('ERROR ' + e); });");
    String json = String.valueOf(result);
    if (!json.startsWith("[")) {
      throw new IllegalStateException("axe-core failed: " + json);
    }
    return new JsonArray(json);
  }

  public static String version(WebDriver driver) {
    return String.valueOf(((JavascriptExecutor) driver).executeScript("return axe.version;"));
  }

  static String script() {
    try {
      String file = System.getProperty("axe.script");
      if (file != null) {
        return Files.readString(Path.of(file));
      }
      ClassLoader cl = AxeCore.class.getClassLoader();
      Properties pom = new Properties();
      try (InputStream in = cl.getResourceAsStream(POM)) {
        if (in == null) {
          throw new IllegalStateException("no axe-core webjar on the classpath and no -Daxe.script");
        }
        pom.load(in);
      }
      try (InputStream in = cl.getResourceAsStream(WEBJAR + pom.getProperty("version") + "/axe.min.js")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
