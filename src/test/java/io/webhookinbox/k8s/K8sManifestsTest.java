package io.webhookinbox.k8s;

import io.webhookinbox.Sources;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.vertx.core.json.JsonObject;
import io.webhookinbox.config.AppConfig;
import io.webhookinbox.ops.OpsRoutes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads every manifest in {@code k8s/} into fabric8's typed Kubernetes models (a misspelt field fails the test)
 * and checks that the pieces fit each other and the service: ports, probe routes, the watched config file,
 * selectors, secret keys, shutdown timing.
 */
class K8sManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private static Map<String, Object> kustomization;
  private static Deployment deployment;
  private static Container container;
  private static AppConfig serviceConfig;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    kustomization = YAML.readValue(K8S.resolve("kustomization.yaml").toFile(), Map.class);
    deployment = load("deployment.yaml", Deployment.class);
    container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    serviceConfig = Sources.config(new JsonObject(YAML.readValue(Path.of("conf/config.yaml").toFile(), Map.class)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyResourceOfTheKustomizationLoadsAsItsTypedModelWithoutUnknownFields() throws IOException {
    List<String> resources = (List<String>) kustomization.get("resources");
    assertThat(resources).containsExactlyInAnyOrder("deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml",
      "networkpolicy.yaml", "migrate-job.yaml");
    Map<String, Class<? extends HasMetadata>> types = Map.of("deployment.yaml", Deployment.class,
      "service.yaml", Service.class, "hpa.yaml", HorizontalPodAutoscaler.class, "pdb.yaml", PodDisruptionBudget.class,
      "networkpolicy.yaml", NetworkPolicy.class, "migrate-job.yaml", Job.class);
    for (String resource : resources) {
      HasMetadata model = load(resource, types.get(resource));
      assertThat(model.getMetadata().getName()).as(resource).isNotBlank();
      assertNoUnknownFields(model, resource);
    }
    assertNoUnknownFields(load("secret.example.yaml", Secret.class), "secret.example.yaml");
  }

  @Test
  void containerPortsMatchTheConfiguredOnesAndTheServiceExposesThePublicOneOnly() throws IOException {
    assertThat(container.getPorts()).extracting(port -> port.getName() + ":" + port.getContainerPort())
      .containsExactly("http:" + serviceConfig.http().port(), "management:" + serviceConfig.management().port());
    Service service = load("service.yaml", Service.class);
    assertThat(service.getSpec().getPorts()).singleElement()
      .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
    assertThat(service.getSpec().getSelector()).isEqualTo(podLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/path"))
      .isEqualTo(OpsRoutes.METRICS);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"))
      .isEqualTo(String.valueOf(serviceConfig.management().port()));
  }

  @Test
  void probesHitTheHealthRoutesOnTheManagementPort() {
    Map<String, HTTPGetAction> probes = Map.of(
      "liveness", container.getLivenessProbe().getHttpGet(),
      "readiness", container.getReadinessProbe().getHttpGet(),
      "startup", container.getStartupProbe().getHttpGet());
    assertThat(probes.get("liveness").getPath()).isEqualTo(OpsRoutes.LIVE);
    assertThat(probes.get("readiness").getPath()).isEqualTo(OpsRoutes.READY);
    assertThat(probes.get("startup").getPath()).isEqualTo(OpsRoutes.LIVE);
    probes.values().forEach(probe -> assertThat(probe.getPort().getStrVal()).isEqualTo("management"));
  }

  @Test
  void theConfigMapIsTheFileTheServiceWatchesAndMatchesConfYaml() throws IOException {
    Map<?, ?> generator = ((List<Map<?, ?>>) (List<?>) kustomization.get("configMapGenerator")).get(0);
    assertThat(generator.get("files")).isEqualTo(List.of("config.yaml"));
    assertThat(((Map<?, ?>) kustomization.get("generatorOptions")).get("disableNameSuffixHash")).isEqualTo(true);
    String configMapName = (String) generator.get("name");

    String configFile = env(container, "CONFIG_FILE");
    Volume configVolume = volumeMountedAt(deployment.getSpec().getTemplate().getSpec(), container,
      Path.of(configFile).getParent().toString());
    assertThat(configVolume.getConfigMap().getName()).isEqualTo(configMapName);
    assertThat(Path.of(configFile).getFileName().toString()).isEqualTo("config.yaml");
    assertThat(mountOf(container, configVolume.getName()).getSubPath())
      .as("a subPath mount would never see ConfigMap updates").isNull();
    assertThat(withoutProductionValues(Files.readString(K8S.resolve("config.yaml"))))
      .as("k8s/config.yaml must stay a copy of conf/config.yaml but for its production values")
      .isEqualTo(withoutProductionValues(Files.readString(Path.of("conf/config.yaml"))));
    AppConfig production = Sources.config(new JsonObject(YAML.readValue(K8S.resolve("config.yaml").toFile(), Map.class)));
    assertThat(production.management().operatorApi()).as("the operator API off the public port").isTrue();
    assertThat(production.limits().clientIpHeader()).as("client IPs from the ingress").isEqualTo("X-Forwarded-For");
  }

  /** The lines where production differs from a developer's machine, by key; every other line must be equal. */
  private static String withoutProductionValues(String config) {
    return config.lines().map(line -> line.matches("\\s*(operatorApi|clientIpHeader):.*")
      ? line.substring(0, line.indexOf(':')) : line).collect(java.util.stream.Collectors.joining("\n"));
  }

  @Test
  void selectorsOfHpaPdbAndNetworkPolicyTargetThePods() throws IOException {
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels());
    HorizontalPodAutoscaler hpa = load("hpa.yaml", HorizontalPodAutoscaler.class);
    assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(load("pdb.yaml", PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels());
    NetworkPolicy policy = load("networkpolicy.yaml", NetworkPolicy.class);
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(podLabels());
    // Each rule admits one source to one port: the ingress controller to the public port, monitoring to management.
    assertThat(policy.getSpec().getIngress()).hasSize(2).allSatisfy(rule -> {
      assertThat(rule.getFrom()).as("a rule without 'from' admits everyone").singleElement()
        .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels()).isNotEmpty());
      assertThat(rule.getPorts()).singleElement();
    });
    assertThat(policy.getSpec().getIngress()).extracting(rule -> rule.getPorts().get(0).getPort().getIntVal())
      .containsExactly(serviceConfig.http().port(), serviceConfig.management().port());
  }

  @Test
  void podsRunHardenedAndSizedWithShutdownTimeAboveTheDrain() {
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(volumeMountedAt(pod, container, "/tmp").getEmptyDir()).isNotNull();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(env(container, "JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=").contains("-XX:+ExitOnOutOfMemoryError");

    long preStopSeconds = container.getLifecycle().getPreStop().getSleep().getSeconds();
    long drainSeconds = serviceConfig.limits().drainTimeoutMs() / 1000;
    assertThat(preStopSeconds).isPositive();
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(preStopSeconds + drainSeconds);
  }

  @Test
  void everySecretReferenceExistsInTheTemplateAndEveryEnvVarIsOneTheServiceReads() throws IOException {
    Secret template = load("secret.example.yaml", Secret.class);
    Set<String> keys = template.getStringData().keySet();
    Job job = load("migrate-job.yaml", Job.class);
    Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    for (Container each : List.of(container, migrate)) {
      for (EnvVar env : each.getEnv()) {
        if (env.getValueFrom() != null) {
          assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(template.getMetadata().getName());
          assertThat(keys).contains(env.getValueFrom().getSecretKeyRef().getKey());
        }
        Set<String> readByTheService = new java.util.HashSet<>(Sources.registry(Sources.ALL).environment().keySet());
        readByTheService.addAll(List.of("CONFIG_FILE", "JAVA_TOOL_OPTIONS"));
        assertThat(readByTheService).as("env var %s is read by the service", env.getName()).contains(env.getName());
      }
    }
    deployment.getSpec().getTemplate().getSpec().getVolumes().stream().filter(volume -> volume.getSecret() != null)
      .forEach(volume -> volume.getSecret().getItems().forEach(item -> assertThat(keys).contains(item.getKey())));
    assertThat(env(container, "JWT_PUBLIC_KEYS")).startsWith(mountOf(container, "jwt-keys").getMountPath());
  }

  @Test
  void migrationJobRunsTheMigrateCommandOfTheSameImage() throws IOException {
    Job job = load("migrate-job.yaml", Job.class);
    Container migrate = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(migrate.getImage()).isEqualTo(container.getImage());
    assertThat(migrate.getArgs()).containsExactly("migrate");
    assertThat(env(container, "DB_MIGRATE_ON_START")).isEqualTo("false");
    assertThat(env(migrate, "CONFIG_FILE")).isEqualTo(env(container, "CONFIG_FILE"));
    assertThat(migrate.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyFileInK8sBelongsToAKustomizationAndTheMonitoringOneIsComplete() throws IOException {
    Set<String> base = new TreeSet<>((List<String>) kustomization.get("resources"));
    base.addAll(List.of("kustomization.yaml", "config.yaml", "secret.example.yaml", "monitoring"));
    try (var files = Files.list(K8S)) {
      assertThat(files.map(file -> file.getFileName().toString())).as("files in k8s/ outside the kustomization")
        .containsExactlyInAnyOrderElementsOf(base);
    }
    Path monitoring = K8S.resolve("monitoring");
    Map<String, Object> monitoringKustomization = YAML.readValue(monitoring.resolve("kustomization.yaml").toFile(), Map.class);
    List<String> resources = (List<String>) monitoringKustomization.get("resources");
    List<Map<String, Object>> generators = (List<Map<String, Object>>) monitoringKustomization.get("configMapGenerator");
    Set<String> listed = new TreeSet<>(resources);
    generators.forEach(generator -> listed.addAll((List<String>) generator.getOrDefault("files", List.of())));
    listed.add("kustomization.yaml");
    try (var files = Files.list(monitoring)) {
      assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrderElementsOf(listed);
    }
    for (String resource : resources) {
      Map<String, Object> manifest = YAML.readValue(monitoring.resolve(resource).toFile(), Map.class);
      assertThat(manifest).as(resource).containsKeys("apiVersion", "kind", "metadata", "spec");
      assertThat((Map<String, Object>) manifest.get("metadata")).as(resource).containsKey("name")
        .extractingByKey("labels").isEqualTo(podLabels());
    }
    assertThat(generators).extracting(generator -> generator.get("name"))
      .containsExactly("webhook-inbox-dashboard", "webhook-inbox-docs");
    assertThat((Map<String, Object>) generators.get(0).get("options"))
      .containsEntry("labels", Map.of("grafana_dashboard", "1"));
    // The runbook links' site address (AlertRulesTest): read by kustomize, never applied to the cluster.
    assertThat((Map<String, Object>) generators.get(1).get("options"))
      .containsEntry("annotations", Map.of("config.kubernetes.io/local-config", "true"));
  }

  private static Map<String, String> podLabels() {
    return deployment.getSpec().getTemplate().getMetadata().getLabels();
  }

  private static <T> T load(String file, Class<T> type) throws IOException {
    return YAML.readValue(K8S.resolve(file).toFile(), type);
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream().filter(env -> env.getName().equals(name)).findFirst()
      .map(EnvVar::getValue).orElseThrow(() -> new AssertionError(container.getName() + " has no env " + name));
  }

  private static VolumeMount mountOf(Container container, String volume) {
    return container.getVolumeMounts().stream().filter(mount -> mount.getName().equals(volume)).findFirst()
      .orElseThrow(() -> new AssertionError("no mount of " + volume));
  }

  private static Volume volumeMountedAt(PodSpec pod, Container container, String path) {
    String name = container.getVolumeMounts().stream().filter(mount -> mount.getMountPath().equals(path))
      .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + path)).getName();
    return pod.getVolumes().stream().filter(volume -> volume.getName().equals(name)).findFirst().orElseThrow();
  }

  /** fabric8 models keep unknown YAML keys in additionalProperties: any there is a misspelt field. */
  private static void assertNoUnknownFields(Object model, String where) {
    walk(model, where, new IdentityHashMap<>());
  }

  private static void walk(Object node, String where, IdentityHashMap<Object, Boolean> seen) {
    if (node == null || seen.put(node, true) != null || !node.getClass().getName().startsWith("io.fabric8")) {
      if (node instanceof Collection<?> collection) {
        collection.forEach(item -> walk(item, where, seen));
      } else if (node instanceof Map<?, ?> map && !map.isEmpty() && map.keySet().iterator().next() instanceof String) {
        map.values().forEach(value -> walk(value, where, seen));
      }
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      try {
        Object value = getter.invoke(node);
        if (getter.getName().equals("getAdditionalProperties")) {
          assertThat((Map<?, ?>) value).as("unknown field(s) in %s at %s", where, node.getClass().getSimpleName())
            .isNullOrEmpty();
        } else {
          walk(value, where, seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
  }
}
