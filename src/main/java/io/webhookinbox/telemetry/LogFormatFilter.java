package io.webhookinbox.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets one of logback.xml's two console appenders write, as {@code LOG_FORMAT} says ({@code text}, else JSON).
 * A filter rather than an appender reference chosen by variable: an appender left unreferenced makes logback print
 * a warning with its whole status on stdout, which would spoil a command's output.
 */
public class LogFormatFilter extends Filter<ILoggingEvent> {
  private String selected = "json";
  private String format = "json";

  public void setSelected(String selected) {
    this.selected = selected;
  }

  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    boolean text = "text".equalsIgnoreCase(selected.trim());
    return text == "text".equals(format) ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
