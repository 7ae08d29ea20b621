// Runs after the archetype has written the project. The descriptor's validationRegex is only
// enforced when Maven asks interactively, so the properties are checked here as well: a project
// generated from a bad value would not build (extensionPoint) or would not load (version).
Properties props = request.properties
List<String> problems = []

List<String> kinds = ['load-balancer', 'policy-adapter', 'telemetry-adapter', 'platform-adapter']
String kind = props.getProperty('extensionPoint')
if (!kinds.contains(kind)) {
  problems << "extensionPoint '${kind}' is not one of ${kinds.join(', ')}"
}
String version = request.version
if (!(version ==~ /\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?/)) {
  problems << "version '${version}' is not a semantic version such as 1.0.0 or 1.0.0-SNAPSHOT," +
      " which PF4J requires of Plugin-Version"
}
String pluginId = props.getProperty('pluginId')
if (!(pluginId ==~ /[A-Za-z0-9][A-Za-z0-9._-]*/)) {
  problems << "pluginId '${pluginId}' must be letters, digits, '.', '_' and '-'"
}

if (problems) {
  new File(request.outputDirectory, request.artifactId).deleteDir()
  throw new IllegalArgumentException(
      'Cannot generate a Bowline plugin: ' + problems.join('; ') + '. Nothing was generated.')
}
