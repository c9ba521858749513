package io.webhookinbox.audit;

import io.vertx.core.json.JsonObject;

/**
 * One audit row. {@code parameters} and {@code result} must hold no personal data: ids, filters, counts,
 * configuration values, error codes and reasons (which never repeat submitted values).
 *
 * @param target what the action was about (event id, external order id), null for the configuration
 */
public record AuditEntry(Caller caller, Action action, String target, JsonObject parameters, boolean succeeded,
                         JsonObject result) {

  public static AuditEntry succeeded(Caller caller, Action action, String target, JsonObject parameters,
                                     JsonObject result) {
    return new AuditEntry(caller, action, target, parameters, true, result);
  }

  public static AuditEntry refused(Caller caller, Action action, String target, JsonObject parameters,
                                   JsonObject result) {
    return new AuditEntry(caller, action, target, parameters, false, result);
  }

  String outcome() {
    return succeeded ? "succeeded" : "refused";
  }
}
