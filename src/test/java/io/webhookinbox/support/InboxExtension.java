package io.webhookinbox.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Consumer;

/**
 * A running service over the test class's own database (from {@link PostgresExtension}, which must be registered on
 * the class), started before the class's tests and closed after them. Register it as a static field:
 * {@code @RegisterExtension static final InboxExtension inbox = new InboxExtension();}
 */
public final class InboxExtension implements BeforeAllCallback, AfterAllCallback {
  private final JsonObject overrides;
  private final Consumer<TestDatabase> prepare;
  private Vertx clientVertx;
  private TestService service;
  private TestDatabase db;

  public InboxExtension() {
    this(new JsonObject(), database -> { });
  }

  /**
   * @param overrides merged into the default test config ({@link TestService#config})
   * @param prepare   runs against the database before the service starts (fixtures, fault triggers)
   */
  public InboxExtension(JsonObject overrides, Consumer<TestDatabase> prepare) {
    this.overrides = overrides;
    this.prepare = prepare;
  }

  public TestService service() {
    return service;
  }

  public TestDatabase db() {
    return db;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    db = PostgresExtension.database(context);
    prepare.accept(db);
    clientVertx = Vertx.vertx();
    service = TestService.start(clientVertx, TestService.config(db, overrides));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    service.close();
    clientVertx.close().await();
  }
}
