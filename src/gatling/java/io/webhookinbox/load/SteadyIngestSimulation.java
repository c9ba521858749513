package io.webhookinbox.load;

import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;

/** (a) Steady unique Cisive events at inbox.rate (default 50/s) for inbox.seconds (default 60). */
public class SteadyIngestSimulation extends Simulation {
  {
    LoadSettings settings = LoadSettings.load(50, 60);
    setUp(CisiveLoad.steady(settings).injectOpen(constantUsersPerSec(settings.rate).during(settings.duration)))
      .protocols(settings.protocol())
      .maxDuration(settings.maxDuration())
      .assertions(settings.assertions());
  }
}
