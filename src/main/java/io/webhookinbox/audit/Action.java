package io.webhookinbox.audit;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The operator actions the audit trail records, under the names the API filters by. */
public enum Action {
  CONFIGURATION_UPDATE("configuration.update"),
  OVERRIDES_REMOVAL("configuration.overrides.remove"),
  MANUAL_REPLAY("replay.manual"),
  BULK_REPLAY("replay.bulk"),
  PERSONAL_DATA_ERASURE("personal-data.erase"),
  /** An operator with webhooks:pii unmasked a payload or a resource in the console. */
  PERSONAL_DATA_REVEAL("personal-data.reveal"),
  /** Four-eyes: a dangerous action asked for, waiting for a second operator. */
  APPROVAL_REQUEST("approval.request"),
  APPROVAL_APPROVE("approval.approve"),
  APPROVAL_REJECT("approval.reject");

  /** Every action's name, as the trail's filter accepts it. */
  public static final Set<String> NAMES = Arrays.stream(values()).map(Action::value).collect(Collectors.toUnmodifiableSet());

  private final String value;

  Action(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
