package io.webhookinbox.support;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * Debian's chromium + chromium-driver ({@code apt-get install -y chromium chromium-driver}) driven
 * by Selenium, headless, with a fresh profile. The driver path is given explicitly, so Selenium
 * Manager is skipped and nothing is downloaded. Collects the browser console log.
 */
public final class HeadlessChrome implements AutoCloseable {

  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  public static final String CHROMIUM = "/usr/bin/chromium";

  private final ChromeDriver driver;
  private final Path profileDir;
  private final List<LogEntry> consoleLog = new ArrayList<>();

  private HeadlessChrome(ChromeDriver driver, Path profileDir) {
    this.driver = driver;
    this.profileDir = profileDir;
  }

  public static HeadlessChrome start() {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    try {
      Path profile = Files.createTempDirectory("chrome-profile-");
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      ChromeOptions options = new ChromeOptions()
          .setBinary(CHROMIUM)
          .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", "--window-size=1280,900", "--user-data-dir=" + profile);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(CHROMEDRIVER))
          .usingAnyFreePort()
          .withTimeout(Duration.ofSeconds(30))
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts()
          .pageLoadTimeout(Duration.ofSeconds(30))
          .scriptTimeout(Duration.ofSeconds(30));
      return new HeadlessChrome(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public WebDriver driver() {
    return driver;
  }

  /** All console entries since start (chromedriver hands each entry out once, so they are kept here). */
  public List<LogEntry> consoleLog() {
    driver.manage().logs().get(LogType.BROWSER).forEach(consoleLog::add);
    return List.copyOf(consoleLog);
  }

  public List<LogEntry> consoleErrors() {
    return consoleLog().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
  }

  public Path screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> paths = Files.walk(profileDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
