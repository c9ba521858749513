package io.webhookinbox.sources.acme;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.webhookinbox.api.ApiError;
import io.webhookinbox.api.CorrelationIdHandler;
import io.webhookinbox.api.ErrorCode;
import io.webhookinbox.api.JsonBodies;
import io.webhookinbox.api.Rfc3339;
import io.webhookinbox.api.SchemaValidator;
import io.webhookinbox.events.NewEvent;
import io.webhookinbox.security.BearerAuth;
import io.webhookinbox.security.Scope;
import io.webhookinbox.source.Answers;
import io.webhookinbox.source.Endpoint;
import io.webhookinbox.source.Intake;
import io.webhookinbox.source.Mount;

/** {@code POST /api/webhooks/acme/tickets}: a bearer token with {@code webhooks:ingest}, a schema, the intake. */
final class AcmeWebhook implements Endpoint {
  static final String PATH = "/api/webhooks/acme/tickets";

  private final SchemaValidator schema;
  private final int minPriority;

  AcmeWebhook(SchemaValidator schema, int minPriority) {
    this.schema = schema;
    this.minPriority = minPriority;
  }

  @Override
  public void mount(Router router, Mount mount) {
    router.post(PATH).handler(mount.auth().require(Scope.INGEST)).handler(ctx -> {
      mount.intake().requireActive();
      ctx.next();
    }).handler(JsonBodies.requireJson()).handler(mount.receiving().reserve(false));
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(mount.bodyLimitBytes()))
      .handler(mount.capacity()).handler(ctx -> receive(ctx, mount.intake()));
  }

  private void receive(RoutingContext ctx, Intake intake) {
    NewEvent.Receipt receipt = NewEvent.Receipt.now(CorrelationIdHandler.get(ctx), BearerAuth.principal(ctx).subject());
    Buffer raw = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    JsonObject body = JsonBodies.parseObject(raw);
    schema.validate(body);
    JsonObject ticket = body.getJsonObject("ticket");
    if (ticket.getInteger("priority") < minPriority) {
      throw ApiError.field(ErrorCode.VALIDATION_FAILED, "/ticket/priority", "must be at least " + minPriority);
    }
    String type = body.getString("type");
    NewEvent event = new NewEvent(new NewEvent.Identity(AcmeSource.NAME, body.getString("id"), type,
      ticket.getString("ticketId"), Rfc3339.parse(body.getString("at"), "/at"), "1"),
      NewEvent.Body.of(body, raw), receipt, intake.enabled(type), false);
    intake.submit(event).onSuccess(outcome -> Answers.respond(ctx, outcome, "ticketId", "ticketVersion"))
      .onFailure(ctx::fail);
  }
}
