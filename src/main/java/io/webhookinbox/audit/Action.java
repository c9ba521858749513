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
  PERSONAL_DATA_ERASURE("personal-data.erase");

  static final Set<String> NAMES = Arrays.stream(values()).map(Action::value).collect(Collectors.toUnmodifiableSet());

  private final String value;

  Action(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
